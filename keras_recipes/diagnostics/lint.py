"""`lint`: run every playbook rule on a recipe, minus those the recipe ignores.

Example:

>>> from keras_recipes.config import load_recipe
>>> recipe = load_recipe("recipes/quickstart.yaml", ["optimizer.name=sgd"])
>>> [w.rule for w in lint_recipe(recipe)]
['sgd_without_schedule']
>>> recipe = load_recipe("recipes/quickstart.yaml", ["optimizer.name=sgd",
...                      "lint.ignore=[sgd_without_schedule]"])
>>> lint_recipe(recipe)
[]

Lint speaks about what the recipe says: a warning is given only when the recipe
(or a recipe it extends, or `--set`) wrote the key it names or one of the keys
that make the rule apply (`USER_KEYS`). A contradiction between defaults alone
is a bug in the defaults, not the user's to fix.
"""

from __future__ import annotations

import sys
from typing import TextIO

from keras_recipes.diagnostics.lint_rules import RULES, LintWarning

# Besides the key a warning names, the keys whose choice makes each rule apply:
# choosing SGD makes a constant schedule the user's problem, a default
# `model.dropout` left inert by a head-less CNN does not.
USER_KEYS: dict[str, tuple[str, ...]] = {
    "transformer_without_warmup": ("model.type", "schedule.name"),
    "adam_with_l2": ("optimizer.name",),
    "batch_grown_without_lr_scaling": ("training.gradient_accumulation", "distribute.strategy",
                                       "distribute.devices"),
    "dropout_after_conv": (),
    "fp16_output": ("model.type", "model.python"),
    "sgd_without_momentum": ("optimizer.name",),
    "sgd_without_schedule": ("optimizer.name", "callbacks.reduce_lr_on_plateau"),
    "early_stopping_without_best_weights": ("callbacks.early_stopping",
                                            "callbacks.checkpoint.monitor", "data.val_split"),
    "label_smoothing_on_regression": ("data.name", "data.task", "training.loss"),
    "lr_out_of_range": ("optimizer.name",),
    "imbalanced_classes": ("data.path", "data.target"),
    "finetune_backbone_at_head_lr": ("model.type", "training.phases"),
    "frozen_backbone_batch_norm_training": ("training.phases",),
    "pretrained_input_scaling": ("model.type", "model.from"),
}


def written(recipe, dotted: str) -> bool:
    """True when the recipe's input gave `dotted` (e.g. `model.dropout`), not a default.

    Example:

    >>> from keras_recipes.config import load_recipe
    >>> written(load_recipe("recipes/quickstart.yaml"), "model.dropout")
    True
    >>> written(load_recipe("recipes/quickstart.yaml"), "model.l2")
    False
    """
    section = recipe
    for part in dotted.split("."):
        if part not in (getattr(section, "model_fields_set", None) or ()):
            return False
        section = getattr(section, part)
    return True


def lint_recipe(recipe) -> list[LintWarning]:
    """The warnings of every rule not named in `recipe.lint.ignore`, in rule order,
    about keys the recipe wrote (see `USER_KEYS`)."""
    ignored = set(recipe.lint.ignore)
    return [warning for rule_id, rule in RULES.items() if rule_id not in ignored
            for warning in rule(recipe)
            if any(written(recipe, key) for key in (warning.path, *USER_KEYS.get(rule_id, ())))]


def print_lint(recipe, source: str, stream: TextIO | None = None) -> list[LintWarning]:
    """Prints `lint: SOURCE: path: given problem -> fix [rule]` lines; returns the warnings.

    Used by `validate` and `train`, where warnings never change the exit status.
    """
    warnings = lint_recipe(recipe)
    stream = sys.stderr if stream is None else stream
    for warning in warnings:
        print(f"lint: {source}: {warning}", file=stream)
    if warnings:
        print(f"lint: silence a rule with `lint: {{ignore: [{warnings[0].rule}]}}` in the "
              "recipe", file=stream)
    return warnings
