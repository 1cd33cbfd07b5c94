"""Layer blocks shared by the built-in models, following the playbook's placement rules.

- normalization (batch) goes between the linear layer and the activation;
- dropout follows dense and attention layers, never convolutions;
- the output layer computes in float32 whatever the mixed-precision policy.
"""

from __future__ import annotations

import keras

_RELU_FAMILY = {"relu", "gelu", "silu", "swish", "elu", "leaky_relu"}


def initializer(config) -> str:
    """`auto` -> He for ReLU families, LeCun for SELU, Glorot for tanh/sigmoid."""
    if config.kernel_initializer != "auto":
        return config.kernel_initializer
    if config.activation in _RELU_FAMILY:
        return "he_normal"
    return "lecun_normal" if config.activation == "selu" else "glorot_uniform"


def regularizer(config):
    return keras.regularizers.L2(config.l2) if config.l2 > 0 else None


def normalization(config, name: str):
    if config.normalization == "batch":
        return keras.layers.BatchNormalization(name=name)
    if config.normalization == "layer":
        return keras.layers.LayerNormalization(name=name)
    return None


def dense_block(x, units: int, config, name: str):
    """Dense -> (norm) -> activation -> (dropout)."""
    norm = normalization(config, f"{name}_norm")
    x = keras.layers.Dense(units, use_bias=norm is None, kernel_initializer=initializer(config),
                           kernel_regularizer=regularizer(config), name=f"{name}_dense")(x)
    if norm is not None:
        x = norm(x)
    x = keras.layers.Activation(config.activation, name=f"{name}_act")(x)
    if config.dropout > 0:
        x = keras.layers.Dropout(config.dropout, name=f"{name}_dropout")(x)
    return x


def conv_layer(rank: int, filters: int, config, name: str, kernel_size=None, strides=1):
    conv = keras.layers.Conv2D if rank == 2 else keras.layers.Conv1D
    return conv(filters, kernel_size or config.kernel_size, strides=strides, padding="same",
                use_bias=config.normalization != "batch", kernel_initializer=initializer(config),
                kernel_regularizer=regularizer(config), name=name)


def conv_block(x, filters: int, config, name: str, strides: int = 1, activate: bool = True):
    """Conv -> (norm) -> (activation); no dropout after convolutions."""
    x = conv_layer(x.shape.rank - 2 if hasattr(x.shape, "rank") else len(x.shape) - 2,
                   filters, config, f"{name}_conv", strides=strides)(x)
    norm = normalization(config, f"{name}_norm")
    if norm is not None:
        x = norm(x)
    if activate:
        x = keras.layers.Activation(config.activation, name=f"{name}_act")(x)
    return x


def output_head(x, spec, name: str = "output"):
    """Float32 softmax over classes, or float32 linear outputs for regression."""
    if spec.task == "classification":
        x = keras.layers.Dense(spec.num_outputs, name=f"{name}_logits")(x)
        return keras.layers.Activation("softmax", dtype="float32", name=name)(x)
    return keras.layers.Dense(spec.num_outputs, dtype="float32", name=name)(x)


def spatial_rank(spec, model_type: str) -> int:
    """1 for (length, channels) inputs, 2 for (height, width, channels) inputs."""
    from keras_recipes.errors import UsageError

    rank = len(spec.input_shape) - 1
    if rank not in (1, 2):
        raise UsageError(
            f"model.type: {model_type!r} needs inputs shaped (length, channels) or "
            f"(height, width, channels), got {list(spec.input_shape)} -> set data.input_shape, "
            "e.g. [8, 8, 1] for digits")
    return rank
