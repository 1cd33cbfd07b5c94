"""Hyperparameter search over a recipe's dotted paths with keras-tuner (`tune` command).

Only the TensorFlow-free parts are re-exported, lazily (the CLI imports
`tuning.command` for its parser without importing the recipe schema); the
tuner itself lives in `keras_recipes.tuning.tuner` and is imported by the
`tune` command.
"""

from __future__ import annotations

from keras_recipes._lazy import lazy_exports

_EXPORTS = {name: "keras_recipes.config.tune_space"
            for name in ("ParamSpec", "check_path", "parse_space")}

__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
