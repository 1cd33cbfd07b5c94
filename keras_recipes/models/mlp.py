"""Multi-layer perceptron: Dense -> BatchNorm -> activation -> Dropout, per hidden layer."""

import keras

from keras_recipes.models.blocks import dense_block, output_head
from keras_recipes.models.registry import MODELS


@MODELS.register("mlp")
def build_mlp(config, spec) -> keras.Model:
    """An MLP with `model.hidden` widths (default [256, 128]) on flattened inputs.

    Example:

    >>> recipe:  model: {type: mlp, hidden: [256, 128], dropout: 0.2}
    """
    inputs = keras.Input(spec.input_shape, name="inputs")
    x = keras.layers.Flatten(name="flatten")(inputs) if len(spec.input_shape) > 1 else inputs
    for i, units in enumerate(config.hidden):
        x = dense_block(x, units, config, f"hidden{i}")
    return keras.Model(inputs, output_head(x, spec), name="mlp")
