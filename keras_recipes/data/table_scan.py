"""One streaming pass over a CSV file: column kinds, labels and bad cells, in bounded memory.

The pass reads the file row by row (chunks of `CHUNK_ROWS`, never the whole
table) and keeps per column only what `keras_recipes.data.columns` needs to
type it (counts of present and numeric cells, up to 11 distinct values, the
word count, the first non-number) and, for the target, one label per row.
So a streamed table is typed, validated and labelled exactly as
`table_reader.read_table` + `sources.table_source` do in memory: same kinds,
same class names, same errors naming the file line.

Example:

>>> scan = scan_csv(Path("census.csv"), target="income", overrides={})  # doctest: +SKIP
>>> scan.kinds, scan.rows  # doctest: +SKIP
({'age': 'numeric', 'workclass': 'categorical'}, 4000)
"""

from __future__ import annotations

import array
import collections
import csv
import dataclasses
import gc
import itertools
import math
from pathlib import Path
from typing import Optional

import numpy as np

from keras_recipes.data.columns import (MAX_INTEGER_CATEGORIES, MISSING, NUMERIC_SHARE,
                                        TEXT_MIN_WORDS, is_missing, parse_number)
from keras_recipes.errors import DataError, UsageError

CHUNK_ROWS = 32_768
"""Rows parsed per step of the pass (each column is tallied by its distinct cells)."""

MAX_INTEGER_CLASSES = 100
"""A numeric target of integers with at most this many values reads as class ids (as in memory)."""

MAX_CLASSES = 10_000
"""A streamed target with more distinct values than this is read as numbers (regression);
with non-numbers it is refused."""


_MISSING_CELLS = frozenset(MISSING | {m.upper() for m in MISSING} | {"NaN", "N/A", "Null", "None"})
"""Missing markers as they usually appear (the fast path; others take the exact path)."""
_NUMBER_STARTS = frozenset("+-.0123456789iI")


class _ColumnTally:
    """What typing one column needs, accumulated chunk by chunk (bounded memory)."""

    def __init__(self):
        self.present = 0
        self.parsed = 0
        self.integral = True
        self.distinct: set = set()  # up to 3 distinct present cells (the binary test)
        self.numbers: set = set()  # up to MAX_INTEGER_CATEGORIES + 1 distinct numbers
        self.words = 0
        self.first_bad: Optional[tuple[int, str]] = None  # (file line, cell)

    def add(self, cells, lines) -> None:
        """Tallies one chunk of cells: vectorized when every present cell is a number,
        else each distinct cell once."""
        if not self._add_numbers(cells):
            self._add_cells(cells, lines)

    def _add_numbers(self, cells) -> bool:
        """The fast path for a chunk of numbers and plain missing markers (False: not one)."""
        present = [c for c in cells if c not in _MISSING_CELLS]
        if not present or present[0].lstrip()[:1] not in _NUMBER_STARTS:
            return False
        try:
            numbers = np.fromiter(map(float, present), np.float64, len(present))
        except ValueError:
            return False
        if np.isnan(numbers).any():
            return False  # "nan" spelt another way: a missing marker
        self.present += len(present)
        self.parsed += len(present)
        self.words += len(present)
        for cell in present:
            if len(self.distinct) == 3:
                break
            self.distinct.add(cell.strip())
        if len(self.numbers) <= MAX_INTEGER_CATEGORIES:
            self.integral = bool(self.integral and np.isfinite(numbers).all()
                                 and np.array_equal(numbers, np.round(numbers)))
            self.numbers.update(np.unique(numbers)[:MAX_INTEGER_CATEGORIES + 1].tolist())
        return True

    def _add_cells(self, cells, lines) -> None:
        bad = False
        for cell, count in collections.Counter(cells).items():
            if is_missing(cell):
                continue
            stripped = cell.strip()
            self.present += count
            self.words += count * len(stripped.split())
            if len(self.distinct) < 3:
                self.distinct.add(stripped)
            number = parse_number(stripped)
            if number is None:
                bad = True
                continue
            self.parsed += count
            if self.integral and (not math.isfinite(number) or number != int(number)):
                self.integral = False
            if len(self.numbers) <= MAX_INTEGER_CATEGORIES:
                self.numbers.add(number)
        if bad and self.first_bad is None:
            index = next(i for i, c in enumerate(cells)
                         if not is_missing(c) and parse_number(c.strip()) is None)
            self.first_bad = (lines[index], cells[index])

    def kind(self) -> str:
        """`columns.infer_column_type` from the tallies, binary resolved as the source does
        (numeric when every present cell is a number, else categorical)."""
        if not self.present:
            return "ignore"
        binary = "numeric" if self.parsed == self.present else "categorical"
        if self.parsed >= NUMERIC_SHARE * self.present:
            if len(self.distinct) <= 2:
                return binary
            values = len(self.numbers)
            if self.integral and values <= MAX_INTEGER_CATEGORIES and self.parsed >= 2 * values:
                return "categorical"
            return "numeric"
        if len(self.distinct) <= 2:
            return binary
        return "text" if self.words / self.present >= TEXT_MIN_WORDS else "categorical"


