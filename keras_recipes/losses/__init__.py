"""Losses and metrics resolved from the recipe's `training` section."""

from keras_recipes.losses.classification_crossentropy import ClassificationCrossentropy
from keras_recipes.losses.factory import build_loss, build_metrics
from keras_recipes.losses.sparse_smoothed_crossentropy import \
    SparseCategoricalCrossentropyWithSmoothing
from keras_recipes.losses.top_k_accuracy import TopKAccuracy

__all__ = ["ClassificationCrossentropy", "SparseCategoricalCrossentropyWithSmoothing",
           "TopKAccuracy", "build_loss", "build_metrics"]
