"""Reading files into a hand-back model's raw inputs, one example at a time.

What a file may hold depends on the model's raw inputs (their names, dtypes
and shapes, read from the model itself):

| model input | INPUT |
|---|---|
| table (a dict of columns) | CSV with those columns (others, e.g. the target, ignored) |
| image `(H, W, C)` | an image file, or a folder of them (searched recursively) |
| text (one string) | a text file (an example per line), a folder of `.txt` files, a CSV |
| array | CSV of the values (header optional), `.npz` |

Any model also reads a `.npz` whose arrays are named after its inputs. Cells
are parsed as in training (`keras_recipes.data.columns`): a missing number is
NaN, a missing category "". A row or file that cannot be read becomes a
`Record` with a `problem` (line or path, what was found, what was expected)
instead of an example, so nothing is dropped silently.

Example:

>>> signature = RawSignature.of(model)
>>> for record in read_records("new_rows.csv", signature):
...     print(record.source, record.problem or record.values)
"""

from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path
from typing import Iterator, Optional

import numpy as np

from keras_recipes.errors import UsageError

IMAGE_SUFFIXES = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
"""Image files read from a folder (those `keras.utils.image_dataset_from_directory` reads)."""


@dataclasses.dataclass(frozen=True)
class ModelInput:
    """One raw input: its key in the model's input dict (None if single), name, dtype, shape."""

    key: Optional[str]
    name: str
    dtype: str
    shape: tuple

    @property
    def is_string(self) -> bool:
        return self.dtype == "string"

    @property
    def size(self) -> int:
        return int(np.prod([d or 1 for d in self.shape])) if self.shape else 1


@dataclasses.dataclass(frozen=True)
class RawSignature:
    """The raw inputs of a model and what kind of data they are."""

    inputs: tuple[ModelInput, ...]
    is_dict: bool

    @classmethod
    def of(cls, model) -> "RawSignature":
        structure = model.input
        if isinstance(structure, dict):
            items = list(structure.items())
        else:
            items = [(None, t) for t in (structure if isinstance(structure, (list, tuple))
                                         else [structure])]
        inputs = tuple(ModelInput(key, t.name, str(t.dtype), tuple(t.shape[1:]))
                       for key, t in items)
        return cls(inputs, isinstance(structure, dict) or len(inputs) > 1)

    @property
    def kind(self) -> str:
        """`table`, `image`, `text` or `array`."""
        if self.is_dict:
            return "table"
        only = self.inputs[0]
        if only.is_string:
            return "text"
        if len(only.shape) == 3 and only.shape[-1] in (1, 3, 4) and None not in only.shape[:2]:
            return "image"
        return "array"

    def describe(self) -> str:
        """What INPUT may be for this model, for messages."""
        names = ", ".join(i.key or i.name for i in self.inputs)
        return {
            "table": f"a CSV with the columns {names}, or a .npz with arrays named so",
            "image": "an image file (" + "/".join(IMAGE_SUFFIXES) + ") or a folder of them, "
                     "or a .npz",
            "text": "a text file (one example per line), a folder of .txt files, or a CSV "
                    f"with a {names!r} column",
            "array": f"a CSV with {self.inputs[0].size} numbers per row, or a .npz",
        }[self.kind]


@dataclasses.dataclass
class Record:
    """One example read from INPUT, or why it could not be read.

    Attributes:
        source: where it came from: `line 7`, a file path, `index 3`.
        values: `{input key or name: array of the input's shape}`; None with a problem.
        problem: why the example could not be read, e.g. `line 7, column 'age': 'x' -> a number`.
    """

    source: str
    values: Optional[dict] = None
    problem: Optional[str] = None


def read_records(path, signature: RawSignature, target: Optional[list] = None
                 ) -> Iterator[Record]:
    """The examples in `path`, read for a model with `signature`.

    Args:
        path: a CSV, `.npz`, image file or folder, or text file.
        signature: the model's raw inputs.
        target: target column names a CSV may hold (dropped from array rows).

    Raises:
        UsageError: `path` does not exist, or cannot hold this model's inputs at all
            (a missing column, the wrong kind of file).
    """
    path = Path(path)
    kind = signature.kind
    one_text_column = len(signature.inputs) == 1 and signature.inputs[0].is_string
    if kind == "table" and one_text_column and path.suffix.lower() not in (".csv", ".tsv",
                                                                           ".npz"):
        kind = "text"  # a table of one text column also reads text files and folders
    if not path.exists():
        raise UsageError(f"predict: INPUT {str(path)!r} does not exist -> {signature.describe()}")
    suffix = path.suffix.lower()
    if path.is_dir():
        if kind == "image":
            return _image_records(_files(path, IMAGE_SUFFIXES), signature)
        if kind == "text":
            return _text_file_records(_files(path, (".txt",)), signature)
    elif suffix == ".npz":
        return _npz_records(path, signature)
    elif suffix in (".csv", ".tsv") and kind != "image":
        return _csv_records(path, signature, target or [])
    elif suffix in IMAGE_SUFFIXES:
        if kind == "image":
            return _image_records([path], signature)
    elif kind == "text":
        return _text_line_records(path, signature)
    raise UsageError(f"predict: INPUT {str(path)!r} -> {signature.describe()} (this model's "
                     f"input is {kind} data)")


