"""Local array files: `.npz` archives (tables: `table_source`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from keras_recipes.data.sources.base import SOURCES, SourceData
from keras_recipes.errors import UsageError


def _existing(path: str) -> Path:
    file = Path(path).expanduser()
    if not file.is_file():
        raise UsageError(f"data.path: {path!r} -> an existing file")
    return file


@SOURCES.register("npz")
def load_npz(config, seed: int) -> SourceData:
    """Reads `data.x_key` and `data.y_key` (default `x`, `y`) from an `.npz` file."""
    with np.load(_existing(config.path), allow_pickle=False) as archive:
        missing = [k for k in (config.x_key, config.y_key) if k not in archive.files]
        if missing:
            raise UsageError(f"data.path: {config.path!r} has no array {missing[0]!r} -> "
                             f"one of {', '.join(archive.files)} (set data.x_key/data.y_key)")
        return SourceData(x=archive[config.x_key], y=archive[config.y_key])
