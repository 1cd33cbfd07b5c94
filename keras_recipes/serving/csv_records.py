"""CSV rows as a hand-back model's raw inputs: table columns, a text column, or numbers.

Cells are parsed as in training (`keras_recipes.data.columns`): a missing
number is NaN in a table, a missing category "". A row that cannot be read
(a wrong cell count, text that is not UTF-8, a cell that is not a number)
becomes a `Record` naming its line and column.

Example:

>>> for record in csv_records(Path("new_rows.csv"), RawSignature.of(model), ["label"]):
...     print(record.source, record.problem or record.values)   # doctest: +SKIP
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Iterator, Optional

from keras_recipes.errors import UsageError
from keras_recipes.serving.raw_signature import ModelInput, RawSignature, Record, shaped


def _is_missing(cell: Optional[str]) -> bool:
    from keras_recipes.data.columns import is_missing

    return is_missing(cell)


def _number(cell: str) -> Optional[float]:
    from keras_recipes.data.columns import parse_number

    return parse_number(cell)


def _column_key(header: str) -> str:
    """How a table's column header becomes a model-input name (as in training)."""
    from keras_recipes.data.table_preprocessor import input_name

    return input_name(header)


def _csv_rows(path: Path):
    """`(header, rows)`: rows as `(line, cells)`; delimiter sniffed like training's reader."""
    handle = path.open(newline="", encoding="utf-8-sig")
    first = handle.readline()
    handle.seek(0)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else max(",;\t", key=first.count)
    reader = csv.reader(handle, delimiter=delimiter)

    def rows():
        with handle:
            try:
                for cells in reader:
                    if cells and not (len(cells) == 1 and not cells[0].strip()):
                        yield reader.line_num, cells
            except (csv.Error, UnicodeDecodeError) as err:
                yield reader.line_num + 1, err

    iterator = rows()
    try:
        line, header = next(iterator)
    except StopIteration:
        raise UsageError(f"predict: INPUT {str(path)!r} is empty -> a header row and data "
                         "rows") from None
    if isinstance(header, Exception):
        raise UsageError(f"predict: INPUT {str(path)!r}: line {line}: {header} -> a CSV "
                         "file (UTF-8)")
    return [h.strip() for h in header], iterator


def _cell_value(cell: str, model_input: ModelInput, allow_missing: bool):
    """A cell as the input's dtype; raises ValueError with what is expected."""
    if model_input.is_string:
        return "" if _is_missing(cell) else cell.strip()
    if _is_missing(cell):
        if allow_missing and model_input.dtype.startswith("float"):
            return math.nan
        raise ValueError(f"{cell!r} (missing) -> a number")
    number = _number(cell)
    if number is None:
        raise ValueError(f"{cell!r} -> a number")
    if model_input.dtype.startswith("int") and number != int(number):
        raise ValueError(f"{cell!r} -> a whole number")
    return number


def _row_problem(line: int, cells, width: int) -> Optional[str]:
    """Why a CSV row cannot be read (undecodable text, a wrong cell count), or None."""
    if isinstance(cells, Exception):
        return f"line {line}: {cells} -> CSV text (UTF-8); the lines after it were not read"
    if len(cells) != width:
        return f"line {line}: {len(cells)} cells -> {width}, one per column of the header"
    return None


def csv_records(path: Path, signature: RawSignature, target: list) -> Iterator[Record]:
    header, rows = _csv_rows(path)
    if signature.kind == "array":
        return _csv_array_records(path, header, rows, signature.inputs[0], target)
    by_key = {}
    for position, column in enumerate(header):
        by_key.setdefault(column, position)
        by_key.setdefault(_column_key(column), position)
    if signature.kind == "text" and len(header) == 1 and signature.inputs[0].name not in by_key:
        by_key[signature.inputs[0].name] = 0
    wanted = {i: by_key.get(i.key or i.name) for i in signature.inputs}
    missing = [i.key or i.name for i, position in wanted.items() if position is None]
    if missing:
        columns = ", ".join(i.key or i.name for i in signature.inputs)
        raise UsageError(f"predict: INPUT {str(path)!r}: no column "
                         f"{', '.join(map(repr, missing))} -> a CSV with the model's columns "
                         f"({columns}); its header is {', '.join(header)}")

    def records():
        for line, cells in rows:
            problem = _row_problem(line, cells, len(header))
            if problem is not None:
                yield Record(f"line {line}", problem=problem)
                continue
            values, problem = {}, None
            for model_input, position in wanted.items():
                try:
                    value = _cell_value(cells[position], model_input, allow_missing=True)
                except ValueError as err:
                    problem = f"line {line}, column {header[position]!r}: {err}"
                    break
                values[model_input.key or model_input.name] = shaped(value, model_input)
            yield Record(f"line {line}", values if problem is None else None, problem)

    return records()


def _csv_array_records(path: Path, header: list, rows, model_input: ModelInput,
                       target: list) -> Iterator[Record]:
    """Rows of numbers for an array input; the header is optional, a target column dropped."""
    has_header = any(_number(h) is None for h in header)
    size = model_input.size
    keep = list(range(len(header)))
    if has_header and len(header) == size + 1:
        dropped = [i for i, h in enumerate(header) if h in target]
        keep = [i for i in keep if i not in dropped]
    if len(keep) != size:
        plus = f", plus the target {target[0]!r}" if target else ""
        raise UsageError(f"predict: INPUT {str(path)!r} has {len(header)} columns -> "
                         f"{size} numbers per row (the model's input {model_input.name!r} is "
                         f"{list(model_input.shape)}){plus}")
    first = None if has_header else (1, header)

    def records():
        for line, cells in _chain(first, rows):
            problem = _row_problem(line, cells, len(header))
            if problem is not None:
                yield Record(f"line {line}", problem=problem)
                continue
            try:
                values = [_cell_value(cells[i], model_input, allow_missing=False) for i in keep]
            except ValueError as err:
                bad = next(i for i in keep if _number(cells[i]) is None)
                name = f"column {header[bad]!r}" if has_header else f"column {bad + 1}"
                yield Record(f"line {line}", problem=f"line {line}, {name}: {err}")
                continue
            yield Record(f"line {line}", {model_input.key or model_input.name:
                                          shaped(values, model_input)})

    return records()


def _chain(first, rows):
    if first is not None:
        yield first
    yield from rows
