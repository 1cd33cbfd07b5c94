"""What a data source hands to the pipeline, and the source registry."""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Optional

import numpy as np

from keras_recipes.registry import Registry

SOURCES: Registry = Registry("data source")


@dataclasses.dataclass
class SourceData:
    """Raw examples from a source: arrays to be split, or ready-split datasets.

    Exactly one of `x`/`y` (all examples; the pipeline splits them), `stream`
    (a streamed table: labels in memory, split like `x`/`y`) or
    `datasets` (`{"train", "val", "test"}` -> unbatched `tf.data.Dataset`s of
    `(x, y)`) is set. The metadata fields are optional hints.

    `x` is an array, or a dict of arrays (table columns) split row-wise. A
    source whose raw examples need their own encoding gives
    `fit_preprocessor(x_train, text_options) -> Preprocessor` (fitted on the
    training split; default: `ArrayPreprocessor` with `data.normalize`), and,
    when examples are decoded from files, `transform(x, y) -> (x, y)` per
    example (`x` then holds file paths). `split` (per example: "train",
    "val" or "test") replaces the seeded split when the data comes split.
    """

    x: Optional[np.ndarray] = None
    y: Optional[np.ndarray] = None
    datasets: Optional[dict[str, Any]] = None
    task: Optional[str] = None
    num_classes: Optional[int] = None
    class_names: Optional[tuple[str, ...]] = None
    vocab_size: Optional[int] = None
    fit_preprocessor: Optional[Callable[..., Any]] = None
    transform: Optional[Callable[..., Any]] = None
    split: Optional[np.ndarray] = None
    column_kinds: Optional[dict[str, str]] = None
    example_bytes: Optional[int] = None
    """Decoded size of one example (for the size-aware cache default)."""
    stream: Optional[Any] = None
    """A streamed table (`table_stream.StreamedTable`): labels in memory, rows read by
    `tf.data` every epoch; replaces `x`/`y`."""
