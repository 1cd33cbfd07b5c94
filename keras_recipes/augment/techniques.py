"""Imports every technique module so each registers itself (TensorFlow is imported here)."""

from keras_recipes.augment import (color_jitter, crop, cutmix, flip, gaussian_noise,  # noqa: F401
                                   magnitude_scale, mixup, rotation, time_warp, token_mask)
from keras_recipes.augment.technique import AUGMENTATIONS

__all__ = ["AUGMENTATIONS"]
