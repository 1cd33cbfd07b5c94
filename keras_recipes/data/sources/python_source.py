"""User data: `data.python: package.module:function` with `data.args`."""

from __future__ import annotations

from typing import Any

import numpy as np

from keras_recipes.data.sources.base import SOURCES, SourceData
from keras_recipes.errors import UsageError
from keras_recipes.python_ref import call_with_seed, resolve_python_ref

SPLITS = ("train", "val", "test")
METADATA = ("class_names", "vocab_size", "preprocessed")


@SOURCES.register("python")
def load_python(config, seed: int) -> SourceData:
    """Calls `function(**data.args)`, with `seed=` when it takes one, and reads its result.

    The function returns one of:

    - `(x, y)` arrays: split, scaled and batched like any other source;
    - `{"x": x, "y": y, ...}`: the same, with the optional keys below;
    - `{"train": ..., "val": ..., "test": ..., ...}`: ready-made splits, each
      `(x, y)` arrays or an unbatched `tf.data.Dataset` of `(x, y)`;
      `val`/`test` may be missing.

    Optional keys of either dict: `class_names` (a list of names; `y` holds
    indices into it), `vocab_size` (`x` holds integer token ids below it) and
    `preprocessed: True` (`x` goes to the network as it is: no scaling is
    fitted, and the model a run hands back takes such `x`).

    Example:

    >>> def load(path, seed=None):                       # in my_data.py
    ...     x, y = read_my_files(path, seed)
    ...     return {"x": x, "y": y, "class_names": ["cat", "dog"]}
    """
    function = resolve_python_ref(config.python, "data.python")
    result = call_with_seed(function, seed, **config.args)
    if isinstance(result, tuple) and len(result) == 2:
        return SourceData(x=np.asarray(result[0]), y=np.asarray(result[1]))
    if not isinstance(result, dict) or not ({"x", "y"} <= set(result) or "train" in result):
        raise UsageError(f"data.python: {config.python!r} returned {type(result).__name__} -> "
                         "(x, y) arrays, or a dict with x and y or train/val/test splits")
    data_keys = ("x", "y") if "x" in result else SPLITS
    unknown = sorted(set(result) - set(data_keys) - set(METADATA))
    if unknown:
        raise UsageError(f"data.python: returned key {unknown[0]!r} -> "
                         f"{', '.join(data_keys + METADATA)}")
    metadata = _metadata(result, config.python)
    if "x" in result:
        x = np.asarray(result["x"])
        if result.get("preprocessed") and "vocab_size" not in metadata:
            x = x.astype(np.float32)
        return SourceData(x=x, y=np.asarray(result["y"]), **metadata,
                          fit_preprocessor=_identity(x.shape[1:], metadata, result))
    import tensorflow as tf

    datasets = {}
    for split in SPLITS:
        part = result.get(split)
        if isinstance(part, tuple):
            part = tf.data.Dataset.from_tensor_slices(part)
        if part is not None:
            datasets[split] = part
    shape = tuple(datasets["train"].element_spec[0].shape)
    return SourceData(datasets=datasets, **metadata,
                      fit_preprocessor=_identity(shape, metadata, result))


def _metadata(result: dict, ref: str) -> dict[str, Any]:
    """`class_names` and `vocab_size` checked and converted for `SourceData`."""
    metadata: dict[str, Any] = {}
    if result.get("class_names") is not None:
        names = result["class_names"]
        if isinstance(names, str) or not all(isinstance(n, str) for n in names):
            raise UsageError(f"data.python: {ref!r} returned class_names {names!r} -> a list "
                             "of strings, one per class")
        metadata.update(class_names=tuple(names), num_classes=len(names))
    if result.get("vocab_size") is not None:
        size = result["vocab_size"]
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 2:
            raise UsageError(f"data.python: {ref!r} returned vocab_size {size!r} -> an "
                             "integer >= 2 (token ids are below it)")
        metadata["vocab_size"] = int(size)
    return metadata


def _identity(shape, metadata: dict, result: dict):
    """The preprocessor of `preprocessed: True` data: none (the network sees `x` as is)."""
    if not result.get("preprocessed") or "vocab_size" in metadata:
        return None
    from keras_recipes.data.preprocessor import IdentityPreprocessor

    return lambda train, options: IdentityPreprocessor(tuple(shape), dtype="float32")
