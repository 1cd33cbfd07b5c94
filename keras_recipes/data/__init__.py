"""Data: sources, splits, preprocessing (Keras layers fitted on the training split), pipelines.

Names are re-exported lazily, so importing a light module of this package
(`columns`, `label_counts`, `table_reader`) does not import NumPy-heavy or
TensorFlow code: `lint` and `init` stay fast.
"""

from __future__ import annotations

from keras_recipes._lazy import lazy_exports

_EXPORTS = {
    "ArraySplits": "keras_recipes.data.splits",
    "DataBundle": "keras_recipes.data.builder",
    "DataSpec": "keras_recipes.data.spec",
    "Normalizer": "keras_recipes.data.splits",
    "Preprocessor": "keras_recipes.data.preprocessor",
    "build_data": "keras_recipes.data.builder",
    "make_pipeline": "keras_recipes.data.pipeline",
    "split_arrays": "keras_recipes.data.splits",
}

__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
