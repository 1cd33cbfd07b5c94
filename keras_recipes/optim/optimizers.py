"""Optimizers with the playbook's defaults, and the LR scaling rule."""

from __future__ import annotations

import math

import keras

from keras_recipes.registry import Registry

OPTIMIZERS: Registry = Registry("optimizer")
OPTIMIZERS.register("adam")(keras.optimizers.Adam)
OPTIMIZERS.register("adamw")(keras.optimizers.AdamW)
OPTIMIZERS.register("sgd")(keras.optimizers.SGD)
OPTIMIZERS.register("lion")(keras.optimizers.Lion)
OPTIMIZERS.register("rmsprop")(keras.optimizers.RMSprop)

_PASSED = ("weight_decay", "beta_1", "beta_2", "epsilon", "momentum", "nesterov", "clipnorm",
           "global_clipnorm", "clipvalue")


def scaled_learning_rate(config, global_batch: int, reference_batch: int) -> tuple[float, float]:
    """Applies `config.scale_lr` (linear / sqrt / none) for a global batch.

    Returns:
        `(learning_rate, factor)`: the scaled LR and the factor applied.

    Example:

    >>> # lr 1e-3 tuned at batch 64; 4 replicas x 64 -> linear rule gives 4e-3.
    """
    ratio = global_batch / reference_batch
    factor = {"linear": ratio, "sqrt": math.sqrt(ratio), "none": 1.0}[config.scale_lr]
    return config.learning_rate * factor, factor


def build_optimizer(config, learning_rate, clip_in_optimizer: bool = True):
    """Builds `config.name` with `learning_rate` (a float or a schedule).

    Only the keys that apply to the optimizer are passed; the schema already
    filled in the playbook defaults (e.g. Adam epsilon 1e-8, AdamW decay 0.01).

    Args:
        config: the recipe's `OptimizerConfig`.
        learning_rate: a float or a `LearningRateSchedule`.
        clip_in_optimizer: pass `clipnorm`/`global_clipnorm`/`clipvalue` to the
            optimizer. `RecipeModel` clips itself (after the all-reduce), so the
            trainer passes False for it.
    """
    kwargs = {k: getattr(config, k) for k in _PASSED if getattr(config, k) is not None}
    if config.name != "sgd":
        kwargs.pop("nesterov", None)
    if not clip_in_optimizer:
        for key in ("clipnorm", "global_clipnorm", "clipvalue"):
            kwargs.pop(key, None)
    return OPTIMIZERS.get(config.name)(learning_rate=learning_rate, **kwargs)
