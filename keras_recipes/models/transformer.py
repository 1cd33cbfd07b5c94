"""Transformer encoder for sequences: pre-layer-norm blocks, mean pooling, dense head."""

import keras
from keras import ops

from keras_recipes.models.blocks import dense_block, initializer, output_head
from keras_recipes.models.registry import MODELS


@keras.saving.register_keras_serializable(package="keras_recipes")
class PositionEmbedding(keras.layers.Layer):
    """Adds a learned embedding of each position to a `(batch, length, width)` input.

    Example:

    >>> layer = PositionEmbedding(max_length=16)
    >>> layer(keras.ops.zeros((2, 16, 8))).shape
    (2, 16, 8)
    """

    def __init__(self, max_length: int, **kwargs):
        super().__init__(**kwargs)
        if max_length < 1:
            raise ValueError(f"Argument `max_length` must be >= 1. Received: max_length={max_length}")
        self.max_length = max_length

    def build(self, input_shape):
        self.positions = self.add_weight(
            shape=(self.max_length, input_shape[-1]), initializer="random_normal",
            name="positions")

    def call(self, inputs):
        length = ops.shape(inputs)[1]
        return inputs + ops.cast(self.positions[:length], inputs.dtype)

    def get_config(self):
        return {**super().get_config(), "max_length": self.max_length}


def _add_positions(x, max_length: int):
    """x + a learned embedding of each position, from built-in layers and ops only.

    Same computation as `PositionEmbedding`, but the hand-back model loads with
    plain Keras (no custom class): position ids 0..L-1 come from the input's shape.
    """
    ids = ops.cumsum(ops.ones_like(x[:, :, 0], dtype="int32"), axis=1) - 1
    positions = keras.layers.Embedding(max_length, x.shape[-1],
                                       embeddings_initializer="random_normal",
                                       name="positions")(ids)
    return keras.layers.Add(name="add_positions")([x, positions])


def _encoder_block(x, config, name: str):
    """x + Dropout(MHA(LN(x))); x + Dropout(FFN(LN(x)))."""
    y = keras.layers.LayerNormalization(name=f"{name}_ln1")(x)
    y = keras.layers.MultiHeadAttention(
        config.num_heads, config.d_model // config.num_heads, dropout=config.dropout,
        name=f"{name}_attention")(y, y)
    y = keras.layers.Dropout(config.dropout, name=f"{name}_attention_dropout")(y)
    x = keras.layers.Add(name=f"{name}_add1")([x, y])
    y = keras.layers.LayerNormalization(name=f"{name}_ln2")(x)
    y = keras.layers.Dense(config.ff_dim, activation=config.activation,
                           kernel_initializer=initializer(config), name=f"{name}_ff1")(y)
    y = keras.layers.Dropout(config.dropout, name=f"{name}_ff_dropout")(y)
    y = keras.layers.Dense(config.d_model, name=f"{name}_ff2")(y)
    return keras.layers.Add(name=f"{name}_add2")([x, y])


def _not_a_sequence(shape) -> str:
    """Why float inputs of `shape` cannot feed a transformer, and the two ways out."""
    given = list(shape)
    if len(given) == 1:
        return (f"model.type: 'transformer' got float inputs of shape {given}, with no "
                "vocabulary size -> token ids come from a source that gives a vocabulary "
                "(synthetic sequences, text_folder, or a python: source returning "
                f"vocab_size); for one number per step, data.input_shape: [{given[0]}, 1] "
                "makes them a feature sequence (values, not token ids)")
    return (f"model.type: 'transformer' needs sequences: token ids (length,) with a "
            f"vocabulary, or features (length, channels), got {given} -> data.input_shape: "
            "[length, channels], or another model.type (cnn for images)")


@MODELS.register("transformer")
def build_transformer(config, spec) -> keras.Model:
    """Encoder-only transformer over token ids (embedding) or feature sequences (projection).

    Example:

    >>> recipe:  model: {type: transformer, d_model: 64, num_heads: 4, num_layers: 2}
    """
    from keras_recipes.errors import UsageError

    inputs = keras.Input(spec.input_shape, dtype="int32" if spec.is_tokens else "float32",
                         name="inputs")
    if spec.is_tokens:
        if len(spec.input_shape) != 1:
            raise UsageError(f"model.type: 'transformer' token inputs must be (length,), got "
                             f"{list(spec.input_shape)}")
        x = keras.layers.Embedding(spec.vocab_size, config.d_model, name="embedding")(inputs)
    elif len(spec.input_shape) == 2:
        x = keras.layers.Dense(config.d_model, name="projection")(inputs)
    else:
        raise UsageError(_not_a_sequence(spec.input_shape))
    x = _add_positions(x, spec.input_shape[0])
    x = keras.layers.Dropout(config.dropout, name="embedding_dropout")(x)
    for layer in range(config.num_layers):
        x = _encoder_block(x, config, f"block{layer}")
    x = keras.layers.LayerNormalization(name="final_ln")(x)
    x = keras.layers.GlobalAveragePooling1D(name="pool")(x)
    head = config.model_copy(update={"normalization": "none"})
    for i, units in enumerate(config.hidden):
        x = dense_block(x, units, head, f"head{i}")
    return keras.Model(inputs, output_head(x, spec), name="transformer")
