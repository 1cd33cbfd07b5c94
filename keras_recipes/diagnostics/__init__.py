"""See why training does not work: `lint`, `diagnose`, `baseline`, `compare`.

Only the light modules are re-exported here, and lazily, so importing
`keras_recipes.diagnostics.commands` for the CLI's parsers does not import the
recipe schema (`--help` stays fast); `diagnose` and `baseline` import
TensorFlow and live in `keras_recipes.diagnostics.diagnose` and
`keras_recipes.diagnostics.baseline`.
"""

from __future__ import annotations

from keras_recipes._lazy import lazy_exports

_EXPORTS = {
    "LintWarning": "keras_recipes.diagnostics.lint_rules",
    "RULES": "keras_recipes.diagnostics.lint_rules",
    "RULE_IDS": "keras_recipes.diagnostics.lint_rules",
    "lint_recipe": "keras_recipes.diagnostics.lint",
    "print_lint": "keras_recipes.diagnostics.lint",
}

__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