def _files(folder: Path, suffixes) -> list[Path]:
    files = sorted(p for p in folder.rglob("*") if p.is_file()
                   and p.suffix.lower() in suffixes and not p.name.startswith("."))
    if not files:
        raise UsageError(f"predict: INPUT {str(folder)!r} has no {'/'.join(suffixes)} files "
                         "-> a folder of them (subfolders are searched)")
    return files


# ---------------------------------------------------------------------------- CSV
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


def _csv_records(path: Path, signature: RawSignature, target: list) -> Iterator[Record]:
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
                values[model_input.key or model_input.name] = _shaped(value, model_input)
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
                                          _shaped(values, model_input)})

    return records()


def _chain(first, rows):
    if first is not None:
        yield first
    yield from rows


def _shaped(value, model_input: ModelInput) -> np.ndarray:
    dtype = object if model_input.is_string else model_input.dtype
    array = np.asarray(value, dtype=dtype)
    shape = tuple(d if d is not None else -1 for d in model_input.shape)
    return array.reshape(shape) if shape else array.reshape(())


# ---------------------------------------------------------------------------- images
def load_image(path: Path, height: int, width: int, channels: int) -> np.ndarray:
    """An image file as pixel values 0-255, `(height, width, channels)`, decoded and
    resized exactly as training decoded its image folder (`data.image_decode`).

    Raises:
        ValueError: the file is not a readable image.
    """
    import tensorflow as tf

    from keras_recipes.data.image_decode import decode_image

    try:
        return decode_image(str(path), (height, width), channels).numpy()
    except (tf.errors.InvalidArgumentError, tf.errors.NotFoundError) as err:
        raise ValueError(f"not a readable image ({err.message.splitlines()[0]})") from None


def _image_records(files: list[Path], signature: RawSignature) -> Iterator[Record]:
    model_input = signature.inputs[0]
    height, width, channels = model_input.shape
    for file in files:
        try:
            pixels = load_image(file, height, width, channels)
        except (ValueError, OSError) as err:
            yield Record(str(file), problem=f"{file}: {err} -> a {'/'.join(IMAGE_SUFFIXES)} image")
            continue
        yield Record(str(file), {model_input.key or model_input.name:
                                 pixels.astype(model_input.dtype)})


# ---------------------------------------------------------------------------- text
def _text_line_records(path: Path, signature: RawSignature) -> Iterator[Record]:
    model_input = signature.inputs[0]
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                yield Record(f"line {number}", problem=f"{path}: line {number}: not UTF-8 text "
                             "-> one UTF-8 example per line")
                continue
            yield Record(f"line {number}", {model_input.key or model_input.name:
                                            _shaped(text, model_input)})


def _text_file_records(files: list[Path], signature: RawSignature) -> Iterator[Record]:
    model_input = signature.inputs[0]
    for file in files:
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (UnicodeDecodeError, OSError) as err:
            yield Record(str(file), problem=f"{file}: {type(err).__name__} -> a UTF-8 text file")
            continue
        yield Record(str(file), {model_input.key or model_input.name: _shaped(text, model_input)})


# ---------------------------------------------------------------------------- npz
def _npz_records(path: Path, signature: RawSignature) -> Iterator[Record]:
    try:
        data = np.load(path, allow_pickle=False)
        arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError) as err:
        raise UsageError(f"predict: INPUT {str(path)!r}: {err} -> a .npz written by numpy.savez "
                         "(no pickled objects)") from None
    chosen = {}
    for model_input in signature.inputs:
        key = model_input.key or model_input.name
        names = [key, model_input.name] + ([] if signature.is_dict else ["x"])
        found = next((n for n in names if n in arrays), None)
        if found is None and not signature.is_dict and len(arrays) == 1:
            found = next(iter(arrays))
        if found is None:
            raise UsageError(f"predict: INPUT {str(path)!r} has arrays "
                             f"{', '.join(arrays) or 'none'} -> an array named {key!r}")
        chosen[model_input] = _npz_array(path, found, arrays[found], model_input)
    counts = {len(a) for a in chosen.values()}
    if len(counts) != 1:
        raise UsageError(f"predict: INPUT {str(path)!r}: arrays of different lengths "
                         f"{sorted(counts)} -> one row per example in every array")
    for index in range(counts.pop()):
        yield Record(f"index {index}", {i.key or i.name: a[index] for i, a in chosen.items()})


def _npz_array(path: Path, name: str, array: np.ndarray, model_input: ModelInput) -> np.ndarray:
    shape = model_input.shape
    if array.ndim == 0:
        raise UsageError(f"predict: INPUT {str(path)!r}: array {name!r} is a scalar -> one "
                         "row per example")
    fits = len(array.shape[1:]) == len(shape) and all(
        d is None or d == a for d, a in zip(shape, array.shape[1:]))
    if not fits:
        per_example = int(np.prod(array.shape[1:]))
        if None in shape or per_example != model_input.size:
            raise UsageError(f"predict: INPUT {str(path)!r}: array {name!r} has examples of "
                             f"shape {list(array.shape[1:])} -> {list(shape)}")
        array = array.reshape((len(array),) + tuple(shape))
    if model_input.is_string:
        return array.astype(str).astype(object)
    return array.astype(model_input.dtype)
