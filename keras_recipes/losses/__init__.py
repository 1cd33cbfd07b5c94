"""Losses and metrics resolved from the recipe's `training` section."""

from keras_recipes.losses.factory import build_loss, build_metrics
from keras_recipes.losses.sparse_smoothed_crossentropy import \
    SparseCategoricalCrossentropyWithSmoothing

__all__ = ["SparseCategoricalCrossentropyWithSmoothing", "build_loss", "build_metrics"]