@dataclasses.dataclass
class TableScan:
    """The result of `scan_csv`.

    Attributes:
        file: the file read.
        header: column names in file order.
        delimiter: the sniffed delimiter.
        kinds: `{header: numeric | categorical | text}` of the feature columns used.
        target: the label column.
        labels: one label per row: class codes (int64, with `class_names`) for a
            string target, else the numbers (float64) as the in-memory source reads them.
        class_names: the sorted distinct labels of a string target, else None.
        blank_lines: the file has blank lines (skipped, like the in-memory reader does).
        quoted: some line holds a `"` (TensorFlow's CSV parser is stricter about quotes).
    """

    file: Path
    header: list[str]
    delimiter: str
    kinds: dict[str, str]
    target: str
    labels: np.ndarray
    class_names: Optional[tuple[str, ...]]
    blank_lines: bool
    quoted: bool

    @property
    def rows(self) -> int:
        return len(self.labels)


def numeric_labels(numbers: list, task: str) -> Optional[np.ndarray]:
    """A target's cells parsed as numbers (None where not a number) as labels: int64 class
    ids for at most `MAX_INTEGER_CLASSES` integers (unless `task` is regression), else
    float64 values (unless `task` is classification); None: they are class names.

    Example:

    >>> numeric_labels([1.0, 0.0, 1.0], "auto")
    array([1, 0, 1])
    """
    if any(n is None for n in numbers):
        return None
    values = np.asarray(numbers, np.float64)
    few_integers = (np.isfinite(values).all() and np.array_equal(values, np.round(values))
                    and len(np.unique(values)) <= MAX_INTEGER_CLASSES)
    if task != "regression" and few_integers:
        return values.astype(np.int64)  # class ids (names "3", not "3.0")
    return values if task != "classification" else None


class _TargetTally:
    """One label per row: a code into the distinct cells while there are at most
    `MAX_CLASSES`, then the numbers themselves."""

    def __init__(self, file: Path, name: str):
        self.file, self.name = file, name
        self.codes = array.array("q")
        self.values: dict[str, int] = {}
        self.first_line: list[int] = []  # per code
        self.numbers: Optional[array.array] = None
        self.first_missing: Optional[int] = None
        self.missing = 0
        self.first_text: Optional[tuple[int, str]] = None

    def add(self, cells, lines) -> None:
        if self.numbers is None:
            codes = list(map(self.values.get, cells))
            if None not in codes:  # every label seen before: the common case
                self.codes.extend(codes)
                return
        self._add_each(cells, lines)

    def _add_each(self, cells, lines) -> None:
        for index, cell in enumerate(cells):
            if is_missing(cell):  # refused by `labels` (the code is never read)
                self.missing += 1
                if self.first_missing is None:
                    self.first_missing = lines[index]
                if self.numbers is None:
                    self.codes.append(-1)
                else:
                    self.numbers.append(math.nan)
                continue
            if self.numbers is not None:
                number = parse_number(cell)
                if number is None:
                    self.first_text = self.first_text or (lines[index], cell)
                    number = math.nan
                self.numbers.append(number)
                continue
            code = self.values.get(cell)
            if code is None:
                if len(self.values) == MAX_CLASSES:
                    self._to_numbers(lines[index])
                    self._add_each(cells[index:], lines[index:])
                    return
                code = self.values[cell] = len(self.values)
                self.first_line.append(lines[index])
            self.codes.append(code)

    def _to_numbers(self, line: int) -> None:
        numbers = [parse_number(cell) for cell in self.values]
        if any(n is None for n in numbers):
            raise DataError(f"{self.file}: column {self.name!r} (the target): more than "
                            f"{MAX_CLASSES:,} distinct labels, not all numbers (line {line}) "
                            f"-> at most {MAX_CLASSES:,} classes when streaming")
        table = np.array([math.nan if n is None else n for n in numbers], np.float64)
        self.numbers = array.array("d", np.append(table, math.nan)[np.frombuffer(self.codes,
                                                                                np.int64)])
        self.codes = array.array("q")

    def labels(self, task: str) -> tuple[np.ndarray, Optional[tuple[str, ...]]]:
        """Labels as `sources.table_source._target` reads them: (values, class names)."""
        if self.missing:
            raise DataError(f"{self.file}: line {self.first_missing}, column {self.name!r} "
                            f"(the target): empty -> a label on every row ({self.missing} "
                            "row(s) without one)")
        if self.numbers is not None:
            if self.first_text is not None:
                raise DataError(f"{self.file}: line {self.first_text[0]}, column {self.name!r} "
                                f"(the target): {self.first_text[1]!r} -> a number")
            return np.frombuffer(self.numbers, np.float64), None
        cells = list(self.values)
        codes = np.frombuffer(self.codes, np.int64)
        numbers = [parse_number(c) for c in cells]
        values = numeric_labels(numbers, task)
        if values is not None:
            return values[codes], None
        if task == "regression":
            bad = min((self.first_line[i], c) for i, (c, n) in enumerate(zip(cells, numbers))
                      if n is None)
            raise DataError(f"{self.file}: line {bad[0]}, column {self.name!r} (the target): "
                            f"{bad[1]!r} -> a number (data.task is regression)")
        names = sorted({c.strip() for c in cells})
        rank = {name: i for i, name in enumerate(names)}
        remap = np.array([rank[c.strip()] for c in cells], np.int64)
        return remap[codes], tuple(names)


