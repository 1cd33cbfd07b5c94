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

# Layers whose weights `decay_exclude: [norm]` / `[embedding]` name (all their weights).
_NORM_LAYERS = tuple(getattr(keras.layers, name) for name in (
    "BatchNormalization", "LayerNormalization", "GroupNormalization", "RMSNormalization",
    "UnitNormalization") if hasattr(keras.layers, name))

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


def build_optimizer(config, learning_rate, clip_in_optimizer: bool = True, model=None):
    """Builds `config.name` with `learning_rate` (a float or a schedule).

    Only the keys that apply to the optimizer are passed; the schema already
    filled in the playbook defaults (e.g. Adam epsilon 1e-8, AdamW decay 0.01).

    Args:
        config: the recipe's `OptimizerConfig`.
        learning_rate: a float or a `LearningRateSchedule`.
        clip_in_optimizer: pass `clipnorm`/`global_clipnorm`/`clipvalue` to the
            optimizer. `RecipeModel` clips itself (after the all-reduce), so the
            trainer passes False for it.
        model: the built model it will train: with weight decay on, its variables
            named by `config.decay_exclude` are excluded from the decay.
    """
    kwargs = {k: getattr(config, k) for k in _PASSED if getattr(config, k, None) is not None}
    if not clip_in_optimizer:
        for key in ("clipnorm", "global_clipnorm", "clipvalue"):
            kwargs.pop(key, None)
    optimizer = OPTIMIZERS.get(config.name)(learning_rate=learning_rate, **kwargs)
    if model is not None and optimizer.weight_decay and config.decay_exclude:
        if not model.trainable_variables:
            import warnings

            warnings.warn("optimizer.decay_exclude: the model has no variables yet (a "
                          "subclassed model that is not built), so weight decay applies to "
                          "every variable. Build the model in model.python (call it on an "
                          "input or give it an Input) to exempt biases and norms.",
                          stacklevel=2)
        exclude_from_decay(optimizer, decay_excluded(model, config.decay_exclude))
    return optimizer


def decay_excluded(model, exclude) -> list:
    """The trainable variables of a built `model` that `exclude` names.

    Variables are classified by the layer that owns them, not by name: `norm` is
    every weight of a normalization layer (batch/layer/group/RMS norm), `embedding`
    every weight of an `Embedding` and the package's `PositionEmbedding`, `bias`
    a layer's `bias` (Dense, Conv, EinsumDense inside attention, ...) or a variable
    named `bias`; `path:TEXT` matches TEXT inside the variable's path.

    Example:

    >>> [v.path for v in decay_excluded(mlp, ["bias", "norm"])]
    ['hidden0_norm/gamma', 'hidden0_norm/beta', 'output/bias']
    """
    from keras_recipes._keras_compat import flatten_layers
    from keras_recipes.models.transformer import PositionEmbedding

    kinds = set(exclude)
    texts = [item.removeprefix("path:") for item in kinds if item.startswith("path:")]
    chosen = set()
    for layer in flatten_layers(model):
        if ("norm" in kinds and isinstance(layer, _NORM_LAYERS)) or (
                "embedding" in kinds
                and isinstance(layer, (keras.layers.Embedding, PositionEmbedding))):
            chosen.update(id(v) for v in layer.trainable_weights)
        bias = getattr(layer, "bias", None)
        if "bias" in kinds and isinstance(bias, keras.Variable):
            chosen.add(id(bias))
    return [v for v in model.trainable_variables if id(v) in chosen
            or ("bias" in kinds and v.name == "bias") or any(t in v.path for t in texts)]


def exclude_from_decay(optimizer, variables) -> None:
    """Excludes `variables` from `optimizer`'s weight decay (the inner optimizer of a
    `LossScaleOptimizer`); call it before the optimizer is built.

    Keras keys the exclusion by variable identity (a distributed variable by its
    container), so it holds under a `tf.distribute` strategy; it is not saved with
    a `.keras` model.
    """
    from keras_recipes.callbacks._optimizer_access import unwrap_optimizer

    unwrap_optimizer(optimizer).exclude_from_weight_decay(var_list=list(variables))
