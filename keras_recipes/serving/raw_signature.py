"""A hand-back model's raw inputs (names, dtypes, shapes) and one example read for them.

`RawSignature.of(model)` reads the inputs from the model itself and says what
kind of data they are (`table`, `image`, `text`, `array`); the readers in
`serving.inputs` turn a file into `Record`s of those inputs.

Example:

>>> signature = RawSignature.of(model)      # doctest: +SKIP
>>> signature.kind, signature.describe()    # doctest: +SKIP
('table', 'a CSV with the columns age, city, or a .npz with arrays named so')
"""

from __future__ import annotations

import dataclasses
from typing import Optional

import numpy as np

IMAGE_SUFFIXES = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
"""Image files read from a folder (those `keras.utils.image_dataset_from_directory` reads)."""


@dataclasses.dataclass(frozen=True)
class ModelInput:
    """One raw input: its key in the model's input dict (None if single), name, dtype, shape."""

    key: Optional[str]
    name: str
    dtype: str
    shape: tuple

    @property
    def is_string(self) -> bool:
        return self.dtype == "string"

    @property
    def size(self) -> int:
        return int(np.prod([d or 1 for d in self.shape])) if self.shape else 1


@dataclasses.dataclass(frozen=True)
class RawSignature:
    """The raw inputs of a model and what kind of data they are."""

    inputs: tuple[ModelInput, ...]
    is_dict: bool

    @classmethod
    def of(cls, model) -> "RawSignature":
        structure = model.input
        if isinstance(structure, dict):
            items = list(structure.items())
        else:
            items = [(None, t) for t in (structure if isinstance(structure, (list, tuple))
                                         else [structure])]
        inputs = tuple(ModelInput(key, t.name, str(t.dtype), tuple(t.shape[1:]))
                       for key, t in items)
        return cls(inputs, isinstance(structure, dict) or len(inputs) > 1)

    @property
    def kind(self) -> str:
        """`table`, `image`, `text` or `array`."""
        if self.is_dict:
            return "table"
        only = self.inputs[0]
        if only.is_string:
            return "text"
        if len(only.shape) == 3 and only.shape[-1] in (1, 3, 4) and None not in only.shape[:2]:
            return "image"
        return "array"

    def describe(self) -> str:
        """What INPUT may be for this model, for messages."""
        names = ", ".join(i.key or i.name for i in self.inputs)
        return {
            "table": f"a CSV with the columns {names}, or a .npz with arrays named so",
            "image": "an image file (" + "/".join(IMAGE_SUFFIXES) + ") or a folder of them, "
                     "or a .npz",
            "text": "a text file (one example per line), a folder of .txt files, or a CSV "
                    f"with a {names!r} column",
            "array": f"a CSV with {self.inputs[0].size} numbers per row, or a .npz",
        }[self.kind]


@dataclasses.dataclass
class Record:
    """One example read from INPUT, or why it could not be read.

    Attributes:
        source: where it came from: `line 7`, a file path, `index 3`.
        values: `{input key or name: array of the input's shape}`; None with a problem.
        problem: why the example could not be read, e.g. `line 7, column 'age': 'x' -> a number`.
    """

    source: str
    values: Optional[dict] = None
    problem: Optional[str] = None


def shaped(value, model_input: ModelInput) -> np.ndarray:
    """`value` as an array of the input's dtype and shape."""
    dtype = object if model_input.is_string else model_input.dtype
    array = np.asarray(value, dtype=dtype)
    shape = tuple(d if d is not None else -1 for d in model_input.shape)
    return array.reshape(shape) if shape else array.reshape(())