def _sniff(file: Path) -> tuple[str, list[str]]:
    with file.open(newline="", encoding="utf-8-sig") as handle:
        first = handle.readline()
    delimiter = max(",;\t", key=first.count)
    header = next(csv.reader([first], delimiter=delimiter), None)
    if not header:
        raise DataError(f"{file}: empty file -> a header row and data rows")
    header = [h.strip() for h in header]
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated or "" in header:
        raise DataError(f"{file}: line 1: header {header} -> unique, non-empty column names"
                        + (f" ({', '.join(duplicated)} repeated)" if duplicated else ""))
    return delimiter, header


def scan_csv(file: Path, target: Optional[str], overrides: dict, task: str = "auto") -> TableScan:
    """Types, validates and labels a CSV file in one pass without holding its rows.

    Raises:
        UsageError: `target` or a key of `overrides` is not a column.
        DataError: a malformed row, a non-number in a numeric column or a missing
            label (naming the file line), as the in-memory reader does.
    """
    delimiter, header = _sniff(file)
    target = target or header[-1]
    if target not in header:
        raise UsageError(f"data.target: {target!r} -> a column of {file.name}: "
                         f"{', '.join(header)}")
    unknown = [c for c in overrides if c not in header]
    if unknown:
        raise UsageError(f"data.columns: {unknown[0]!r} -> a column of {file.name}: "
                         f"{', '.join(header)}")
    t = header.index(target)
    features = [(j, name) for j, name in enumerate(header) if j != t]
    tallies = {name: _ColumnTally() for _, name in features
               if overrides.get(name) in (None, "numeric")}
    labels = _TargetTally(file, target)
    blank, width = False, len(header)
    enabled = gc.isenabled()
    gc.disable()  # millions of short-lived strings: the collector only costs time here
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            quotes = _QuoteWatch(handle)
            reader = csv.reader(quotes, delimiter=delimiter)
            next(reader)
            while True:
                start = reader.line_num
                rows = list(itertools.islice(reader, CHUNK_ROWS))
                if not rows:
                    break
                if reader.line_num - start != len(rows):
                    raise UsageError(
                        f"data.stream: {file}: a cell between lines {start + 1} and "
                        f"{reader.line_num} holds a quoted line break -> streaming reads one "
                        "row per line; set data.stream: false to read the file in memory")
                lines = range(start + 1, reader.line_num + 1)
                if set(map(len, rows)) != {width}:
                    rows, lines, blank = _rows_of_width(file, rows, lines, width, blank)
                if not rows:
                    continue
                columns = list(zip(*rows))
                for j, name in features:
                    if name in tallies:
                        tallies[name].add(columns[j], lines)
                labels.add(columns[t], lines)
    except csv.Error as error:
        raise DataError(f"{file}: line {reader.line_num}: {error} -> a well-formed CSV row") \
            from None
    except UnicodeDecodeError as error:
        raise DataError(f"{file}: byte {error.start}: not UTF-8 -> a UTF-8 text file") from None
    finally:
        if enabled:
            gc.enable()
    kinds = {name: overrides.get(name) or tallies[name].kind() for _, name in features}
    for name, kind in kinds.items():
        bad = tallies[name].first_bad if kind == "numeric" else None
        if bad is not None:
            raise DataError(f"{file}: line {bad[0]}, column {name!r}: {bad[1]!r} -> a number "
                            f"(the column is numeric; set data.columns: {{{name}: categorical}} "
                            "to read it as categories)")
    values, names = labels.labels(task)
    return TableScan(file, header, delimiter, {c: k for c, k in kinds.items() if k != "ignore"},
                     target, values, names, blank, quotes.seen)


class _QuoteWatch:
    """Lines of a file, noting whether any holds a double quote."""

    def __init__(self, handle):
        self.handle, self.seen = handle, False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.handle)
        if not self.seen and '"' in line:
            self.seen = True
        return line


def _rows_of_width(file: Path, rows, lines, width: int, blank: bool):
    """Drops blank lines (as the in-memory reader does); a row of another width is an error."""
    kept, kept_lines = [], []
    for row, line in zip(rows, lines):
        if len(row) == width:
            kept.append(row)
            kept_lines.append(line)
        elif not row or (len(row) == 1 and not row[0].strip()):
            blank = True
        else:
            raise DataError(f"{file}: line {line}: {len(row)} cells -> {width}, "
                            "one per column of the header")
    return kept, kept_lines, blank
