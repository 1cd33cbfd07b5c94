"""Checks of a recipe's `tune` section against the rest of the recipe (no TensorFlow).

Run by the schema at validate time, so a bad search is refused before any trial.

Example:

>>> from keras_recipes.config import load_recipe
>>> load_recipe("recipes/digits_tune.yaml").tune.algorithm   # validated, checks passed
'random'
"""

from __future__ import annotations

from keras_recipes.config.tune_space import candidate_problems, parse_space


def tune_problems(recipe) -> list[tuple[str, str]]:
    """`(dotted.path, message)` for every problem of `recipe.tune` in this recipe."""
    tune = recipe.tune
    specs, _ = parse_space(tune.space)
    problems = []
    base = recipe.model_dump(mode="json", exclude_unset=True)
    base.pop("tune", None)
    problems += candidate_problems(base, specs)

    metrics = recipe.training.metrics or _default_metrics(recipe.data.task)
    name = tune.objective.removeprefix("val_")
    if name != "loss" and name not in metrics:
        allowed = [p + m for p in ("val_", "") for m in ("loss", *metrics)]
        problems.append(("tune.objective", f"{tune.objective!r} -> a logged metric: "
                                           f"{', '.join(allowed)}"))
    if tune.objective.startswith("val_") and type(recipe.data).splits_arrays \
            and recipe.data.val_split == 0:
        problems.append(("tune.objective", f"{tune.objective!r} -> needs a validation split "
                                           "(data.val_split > 0) or a training metric"))
    if tune.algorithm == "hyperband" and "training.epochs" in specs:
        problems.append(("tune.space.training.epochs", "tuned with hyperband -> leave it out; "
                         "hyperband sets each trial's epochs (up to tune.max_epochs)"))
    if recipe.distribute.strategy == "multi_worker":
        problems.append(("distribute.strategy", "'multi_worker' with tune -> one of default, "
                         "one_device, mirrored (`tune --workers N` runs trials in parallel)"))
    return problems


def _default_metrics(task: str) -> tuple[str, ...]:
    if task == "classification":
        return ("accuracy",)
    if task == "regression":
        return ("mae",)
    return ("accuracy", "mae")
