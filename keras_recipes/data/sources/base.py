"""What a data source hands to the pipeline, and the source registry."""

from __future__ import annotations

import dataclasses
from typing import Any, Optional

import numpy as np

from keras_recipes.registry import Registry

SOURCES: Registry = Registry("data source")


@dataclasses.dataclass
class SourceData:
    """Raw examples from a source: arrays to be split, or ready-split datasets.

    Exactly one of `x`/`y` (all examples; the pipeline splits them) or
    `datasets` (`{"train", "val", "test"}` -> unbatched `tf.data.Dataset`s of
    `(x, y)`) is set. The metadata fields are optional hints.
    """

    x: Optional[np.ndarray] = None
    y: Optional[np.ndarray] = None
    datasets: Optional[dict[str, Any]] = None
    task: Optional[str] = None
    num_classes: Optional[int] = None
    class_names: Optional[tuple[str, ...]] = None
    vocab_size: Optional[int] = None
