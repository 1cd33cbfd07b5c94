"""Image files, text files and `.npz` arrays as a hand-back model's raw inputs.

Images are decoded and resized exactly as training decoded its image folder;
text files are read as UTF-8 (one example per line, or one per file in a
folder); a `.npz` holds arrays named after the model's inputs. A file that
cannot be read becomes a `Record` with its path and the problem.

Example:

>>> files = input_files(Path("photos"), IMAGE_SUFFIXES)              # doctest: +SKIP
>>> [r.problem for r in image_records(files, RawSignature.of(model)) if r.problem]
[]
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np

from keras_recipes.errors import UsageError
from keras_recipes.serving.raw_signature import (IMAGE_SUFFIXES, ModelInput, RawSignature,
                                                 Record, shaped)


def input_files(folder: Path, suffixes) -> list[Path]:
    files = sorted(p for p in folder.rglob("*") if p.is_file()
                   and p.suffix.lower() in suffixes and not p.name.startswith("."))
    if not files:
        raise UsageError(f"predict: INPUT {str(folder)!r} has no {'/'.join(suffixes)} files "
                         "-> a folder of them (subfolders are searched)")
    return files


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


def image_records(files: list[Path], signature: RawSignature) -> Iterator[Record]:
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


def text_line_records(path: Path, signature: RawSignature) -> Iterator[Record]:
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
                                            shaped(text, model_input)})


def text_file_records(files: list[Path], signature: RawSignature) -> Iterator[Record]:
    model_input = signature.inputs[0]
    for file in files:
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (UnicodeDecodeError, OSError) as err:
            yield Record(str(file), problem=f"{file}: {type(err).__name__} -> a UTF-8 text file")
            continue
        yield Record(str(file), {model_input.key or model_input.name: shaped(text, model_input)})


def npz_records(path: Path, signature: RawSignature) -> Iterator[Record]:
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
