"""Column types of a table, guessed from its cells (no TensorFlow, no NumPy needed).

The kinds a table column can have, and how the typed-table source encodes them:

- `numeric`: numbers (missing cells imputed with the training mean, plus a
  0/1 missing indicator);
- `categorical`: a few distinct strings or integers (one-hot, missing cells
  their own bucket, unseen values an out-of-vocabulary bucket);
- `binary`: two distinct values (encoded as numeric when both are numbers,
  else as categorical);
- `text`: free text (words; TF-IDF over a vocabulary of the training split);
- `ignore`: left out (every cell missing, or `data.columns` says so).

Example:

>>> infer_column_types({"age": ["39", "50", "", "23.5"],
...                     "job": ["Private", "State-gov", "NA", "Private", "Self-emp"]})
{'age': 'numeric', 'job': 'categorical'}
"""

from __future__ import annotations

from typing import Mapping, Optional, Sequence

KINDS = ("numeric", "categorical", "binary", "text", "ignore")
"""Every column kind; `data.columns` may set numeric, categorical, text or ignore."""

MISSING = frozenset({"", "na", "nan", "n/a", "null", "none", "?"})
"""Cells (stripped, lower-cased) that mean "missing"."""

MAX_INTEGER_CATEGORIES = 10
"""Integer columns with at most this many distinct values, each seen twice on average,
are categorical."""

NUMERIC_SHARE = 0.95
"""A column whose non-missing cells are at least this share numbers is numeric
(the other cells are errors to report, not a reason to call it categorical)."""

TEXT_MIN_WORDS = 3.0
"""String columns averaging at least this many words per cell are free text."""


def is_missing(cell: Optional[str]) -> bool:
    """True for an empty cell or a missing-value marker (`NA`, `NaN`, `null`, `?`...)."""
    return cell is None or cell.strip().lower() in MISSING


def parse_number(cell: str) -> Optional[float]:
    """The cell as a float, or None when it is not a number."""
    try:
        value = float(cell)
    except (TypeError, ValueError):
        return None
    return value


def infer_column_type(cells: Sequence[Optional[str]]) -> str:
    """The kind of one column (see the module docstring) from its raw cells."""
    present = [c.strip() for c in cells if not is_missing(c)]
    if not present:
        return "ignore"
    distinct = set(present)
    numbers = [parse_number(c) for c in present]
    parsed = [n for n in numbers if n is not None]
    if len(parsed) >= NUMERIC_SHARE * len(present):
        if len(distinct) <= 2:
            return "binary"
        integral = all(n == int(n) for n in parsed)
        values = len(set(parsed))
        if integral and values <= MAX_INTEGER_CATEGORIES and len(parsed) >= 2 * values:
            return "categorical"
        return "numeric"
    if len(distinct) <= 2:
        return "binary"
    words = sum(len(c.split()) for c in present) / len(present)
    return "text" if words >= TEXT_MIN_WORDS else "categorical"


def infer_column_types(columns: Mapping[str, Sequence[Optional[str]]],
                       overrides: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """`{column: kind}` for every column, in order; `overrides` (`data.columns`) win.

    Args:
        columns: `{header: raw cells}` (strings as read from the file, None for
            missing).
        overrides: `{header: numeric | categorical | text | ignore}`.

    Returns:
        `{header: kind}` with kinds from `KINDS`.
    """
    overrides = dict(overrides or {})
    return {name: overrides.get(name) or infer_column_type(cells)
            for name, cells in columns.items()}
