"""The contract between the data pipeline and the model a run hands back.

A `Preprocessor` turns *raw* examples (table columns, pixel values, strings)
into the tensor the network trains on. Its fitted state (scaling statistics,
vocabularies, category lookups) comes from the training split only and lives
in Keras preprocessing layers, so the same object serves twice:

- in `tf.data`, mapped over training/validation/test batches, so the network
  trains on preprocessed tensors ("preprocessing in tf.data for training");
- inside the hand-back model, built functionally as
  `keras.Model(raw, head(network(preprocessor(raw))))`, so `model.keras`
  takes raw inputs and loads with plain Keras ("in the model for serving").

Concrete preprocessors (arrays, typed tables, image and text folders) live
beside their data sources; `IdentityPreprocessor` is for data that arrives
already in the network's format (e.g. token ids from a `python:` source that
says it is preprocessed).

Example:

```python
pre = bundle.preprocessor
raw = pre.raw_inputs()                  # keras.Input(s) named after the raw inputs
served = keras.Model(raw, network(pre(raw)))
```
"""

from __future__ import annotations

import abc
from typing import Any


class Preprocessor(abc.ABC):
    """Raw examples -> network inputs, fitted on the training split only.

    Subclasses build their Keras preprocessing layers (and `adapt` them) in
    their constructor or a `fit`-style classmethod; after that, both methods
    below must be pure functions of their inputs.
    """

    @abc.abstractmethod
    def raw_inputs(self) -> Any:
        """The model's raw inputs as `keras.Input` placeholders.

        A single `keras.Input` (arrays: name `"x"`, images: `"image"`, text:
        `"text"`) or a dict of them keyed by column name (tables: numbers as
        float32 with NaN for missing, categories and text as strings). Each
        call returns new placeholders.
        """

    @abc.abstractmethod
    def __call__(self, raw: Any) -> Any:
        """Preprocesses a batch of raw inputs (symbolic or eager, inside `tf.data` too)."""


class IdentityPreprocessor(Preprocessor):
    """For inputs that already are what the network takes.

    Args:
        shape: shape of one example, without the batch dimension.
        dtype: dtype of the inputs. Defaults to `"float32"`.
        name: name of the model input. Defaults to `"x"`.
    """

    def __init__(self, shape, dtype: str = "float32", name: str = "x"):
        self.shape = tuple(int(d) for d in shape)
        self.dtype = dtype
        self.name = name

    def raw_inputs(self):
        import keras

        return keras.Input(shape=self.shape, dtype=self.dtype, name=self.name)

    def __call__(self, raw):
        return raw
