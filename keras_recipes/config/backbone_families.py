"""What each `keras.applications` family expects as input (no TensorFlow import).

`model: {type: pretrained, from: NAME}` builds `keras.applications.NAME` and puts
the family's `preprocess_input` in front of it as plain Keras layers, so the
hand-back model takes raw pixels. The table here is what `validate`, `lint` and
the builder share: the family of every architecture name, the input scaling
the family was trained with, and the smallest image side it accepts.

Input scaling (`mode`), from raw pixels in 0-255:

- `tf`: `x / 127.5 - 1` (to [-1, 1]): MobileNet, MobileNetV2, ResNetV2,
  InceptionV3, InceptionResNetV2, Xception, NASNet;
- `caffe`: RGB -> BGR, then minus the ImageNet mean per channel, no scaling
  (about [-124, 152]): VGG16, VGG19, ResNet50/101/152;
- `torch`: `x / 255`, then per-channel ImageNet mean/std: DenseNet;
- `raw`: the network scales 0-255 pixels itself (its first layers are a
  `Rescaling`/`Normalization`): EfficientNet, EfficientNetV2, ConvNeXt,
  MobileNetV3 (built with `args: {include_preprocessing: false}` they expect
  `torch` (ConvNeXt) or `tf` scaling instead).

Example:

>>> family_of("ResNet50")
'resnet'
>>> FAMILIES["resnet"].mode
'caffe'
"""

from __future__ import annotations

import dataclasses
from typing import Optional


@dataclasses.dataclass(frozen=True)
class Family:
    """One `keras.applications` module: its input scaling and smallest image side."""

    mode: str
    min_size: int = 32
    names: tuple[str, ...] = ()


FAMILIES: dict[str, Family] = {
    "convnext": Family("raw", 32, ("ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase",
                                   "ConvNeXtLarge", "ConvNeXtXLarge")),
    "densenet": Family("torch", 32, ("DenseNet121", "DenseNet169", "DenseNet201")),
    "efficientnet": Family("raw", 32, tuple(f"EfficientNetB{i}" for i in range(8))),
    "efficientnet_v2": Family("raw", 32, ("EfficientNetV2B0", "EfficientNetV2B1",
                                          "EfficientNetV2B2", "EfficientNetV2B3",
                                          "EfficientNetV2S", "EfficientNetV2M",
                                          "EfficientNetV2L")),
    "inception_resnet_v2": Family("tf", 75, ("InceptionResNetV2",)),
    "inception_v3": Family("tf", 75, ("InceptionV3",)),
    "mobilenet": Family("tf", 32, ("MobileNet",)),
    "mobilenet_v2": Family("tf", 32, ("MobileNetV2",)),
    "mobilenet_v3": Family("raw", 32, ("MobileNetV3Small", "MobileNetV3Large")),
    "nasnet": Family("tf", 32, ("NASNetMobile", "NASNetLarge")),
    "resnet": Family("caffe", 32, ("ResNet50", "ResNet101", "ResNet152")),
    "resnet_v2": Family("tf", 32, ("ResNet50V2", "ResNet101V2", "ResNet152V2")),
    "vgg16": Family("caffe", 32, ("VGG16",)),
    "vgg19": Family("caffe", 32, ("VGG19",)),
    "xception": Family("tf", 71, ("Xception",)),
}

ARCHITECTURES: dict[str, str] = {name: module for module, family in FAMILIES.items()
                                 for name in family.names}
"""`keras.applications` name -> its module (family), e.g. `MobileNetV2 -> mobilenet_v2`."""

# Families whose built-in scaling can be switched off, and what they expect then.
_WITHOUT_PREPROCESSING = {"convnext": "torch", "efficientnet_v2": "tf", "mobilenet_v3": "tf"}

# The range of pixels the family's scaling expects, and what it maps them to.
EXPECTED_PIXELS = (0.0, 255.0)
SCALED_RANGE = {"tf": (-1.0, 1.0), "caffe": (-123.68, 151.061), "torch": (-2.118, 2.640),
                "raw": (0.0, 255.0)}


def family_of(name: str) -> Optional[str]:
    """The family (module) of a `keras.applications` name, or None when it is not one."""
    return ARCHITECTURES.get(name)


def scaling_mode(family: str, args: Optional[dict] = None) -> str:
    """`tf`, `caffe`, `torch` or `raw` for `family` built with constructor `args`."""
    mode = FAMILIES[family].mode
    if family in _WITHOUT_PREPROCESSING and (args or {}).get("include_preprocessing") is False:
        return _WITHOUT_PREPROCESSING[family]
    return mode


def looks_like_path(value: str) -> bool:
    """A `model.from` that names a file or folder rather than an architecture."""
    return any(sep in value for sep in ("/", "\\")) or value.startswith(".") or \
        value.endswith((".keras", ".h5")) or value.startswith("~")


__all__ = ["ARCHITECTURES", "EXPECTED_PIXELS", "FAMILIES", "Family", "SCALED_RANGE",
           "family_of", "looks_like_path", "scaling_mode"]
