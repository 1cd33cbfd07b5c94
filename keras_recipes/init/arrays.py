"""`init` on an `.npz` archive: which arrays hold inputs and labels, shape, task.

Example:

>>> profile = profile_npz(Path("digits.npz"))  # doctest: +SKIP
>>> profile.source, profile.input_shape  # doctest: +SKIP
({'source': 'npz', 'x_key': 'x', 'y_key': 'y'}, [8, 8, 1])
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from keras_recipes.errors import UsageError
from keras_recipes.init.profile import DataProfile

MAX_CLASSES = 200
"""Integer labels with more distinct values than this are taken as a regression target."""


def profile_npz(path: Path, task: Optional[str] = None) -> DataProfile:
    """Inspects an `.npz` archive of an input array and a label array.

    The arrays named `x`/`y` are taken when present; otherwise the
    multi-dimensional array is the input and the 1-D array of the same length
    the label.

    Raises:
        UsageError: the archive holds no such pair, or is not an `.npz`.
    """
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (OSError, ValueError) as err:
        raise UsageError(f"init: {str(path)!r} -> an .npz archive readable without pickle "
                         f"({err})") from None
    x_key, y_key = _pick_keys(arrays, path)
    x, y = arrays[x_key], arrays[y_key]
    if len(x) != len(y):
        raise UsageError(f"init: {path.name}: {x_key!r} has {len(x)} examples, {y_key!r} "
                         f"{len(y)} -> one label per example")
    labels = y.reshape(len(y), -1)[:, 0] if y.ndim > 1 else y
    integral = np.issubdtype(labels.dtype, np.integer) or labels.dtype.kind in "bUS" or \
        bool(np.all(np.mod(labels, 1) == 0))
    distinct = np.unique(labels)
    task = task or ("classification" if integral and len(distinct) <= MAX_CLASSES
                    else "regression")
    profile = DataProfile("array", path, {"source": "npz", "x_key": x_key, "y_key": y_key},
                          task, examples=len(x))
    profile.inferred.append(f"arrays: inputs {x_key!r} {x.dtype} {list(x.shape)}, labels "
                            f"{y_key!r} {y.dtype} {list(y.shape)}")
    shape = list(x.shape[1:])
    image = x.ndim == 3 or (x.ndim == 4 and x.shape[-1] in (1, 3, 4))
    if x.ndim == 3:
        shape = shape + [1]
        profile.inferred.append(f"inputs are {shape[0]}x{shape[1]} grids -> images with one "
                                "channel")
    if image:
        profile.modality = "image"
        profile.input_shape = shape
        profile.source["input_shape"] = shape
        profile.notes["input_shape"] = "one example, height x width x channels"
        peak = float(np.max(x)) if x.size else 0.0
        if peak > 1.0:
            profile.inferred.append(f"pixel values up to {peak:g} -> normalize: scale")
    elif x.ndim != 2:
        profile.input_shape = shape
        profile.checks.append(f"inputs of shape {list(x.shape)}: flattened into "
                              f"{int(np.prod(shape))} features by the MLP; set input_shape "
                              "and a model for sequences or images")
    else:
        profile.input_shape = shape
    if task == "classification":
        names = [str(v) for v in distinct]
        counts = {name: int(np.sum(labels == value)) for name, value in zip(names, distinct)}
        profile.class_counts = counts
        shown = ", ".join(f"{c} ({n})" for c, n in list(counts.items())[:8])
        profile.inferred.append(f"labels: {len(distinct)} classes -> classification: {shown}"
                                + (" ..." if len(distinct) > 8 else ""))
    else:
        profile.inferred.append(f"labels: {len(distinct)} distinct values -> regression "
                                f"(range {float(np.min(labels)):g} .. "
                                f"{float(np.max(labels)):g})")
    return profile


def _pick_keys(arrays: dict, path: Path) -> tuple[str, str]:
    if "x" in arrays and "y" in arrays:
        return "x", "y"
    inputs = [k for k, a in arrays.items() if a.ndim >= 2]
    labels = [k for k, a in arrays.items() if a.ndim == 1 or (a.ndim == 2 and a.shape[1] == 1)]
    for x_key in inputs:
        for y_key in labels:
            if y_key != x_key and len(arrays[y_key]) == len(arrays[x_key]):
                return x_key, y_key
    shapes = ", ".join(f"{k} {list(a.shape)}" for k, a in arrays.items())
    raise UsageError(f"init: {path.name} holds {shapes or 'no arrays'} -> an input array "
                     "(examples first) and a 1-D label array of the same length, e.g. x and y")
