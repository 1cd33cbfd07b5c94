"""Hyperparameter search over a recipe's dotted paths with keras-tuner (`tune` command).

Only the TensorFlow-free parts are re-exported; the tuner itself lives in
`keras_recipes.tuning.tuner` and is imported by the `tune` command.
"""

from keras_recipes.config.tune_space import ParamSpec, check_path, parse_space

__all__ = ["ParamSpec", "check_path", "parse_space"]
