"""Data sources, registered by name (importing this package registers them all)."""

from keras_recipes.data.sources import file_source, image_folder, python_source, \
    sklearn_source, synthetic, table_source, text_folder, tfds_source
from keras_recipes.data.sources.base import SOURCES, SourceData

__all__ = ["SOURCES", "SourceData", "file_source", "image_folder", "python_source",
           "sklearn_source", "synthetic", "table_source", "text_folder", "tfds_source"]
