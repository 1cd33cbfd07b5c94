"""Convolutional net: stages of two conv-BN-ReLU blocks and a max-pool, then a dense head."""

import keras

from keras_recipes.models.blocks import conv_block, dense_block, output_head, spatial_rank
from keras_recipes.models.registry import MODELS


@MODELS.register("cnn")
def build_cnn(config, spec) -> keras.Model:
    """A VGG-style CNN for images (2-D) or signals (1-D), `model.filters` per stage.

    Pooling halves the spatial size after each stage while it is at least 2.
    Dropout sits in the dense head only (never after convolutions).

    Example:

    >>> recipe:  model: {type: cnn, filters: [32, 64], hidden: [128]}
    """
    rank = spatial_rank(spec, "cnn")
    pool = keras.layers.MaxPooling2D if rank == 2 else keras.layers.MaxPooling1D
    inputs = keras.Input(spec.input_shape, name="inputs")
    x = inputs
    for stage, filters in enumerate(config.filters):
        x = conv_block(x, filters, config, f"stage{stage}_a")
        x = conv_block(x, filters, config, f"stage{stage}_b")
        if min(x.shape[1:-1]) >= 2:
            x = pool(2, name=f"stage{stage}_pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    for i, units in enumerate(config.hidden):
        x = dense_block(x, units, config, f"head{i}")
    return keras.Model(inputs, output_head(x, spec), name="cnn")
