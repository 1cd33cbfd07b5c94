"""What `init` learned about a dataset: the `DataProfile` every inspector returns."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Optional


@dataclasses.dataclass
class DataProfile:
    """A dataset as `init` sees it, enough to write a first recipe.

    Attributes:
        modality: `table`, `image`, `text` or `array` (picks the model family).
        path: the file or folder inspected.
        source: the recipe's `data` keys that say where the examples come from
            (`source`, `path`, `target`...), in the order they are written.
        task: `classification` or `regression`.
        examples: number of labelled examples found.
        input_shape: shape of one example when known (arrays, images).
        class_counts: examples per class, in label order (classification).
        inferred: one line per inference, printed and written as a comment.
        checks: what the user should look at before training.
        notes: `{data key: comment}` written beside the key in the recipe.

    Example:

    >>> DataProfile("array", Path("d.npz"), {"source": "npz", "path": "d.npz"},
    ...             "classification", 100, [8], {"0": 50, "1": 50}).classes
    ['0', '1']
    """

    modality: str
    path: Path
    source: dict[str, Any]
    task: str
    examples: int
    input_shape: Optional[list[int]] = None
    class_counts: dict[str, int] = dataclasses.field(default_factory=dict)
    inferred: list[str] = dataclasses.field(default_factory=list)
    checks: list[str] = dataclasses.field(default_factory=list)
    notes: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def classes(self) -> list[str]:
        """Class names in label order (empty for regression)."""
        return list(self.class_counts)

    def imbalance(self) -> float:
        """Largest over smallest class count (1.0 when balanced or regression)."""
        counts = [c for c in self.class_counts.values() if c > 0]
        return max(counts) / min(counts) if counts else 1.0
