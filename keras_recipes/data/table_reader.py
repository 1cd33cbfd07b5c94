"""Reading a table file (CSV or Parquet) into raw string cells with file line numbers."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path
from typing import Optional

from keras_recipes.errors import DataError, UsageError


@dataclasses.dataclass
class RawTable:
    """A table as read: cells as strings (None for missing), and where each row came from.

    Attributes:
        columns: `{header: cells}` in file order.
        lines: the 1-based file line of each row (CSV; the header is line 1),
            or the 1-based row number (Parquet).
        file: the file read, for messages.
    """

    columns: dict[str, list[Optional[str]]]
    lines: list[int]
    file: Path

    @property
    def header(self) -> list[str]:
        return list(self.columns)

    def __len__(self) -> int:
        return len(self.lines)


def read_table(path: str, key: str = "data.path") -> RawTable:
    """Reads `path` by its suffix: `.parquet`/`.pq` with pyarrow, anything else as CSV.

    CSV: the first row is the header; the delimiter (`,`, `;`, tab) is sniffed
    from the header line. Rows with a different number of cells are refused,
    naming their line.

    Example:

    >>> table = read_table("census.csv")  # doctest: +SKIP
    >>> table.header[:2], table.lines[:2]  # doctest: +SKIP
    (['age', 'workclass'], [2, 3])

    Raises:
        UsageError: the file does not exist (naming `key`).
        DataError: a row is malformed (naming the file and line).
    """
    file = Path(path).expanduser()
    if not file.is_file():
        raise UsageError(f"{key}: {path!r} -> an existing file")
    if file.suffix.lower() in (".parquet", ".pq"):
        return _read_parquet(file)
    return _read_csv(file)


def _read_csv(file: Path) -> RawTable:
    with file.open(newline="", encoding="utf-8-sig") as handle:
        first = handle.readline()
        delimiter = max(",;\t", key=first.count)
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise DataError(f"{file}: empty file -> a header row and data rows") from None
        duplicated = sorted({h for h in header if header.count(h) > 1})
        if duplicated or "" in header:
            raise DataError(f"{file}: line 1: header {header} -> unique, non-empty column names"
                            + (f" ({', '.join(duplicated)} repeated)" if duplicated else ""))
        cells: list[list[Optional[str]]] = [[] for _ in header]
        lines = []
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            if len(row) != len(header):
                raise DataError(f"{file}: line {reader.line_num}: {len(row)} cells -> "
                                f"{len(header)}, one per column of the header")
            for column, cell in zip(cells, row):
                column.append(cell)
            lines.append(reader.line_num)
    return RawTable(dict(zip(header, cells)), lines, file)


def _read_parquet(file: Path) -> RawTable:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError(f"data.path: {str(file)!r} is Parquet -> install pyarrow "
                         "(pip install pyarrow) or use a CSV file") from None
    table = pq.read_table(file)
    columns = {}
    for name in table.column_names:
        values = table.column(name).to_pylist()
        columns[name] = [None if v is None else str(v) for v in values]
    return RawTable(columns, list(range(1, table.num_rows + 1)), file)
