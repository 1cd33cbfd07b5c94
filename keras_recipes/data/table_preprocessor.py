"""Typed table columns -> one feature vector, with Keras layers fitted on the training rows."""

from __future__ import annotations

import collections
import re

import numpy as np

from keras_recipes.data.preprocessor import Preprocessor
from keras_recipes.data.text_preprocessor import ADAPT_SAMPLE, TextOptions, text_vectorization

MAX_CATEGORIES = 1_000
"""A categorical column keeps its most frequent values up to this many (the rest share
the out-of-vocabulary bucket)."""


def raw_dtype(kind: str) -> str:
    """The raw input dtype of a column kind: numbers as float32, the rest as strings."""
    return "float32" if kind == "numeric" else "string"


def input_name(column: str) -> str:
    """A model-input name for a column header (letters, digits, `_`, `.`, `-`)."""
    return re.sub(r"[^A-Za-z0-9_.\-]", "_", column) or "column"


class TablePreprocessor(Preprocessor):
    """Raw columns (a dict keyed by `input_name(header)`) -> a float feature vector per row.

    Per column kind (see `keras_recipes.data.columns`), all fitted on the
    training rows (at most `ADAPT_SAMPLE`):

    - `numeric` (float32, NaN = missing): a missing cell becomes the training
      mean, then `Normalization` with the training mean and standard
      deviation (so it reads 0), plus a 0/1 "was missing" feature when the
      training rows had missing cells;
    - `categorical` (string, "" = missing): `StringLookup` one-hot over the
      training values (at most `MAX_CATEGORIES`), with "" always in the
      vocabulary (missing is its own bucket) and one out-of-vocabulary bucket
      for values never seen in training;
    - `text` (string): `TextVectorization` (TF-IDF by default) over the training text.

    Example:

    >>> pre = TablePreprocessor({"age": np.array([30.0, np.nan, 50.0], np.float32),
    ...                          "job": np.array(["a", "b", ""])},
    ...                         {"age": "numeric", "job": "categorical"}, TextOptions())
    >>> pre({"age": np.array([40.0, np.nan], np.float32), "job": np.array(["a", "zzz"])}).shape
    TensorShape([2, 6])

    Args:
        train: `{input_name(column): raw values of the training rows}`.
        kinds: `{column header: numeric | categorical | text}`; columns absent are ignored.
        text: options of `text` columns (bag-of-words modes only).
    """

    def __init__(self, train: dict, kinds: dict, text: TextOptions):
        import keras

        self.kinds = {c: k for c, k in kinds.items() if k in ("numeric", "categorical", "text")}
        self.layers = {}
        self.has_missing = {}
        self.means = {}
        for column, kind in self.kinds.items():
            values = np.asarray(train[input_name(column)])[:ADAPT_SAMPLE]
            layer_name = f"{kind}_{input_name(column)}"
            if kind == "numeric":
                present = values[~np.isnan(values)].astype(np.float64)
                mean = float(present.mean()) if present.size else 0.0
                std = float(present.std()) if present.size else 1.0
                self.means[column] = mean
                self.has_missing[column] = bool(np.isnan(values).any())
                self.layers[column] = keras.layers.Normalization(
                    mean=mean, variance=(std if std > 1e-8 else 1.0) ** 2, name=layer_name)
            elif kind == "categorical":
                counts = collections.Counter(str(v) for v in values if str(v) != "")
                ordered = sorted(counts, key=lambda v: (-counts[v], v))[:MAX_CATEGORIES]
                self.layers[column] = keras.layers.StringLookup(
                    vocabulary=[""] + ordered, num_oov_indices=1, output_mode="one_hot",
                    name=layer_name)
            else:
                self.layers[column] = text_vectorization(
                    values, TextOptions(text.max_tokens, text.sequence_length,
                                        "tf_idf" if text.is_tokens else text.encoding,
                                        text.ngrams), layer_name)

    def raw_inputs(self):
        import keras

        return {input_name(column): keras.Input(shape=(), dtype=raw_dtype(kind),
                                                name=input_name(column))
                for column, kind in self.kinds.items()}

    def __call__(self, raw):
        from keras import ops

        parts = []
        for column, kind in self.kinds.items():
            x = raw[input_name(column)]
            if kind == "numeric":
                x = ops.cast(x, "float32")
                missing = ops.isnan(x)
                filled = ops.where(missing, ops.full_like(x, self.means[column]), x)
                parts.append(self.layers[column](ops.expand_dims(filled, -1)))
                if self.has_missing[column]:
                    parts.append(ops.expand_dims(ops.cast(missing, "float32"), -1))
            else:
                parts.append(ops.cast(self.layers[column](x), "float32"))
        return ops.concatenate(parts, axis=-1)
