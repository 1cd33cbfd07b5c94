"""Training-batch data augmentation declared by the recipe's `data.augment` list."""

from keras_recipes.augment.augmenter import Augmenter
from keras_recipes.augment.builder import build_augmenter

__all__ = ["Augmenter", "build_augmenter"]
