"""A trial's recipe: the base recipe dict with the trial's values set, validated again.

Going through `set_dotted` and the loader's validation means a trial trains
exactly what `train` would train for the same YAML, and a combination of values
the recipe cannot take fails with the same messages as `validate`.

Example:

>>> recipe = trial_recipe({"model": {"type": "mlp"}}, {"model.dropout": 0.3})
>>> recipe.model.dropout
0.3
"""

from __future__ import annotations

import copy
from typing import Any

from keras_recipes.config.loader import set_dotted, validate_dict
from keras_recipes.config.schema import Recipe

EPOCHS = "tuner/epochs"  # set by hyperband: the epochs a trial trains up to
INITIAL_EPOCH = "tuner/initial_epoch"  # hyperband: epochs already trained by the parent trial
PARENT_TRIAL = "tuner/trial_id"  # hyperband: the trial whose weights this one continues


def trial_values(hp, specs: dict) -> dict[str, Any]:
    """The recipe values of a keras-tuner `HyperParameters` (active entries only)."""
    values = {}
    for path, spec in specs.items():
        if path in hp.values and hp.is_active(path):
            values[path] = spec.from_hp(hp.values[path])
    return values


def recipe_dict(base: dict[str, Any], values: dict[str, Any], seed_offset: int = 0,
                epochs: int | None = None) -> dict[str, Any]:
    """`base` (without `tune`) with `values` set; `seed_offset` > 0 for repeated executions."""
    data = copy.deepcopy(base)
    data.pop("tune", None)
    for path, value in values.items():
        set_dotted(data, path, value)
    if seed_offset:
        data["seed"] = int(data.get("seed", Recipe.model_fields["seed"].default)) + seed_offset
    if epochs is not None:
        set_dotted(data, "training.epochs", int(epochs))
    return data


def trial_recipe(base: dict[str, Any], values: dict[str, Any], seed_offset: int = 0,
                 epochs: int | None = None, source: str | None = "trial"):
    """The validated `Recipe` of one trial; raises `RecipeError` as `validate` would."""
    return validate_dict(recipe_dict(base, values, seed_offset, epochs), source)
