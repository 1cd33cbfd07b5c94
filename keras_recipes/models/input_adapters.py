"""Plain Keras layers that turn the recipe's images into what a pretrained backbone expects.

Every layer is named `preprocess_*` and never trains; they travel inside the
hand-back model, so `model.keras` takes the same raw inputs as training did:

- `preprocess_resize`: `Resizing` to the backbone's image size (when it differs);
- `preprocess_rgb`: a grayscale channel repeated three times (RGB backbones);
- `preprocess_range`: `Rescaling` of `model.input_range` to 0-255 pixels;
- `preprocess_scale` (`tf`, `torch`) / `preprocess_caffe` (`caffe`): the
  family's `preprocess_input`, written as built-in layers (no `Lambda`), equal to
  `keras.applications.<family>.preprocess_input` on 0-255 pixels.

Example:

>>> layers = image_adapters((8, 8, 1), (32, 32), 3, (0.0, 16.0), "tf")
>>> [layer.name for layer in layers]
['preprocess_resize', 'preprocess_rgb', 'preprocess_range', 'preprocess_scale']
"""

from __future__ import annotations

import numpy as np

from keras_recipes.config.backbone_families import EXPECTED_PIXELS

# ImageNet statistics of keras.applications' `caffe` (BGR means) and `torch` modes.
CAFFE_BGR_MEAN = (103.939, 116.779, 123.68)
TORCH_MEAN = (0.485, 0.456, 0.406)
TORCH_STD = (0.229, 0.224, 0.225)


def _repeat_channels(channels: int, name: str):
    """Grayscale -> `channels` copies: a fixed 1x1 convolution with a kernel of ones."""
    import keras

    conv = keras.layers.Conv2D(channels, 1, use_bias=False, trainable=False, name=name)
    conv.build((None, None, None, 1))
    conv.set_weights([np.ones((1, 1, 1, channels), np.float32)])
    return conv


def _caffe_layer(name: str):
    """RGB -> BGR and minus the BGR ImageNet mean: a fixed 1x1 convolution."""
    import keras

    conv = keras.layers.Conv2D(3, 1, use_bias=True, trainable=False, name=name)
    conv.build((None, None, None, 3))
    kernel = np.zeros((1, 1, 3, 3), np.float32)
    for out_channel, in_channel in enumerate((2, 1, 0)):
        kernel[0, 0, in_channel, out_channel] = 1.0
    conv.set_weights([kernel, -np.asarray(CAFFE_BGR_MEAN, np.float32)])
    return conv


def scaling_layers(mode: str) -> list:
    """The family's `preprocess_input` on 0-255 pixels, as built-in layers (none for `raw`)."""
    import keras

    if mode == "tf":
        return [keras.layers.Rescaling(1.0 / 127.5, offset=-1.0, name="preprocess_scale")]
    if mode == "torch":
        scale = [1.0 / (255.0 * s) for s in TORCH_STD]
        offset = [-m / s for m, s in zip(TORCH_MEAN, TORCH_STD)]
        return [keras.layers.Rescaling(scale, offset=offset, name="preprocess_scale")]
    if mode == "caffe":
        return [_caffe_layer("preprocess_caffe")]
    if mode == "raw":
        return []
    raise ValueError(f"Argument `mode` must be one of tf, torch, caffe, raw. Received: {mode!r}")


def range_layer(input_range):
    """`Rescaling` from `[low, high]` to 0-255 pixels, or None when already 0-255."""
    import keras

    low, high = (float(v) for v in input_range)
    if (low, high) == EXPECTED_PIXELS:
        return None
    scale = (EXPECTED_PIXELS[1] - EXPECTED_PIXELS[0]) / (high - low)
    return keras.layers.Rescaling(scale, offset=EXPECTED_PIXELS[0] - low * scale,
                                  name="preprocess_range")


def image_adapters(input_shape, size, channels: int, input_range, mode: str) -> list:
    """The `preprocess_*` layers from `input_shape` images to the backbone's input.

    Args:
        input_shape: `(height, width, channels)` of the network's inputs.
        size: `(height, width)` the backbone sees.
        channels: the backbone's channels (3 for RGB backbones).
        input_range: `[low, high]` of the inputs; mapped to 0-255 (None: skip, the
            backbone takes the inputs' own scale).
        mode: the family's scaling (`tf`, `torch`, `caffe`, `raw`, or None for none).
    """
    import keras

    layers = []
    if tuple(input_shape[:2]) != tuple(size):
        layers.append(keras.layers.Resizing(int(size[0]), int(size[1]),
                                            name="preprocess_resize"))
    if input_shape[-1] != channels:
        layers.append(_repeat_channels(channels, "preprocess_rgb"))
    if input_range is not None:
        rescale = range_layer(input_range)
        if rescale is not None:
            layers.append(rescale)
    if mode is not None:
        layers.extend(scaling_layers(mode))
    for layer in layers:
        layer.trainable = False
    return layers


def describe_adapters(layers) -> str:
    """`resize 8x8 -> 32x32, gray -> RGB, ...` for the printed plan."""
    words = {"preprocess_resize": "resize", "preprocess_rgb": "grayscale -> 3 channels",
             "preprocess_range": "rescale to 0-255", "preprocess_scale": "family scaling",
             "preprocess_caffe": "RGB->BGR minus ImageNet mean"}
    return ", ".join(words.get(layer.name, layer.name) for layer in layers) or "none"


__all__ = ["CAFFE_BGR_MEAN", "TORCH_MEAN", "TORCH_STD", "describe_adapters", "image_adapters",
           "range_layer", "scaling_layers"]
