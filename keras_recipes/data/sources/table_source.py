"""Typed tables: `data.source: csv | parquet`, columns typed from their cells."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from keras_recipes.data.columns import infer_column_types, is_missing, parse_number
from keras_recipes.data.sources.base import SOURCES, SourceData
from keras_recipes.data.table_scan import numeric_labels
from keras_recipes.data.table_reader import RawTable, read_table
from keras_recipes.errors import DataError, UsageError


def _numeric(table: RawTable, column: str) -> np.ndarray:
    """A column as float32 with NaN for missing; a non-number names column and line."""
    values = np.empty(len(table), np.float32)
    for i, cell in enumerate(table.columns[column]):
        if is_missing(cell):
            values[i] = np.nan
            continue
        number = parse_number(cell)
        if number is None:
            raise DataError(f"{table.file}: line {table.lines[i]}, column {column!r}: "
                            f"{cell!r} -> a number (the column is numeric; set "
                            f"data.columns: {{{column}: categorical}} to read it as categories)")
        values[i] = number
    return values


def _strings(table: RawTable, column: str) -> np.ndarray:
    """A column as strings, missing cells as ""."""
    return np.array(["" if is_missing(c) else c.strip() for c in table.columns[column]],
                    dtype=object).astype(str)


def _feature_kind(kind: str, cells) -> str:
    """Binary columns are numeric when both values are numbers, else categorical."""
    if kind != "binary":
        return kind
    present = [c for c in cells if not is_missing(c)]
    return "numeric" if all(parse_number(c) is not None for c in present) else "categorical"


def _target(table: RawTable, name: str, task: str):
    cells = table.columns[name]
    missing = [table.lines[i] for i, c in enumerate(cells) if is_missing(c)]
    if missing:
        raise DataError(f"{table.file}: line {missing[0]}, column {name!r} (the target): empty "
                        f"-> a label on every row ({len(missing)} row(s) without one)")
    numbers = [parse_number(c) for c in cells]
    values = numeric_labels(numbers, task)
    if values is not None:
        return values
    if task == "regression":
        bad = next(i for i, n in enumerate(numbers) if n is None)
        raise DataError(f"{table.file}: line {table.lines[bad]}, column {name!r} (the target): "
                        f"{cells[bad]!r} -> a number (data.task is regression)")
    return np.array([c.strip() for c in cells], dtype=object).astype(str)


def _input_names(kinds: dict, file) -> dict:
    """`{header: model input name}` of the columns used; refuses names that collide."""
    from keras_recipes.data.table_preprocessor import input_name

    names, headers = {}, {}
    for column, kind in kinds.items():
        if kind == "ignore":
            continue
        name = input_name(column)
        if name in headers:
            raise UsageError(f"data.path: columns {headers[name]!r} and {column!r} both become "
                             f"model input {name!r} -> rename one, or set data.columns: "
                             f"{{{column}: ignore}}")
        headers[name] = column
        names[column] = name
    if not names:
        raise UsageError(f"data.columns: every feature column of {file.name} is ignored "
                         "-> at least one numeric, categorical or text column")
    return names


@SOURCES.register("csv")
@SOURCES.register("parquet")
def load_table(config, seed: int) -> SourceData:
    """Reads `data.path` (CSV with a header row, or Parquet); `data.target` names the
    label column (default: the last). Feature columns are typed by
    `keras_recipes.data.columns` unless `data.columns` says otherwise, and
    encoded by a `TablePreprocessor` fitted on the training rows. A CSV file is
    streamed instead of read whole when `data.stream` says so
    (`keras_recipes.data.table_stream`)."""
    from keras_recipes.data.table_preprocessor import TablePreprocessor
    from keras_recipes.data.table_stream import resolve_stream

    file = Path(config.path).expanduser()
    streamable = getattr(config, "source", "csv") == "csv" and file.is_file()
    if streamable and resolve_stream(config, file):
        return _load_streamed(config, file)
    table = read_table(config.path)
    header = table.header
    target = config.target or header[-1]
    if target not in header:
        raise UsageError(f"data.target: {target!r} -> a column of {table.file.name}: "
                         f"{', '.join(header)}")
    overrides = dict(getattr(config, "columns", None) or {})
    unknown = [c for c in overrides if c not in header]
    if unknown:
        raise UsageError(f"data.columns: {unknown[0]!r} -> a column of {table.file.name}: "
                         f"{', '.join(header)}")
    features = {c: cells for c, cells in table.columns.items() if c != target}
    kinds = {c: _feature_kind(k, features[c])
             for c, k in infer_column_types(features, overrides).items()}
    names = _input_names(kinds, table.file)
    x = {name: _numeric(table, column) if kinds[column] == "numeric" else _strings(table, column)
         for column, name in names.items()}
    kinds = {c: k for c, k in kinds.items() if k != "ignore"}
    return SourceData(
        x=x, y=_target(table, target, config.task), column_kinds=kinds,
        fit_preprocessor=lambda train, text: TablePreprocessor(train, kinds, text))


def _load_streamed(config, file: Path) -> SourceData:
    """A CSV file scanned once (kinds, labels, errors), then read by `tf.data` per epoch."""
    from keras_recipes.data.table_scan import scan_csv
    from keras_recipes.data.table_stream import StreamedTable

    scan = scan_csv(file, config.target, dict(getattr(config, "columns", None) or {}),
                    config.task)
    names = _input_names(scan.kinds, file)
    return SourceData(stream=StreamedTable(scan, names), column_kinds=dict(scan.kinds),
                      class_names=scan.class_names,
                      num_classes=len(scan.class_names) if scan.class_names else None,
                      task="classification" if scan.class_names else None)
