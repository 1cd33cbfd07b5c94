"""The baseline: logistic (classification) or linear (regression) regression."""

import keras

from keras_recipes.models.blocks import output_head
from keras_recipes.models.registry import MODELS


@MODELS.register("linear")
def build_linear(config, spec) -> keras.Model:
    """One linear layer on the flattened input: the simplest model that could work.

    Example:

    >>> recipe:  model: {type: linear}
    """
    inputs = keras.Input(spec.input_shape, name="inputs")
    x = keras.layers.Flatten(name="flatten")(inputs) if len(spec.input_shape) > 1 else inputs
    return keras.Model(inputs, output_head(x, spec), name="linear")
