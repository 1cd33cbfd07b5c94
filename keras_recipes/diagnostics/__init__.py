"""See why training does not work: `lint`, `diagnose`, `baseline`, `compare`.

Only the light modules are re-exported here (the schema imports the lint rule
ids); `diagnose` and `baseline` import TensorFlow and live in
`keras_recipes.diagnostics.diagnose` and `keras_recipes.diagnostics.baseline`.
"""

from keras_recipes.diagnostics.lint import lint_recipe, print_lint
from keras_recipes.diagnostics.lint_rules import RULE_IDS, RULES, LintWarning

__all__ = ["RULES", "RULE_IDS", "LintWarning", "lint_recipe", "print_lint"]
