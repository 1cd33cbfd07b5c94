"""A small residual network (basic blocks, He et al. 2016) for images or 1-D signals."""

import keras

from keras_recipes.models.blocks import conv_block, conv_layer, dense_block, output_head, \
    spatial_rank
from keras_recipes.models.registry import MODELS


def _residual_block(x, filters: int, config, name: str, strides: int):
    shortcut = x
    y = conv_block(x, filters, config, f"{name}_a", strides=strides)
    y = conv_block(y, filters, config, f"{name}_b", activate=False)
    if strides != 1 or shortcut.shape[-1] != filters:
        rank = len(x.shape) - 2
        shortcut = conv_layer(rank, filters, config, f"{name}_proj", kernel_size=1,
                              strides=strides)(shortcut)
    x = keras.layers.Add(name=f"{name}_add")([shortcut, y])
    return keras.layers.Activation(config.activation, name=f"{name}_out")(x)


@MODELS.register("resnet")
def build_resnet(config, spec) -> keras.Model:
    """Stem conv, then `model.filters` stages of `blocks_per_stage` residual blocks.

    Every stage after the first halves the spatial size (stride 2) while it is
    at least 2; global average pooling and the dense head follow.

    Example:

    >>> recipe:  model: {type: resnet, filters: [32, 64], blocks_per_stage: 2}
    """
    rank = spatial_rank(spec, "resnet")
    gap = keras.layers.GlobalAveragePooling2D if rank == 2 else keras.layers.GlobalAveragePooling1D
    inputs = keras.Input(spec.input_shape, name="inputs")
    x = conv_block(inputs, config.filters[0], config, "stem")
    for stage, filters in enumerate(config.filters):
        for block in range(config.blocks_per_stage):
            downsample = stage > 0 and block == 0 and min(x.shape[1:-1]) >= 2
            x = _residual_block(x, filters, config, f"stage{stage}_block{block}",
                                strides=2 if downsample else 1)
    x = gap(name="pool")(x)
    for i, units in enumerate(config.hidden):
        x = dense_block(x, units, config, f"head{i}")
    return keras.Model(inputs, output_head(x, spec), name="resnet")
