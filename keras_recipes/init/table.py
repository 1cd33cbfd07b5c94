"""`init` on a CSV or Parquet table: target, task, classes and column kinds.

Column kinds come from the typed-table source's own inference
(`keras_recipes.data.columns`), so the recipe `init` writes says what training
will do with each column.

Example:

>>> profile = profile_table(Path("census.csv"))  # doctest: +SKIP
>>> profile.source["target"], profile.task, profile.classes  # doctest: +SKIP
('income', 'classification', ['<=50K', '>50K'])
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Optional

from keras_recipes.data.columns import infer_column_type, infer_column_types, is_missing, \
    parse_number
from keras_recipes.data.table_reader import read_table
from keras_recipes.errors import UsageError
from keras_recipes.init.profile import DataProfile

TARGET_NAMES = ("target", "label", "labels", "class", "y", "outcome")
"""Column names (any case) taken as the target when `--target` is not given."""

MAX_LISTED_COLUMNS = 40
"""Tables with more feature columns list only the ones `init` overrides."""

MAX_CLASSES = 200
"""A string target with more distinct values than this is not a class label."""

_ID_NAME = re.compile(r"^(id|.*[_ ]id|.*Id|index)$", re.IGNORECASE)


def profile_table(path: Path, target: Optional[str] = None,
                  task: Optional[str] = None) -> DataProfile:
    """Inspects a table file for `init`.

    Args:
        path: a `.csv` (or `;`/tab separated) or `.parquet` file with a header.
        target: the label column; default: a column named like `target`,
            `label`, `class`... else the last column.
        task: `classification` or `regression`; default: from the target's
            kind (numbers with many values -> regression).

    Returns:
        The profile; `source` holds `source`, `path`, `target` and `columns`.

    Raises:
        UsageError: unknown target column, or a target that cannot be a label.
    """
    table = read_table(str(path), key="init DATA")
    header = table.header
    if len(header) < 2:
        raise UsageError(f"init: {path} has {len(header)} column -> a header with feature "
                         "columns and a target column")
    target = _pick_target(header, target, path)
    cells = table.columns[target]
    target_kind = infer_column_type(cells)
    task = task or ("regression" if target_kind == "numeric" else "classification")
    source = "parquet" if path.suffix.lower() in (".parquet", ".pq") else "csv"
    profile = DataProfile("table", path, {"source": source, "target": target}, task,
                          examples=sum(not is_missing(c) for c in cells))
    profile.inferred.append(f"table: {len(table)} rows x {len(header)} columns "
                            f"({path.suffix.lstrip('.') or 'csv'})")
    _describe_target(profile, target, cells, table.lines)
    _describe_columns(profile, table.columns, target, len(table))
    return profile


def _pick_target(header: list[str], target: Optional[str], path: Path) -> str:
    if target is not None:
        if target not in header:
            from keras_recipes.registry import did_you_mean

            raise UsageError(f"--target: {target!r} -> a column of {path.name}: "
                             f"{', '.join(header)}{did_you_mean(target, header)}")
        return target
    named = [h for h in header if h.strip().lower() in TARGET_NAMES]
    return named[0] if named else header[-1]


def _describe_target(profile: DataProfile, target: str, cells, lines: list[int]) -> None:
    missing = [line for line, c in zip(lines, cells) if is_missing(c)]
    present = [c.strip() for c in cells if not is_missing(c)]
    if profile.task == "regression":
        numbers = [parse_number(c) for c in present]
        if any(n is None for n in numbers):
            bad = next(c for c, n in zip(present, numbers) if n is None)
            raise UsageError(f"--task regression: target {target!r} holds {bad!r} -> a numeric "
                             "target column (or --task classification)")
        profile.inferred.append(f"target: {target!r}, numeric -> regression "
                                f"(range {min(numbers):g} .. {max(numbers):g})")
        profile.notes["target"] = "numeric -> regression"
    else:
        distinct = sorted(set(present), key=_label_order)
        if len(distinct) > MAX_CLASSES:
            raise UsageError(f"init: target {target!r} has {len(distinct)} distinct values -> "
                             f"a label column with at most {MAX_CLASSES} classes: name it with "
                             "--target, or --task regression for a numeric target")
        if len(distinct) < 2:
            raise UsageError(f"init: target {target!r} has {len(distinct)} distinct value -> "
                             "a label column with at least 2 classes (--target COLUMN)")
        counts = Counter(present)
        profile.class_counts = {c: counts[c] for c in distinct}
        shown = ", ".join(f"{c} ({n})" for c, n in list(profile.class_counts.items())[:8])
        more = f", ... {len(distinct) - 8} more" if len(distinct) > 8 else ""
        profile.inferred.append(f"target: {target!r} -> classification, {len(distinct)} "
                                f"classes: {shown}{more}")
        profile.notes["target"] = f"{len(distinct)} classes -> classification"
    if missing:
        profile.checks.append(f"{len(missing)} rows have no {target!r} value (first: line "
                              f"{missing[0]}): training refuses them; fill or drop them")


def _describe_columns(profile: DataProfile, columns, target: str, rows: int) -> None:
    features = {name: cells for name, cells in columns.items() if name != target}
    kinds = infer_column_types(features)
    overrides = {}
    for name, kind in kinds.items():
        present = [c.strip() for c in features[name] if not is_missing(c)]
        if kind in ("categorical", "binary", "numeric") and _looks_like_id(name, present):
            overrides[name] = "ignore"
            profile.checks.append(f"column {name!r} looks like an identifier (a different value "
                                  "in every row): set to ignore; change it if it carries signal")
        elif kind == "binary":
            numeric = all(parse_number(c) is not None for c in present)
            overrides[name] = "numeric" if numeric else "categorical"
        else:
            overrides[name] = kind
        missing = len(features[name]) - len(present)
        if missing and overrides[name] != "ignore":
            share = missing / max(rows, 1)
            profile.notes.setdefault(f"columns.{name}", f"{missing} missing ({share:.0%})")
    counts = {}
    for kind in overrides.values():
        counts[kind] = counts.get(kind, 0) + 1
    profile.inferred.append("columns: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    text = [n for n, k in overrides.items() if k == "text"]
    if text:
        profile.checks.append(f"free-text column(s) {', '.join(text)}: encoded as words; "
                              "set them to categorical if they are labels")
    profile.notes["columns"] = "numeric | categorical | text | ignore; edit to override"
    if len(overrides) <= MAX_LISTED_COLUMNS:
        profile.source["columns"] = overrides
        return
    ignored = {n: k for n, k in overrides.items() if k == "ignore" and kinds[n] != "ignore"}
    if ignored:
        profile.source["columns"] = ignored
    profile.inferred.append(f"{len(overrides)} feature columns: `data.columns` lists only "
                            "those init sets to ignore; training infers the others the same way")


def _looks_like_id(name: str, present: list[str]) -> bool:
    """A column with a different value in every row (of 20+) named like an id, or of strings."""
    if len(present) < 20 or len(set(present)) != len(present):
        return False
    if _ID_NAME.match(name):
        return True
    return all(parse_number(c) is None for c in present)


def _label_order(label: str):
    number = parse_number(label)
    return (0, number, "") if number is not None else (1, 0.0, label)
