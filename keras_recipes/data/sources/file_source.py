"""Local files: `.npz` archives and `.csv` tables."""

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


@SOURCES.register("csv")
def load_csv(config, seed: int) -> SourceData:
    """Reads a numeric CSV with a header row; `data.target` names the label column."""
    file = _existing(config.path)
    with file.open() as handle:
        header = handle.readline().strip().split(",")
    target = config.target or header[-1]
    if target not in header:
        raise UsageError(f"data.target: {target!r} -> a column of {file.name}: "
                         f"{', '.join(header)}")
    try:
        table = np.loadtxt(file, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
    except ValueError as err:
        raise UsageError(f"data.path: {config.path!r} -> a numeric CSV with a header ({err})") \
            from None
    column = header.index(target)
    x = np.delete(table, column, axis=1).astype(np.float32)
    y = table[:, column]
    return SourceData(x=x, y=y)
