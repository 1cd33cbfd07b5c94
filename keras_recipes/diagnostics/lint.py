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
"""

from __future__ import annotations

import sys
from typing import TextIO

from keras_recipes.diagnostics.lint_rules import RULES, LintWarning


def lint_recipe(recipe) -> list[LintWarning]:
    """The warnings of every rule not named in `recipe.lint.ignore`, in rule order."""
    ignored = set(recipe.lint.ignore)
    return [warning for rule_id, rule in RULES.items() if rule_id not in ignored
            for warning in rule(recipe)]


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
