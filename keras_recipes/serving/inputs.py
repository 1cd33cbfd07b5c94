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

from pathlib import Path
from typing import Iterator, Optional

from keras_recipes.errors import UsageError
from keras_recipes.serving.csv_records import csv_records
from keras_recipes.serving.file_records import (image_records, input_files, load_image,
                                                npz_records, text_file_records,
                                                text_line_records)
from keras_recipes.serving.raw_signature import (IMAGE_SUFFIXES, ModelInput, RawSignature,
                                                 Record)

__all__ = ["IMAGE_SUFFIXES", "ModelInput", "RawSignature", "Record", "load_image",
           "read_records"]


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
            return image_records(input_files(path, IMAGE_SUFFIXES), signature)
        if kind == "text":
            return text_file_records(input_files(path, (".txt",)), signature)
    elif suffix == ".npz":
        return npz_records(path, signature)
    elif suffix in (".csv", ".tsv") and kind != "image":
        return csv_records(path, signature, target or [])
    elif suffix in IMAGE_SUFFIXES:
        if kind == "image":
            return image_records([path], signature)
    elif kind == "text":
        return text_line_records(path, signature)
    raise UsageError(f"predict: INPUT {str(path)!r} -> {signature.describe()} (this model's "
                     f"input is {kind} data)")
