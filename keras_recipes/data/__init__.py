"""Data: sources, splits, normalization and tf.data pipelines."""

from keras_recipes.data.builder import DataBundle, build_data
from keras_recipes.data.pipeline import make_pipeline
from keras_recipes.data.spec import DataSpec
from keras_recipes.data.splits import ArraySplits, Normalizer, split_arrays

__all__ = ["ArraySplits", "DataBundle", "DataSpec", "Normalizer", "build_data",
           "make_pipeline", "split_arrays"]
