"""history.csv on resume: checked before training continues, then cut to the saved epoch.

A resumed run appends to history.csv; a file that does not parse (edited,
damaged, another tool's) would only fail after training, when the curves are
drawn. `resume_history` checks it first and keeps the rows of the epochs the
state has finished, so an epoch logged after the last saved state is logged
again, once.

Example:
    >>> resume_history(run_dir / "history.csv", epochs=2)
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from keras_recipes.errors import StateError
from keras_recipes.run.atomic import write_text_atomic


def resume_history(path: Path, epochs: int) -> None:
    """Checks `path` (a CSVLogger file) and keeps its header and first `epochs` rows.

    Raises:
        StateError: the file does not parse as a history (what is wrong, and that
            deleting it lets the run continue without the earlier rows).
    """
    path = Path(path)
    if not path.exists():
        return
    if epochs == 0:  # nothing to keep: CSVLogger writes the header again
        write_text_atomic(path, "")
        return
    try:
        with open(path, newline="") as handle:
            lines = handle.readlines()
    except UnicodeDecodeError:
        raise _damaged(path, "not UTF-8 text") from None
    rows = list(csv.reader(io.StringIO("".join(lines))))
    if not rows or not rows[0] or rows[0][0] != "epoch":
        raise _damaged(path, "no `epoch,...` header on line 1")
    for number, row in enumerate(rows[1:1 + epochs], start=2):
        if len(row) != len(rows[0]) or not all(_number(cell) for cell in row):
            raise _damaged(path, f"line {number} is not {len(rows[0])} numbers")
    write_text_atomic(path, "".join(lines[:1 + epochs]))


def _number(cell: str) -> bool:
    if cell == "NA":  # Keras' CSVLogger: a val_* column of a run without validation
        return True
    try:
        value = float(cell)
    except ValueError:
        return False
    return math.isfinite(value) or cell.strip().lower() in ("nan", "inf", "-inf")


def _damaged(path: Path, what: str) -> StateError:
    return StateError(f"{path}: {what} -> restore the file, or delete it to continue the run "
                      "(the curves then lack the epochs before the resume)")


def read_history(path: Path) -> dict[str, list[float]]:
    """history.csv (all epochs, across resumed segments) as `{metric: [per epoch]}`.

    Example:
        >>> read_history(run_dir / "history.csv")["val_loss"]
        [0.61, 0.42, 0.37]
    """
    path = Path(path)
    if not path.exists():
        return {}
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    keys = [k for k in (rows[0] if rows else {}) if k != "epoch"]
    # Keras' CSVLogger fills `val_*` columns with "NA" when a run has no validation split.
    return {k: [_cell(row[k]) for row in rows] for k in keys
            if any(row[k] not in _NOT_A_VALUE for row in rows)}


_NOT_A_VALUE = ("NA", "", None)


def _cell(value) -> float:
    return math.nan if value in _NOT_A_VALUE else float(value)
