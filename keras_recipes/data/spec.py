"""What the model builders need to know about the data."""

from __future__ import annotations

import dataclasses
from typing import Optional


@dataclasses.dataclass(frozen=True)
class DataSpec:
    """Shapes, task and sizes of a prepared dataset.

    Attributes:
        input_shape: shape of one example, without the batch dimension.
        task: "classification" or "regression".
        num_outputs: classes for classification, targets for regression.
        num_train, num_val, num_test: examples per split (None when unknown).
        vocab_size: set for integer token inputs (sequences), else None.
        class_names: optional display names of the classes.
    """

    input_shape: tuple[int, ...]
    task: str
    num_outputs: int
    num_train: Optional[int]
    num_val: Optional[int]
    num_test: Optional[int]
    vocab_size: Optional[int] = None
    class_names: Optional[tuple[str, ...]] = None

    @property
    def is_tokens(self) -> bool:
        return self.vocab_size is not None
