"""User data: `data.python: package.module:function` with `data.args`."""

from __future__ import annotations

import numpy as np

from keras_recipes.data.sources.base import SOURCES, SourceData
from keras_recipes.errors import UsageError
from keras_recipes.python_ref import resolve_python_ref


@SOURCES.register("python")
def load_python(config, seed: int) -> SourceData:
    """Calls the function with `seed=` and `data.args`; it returns one of:

    - `(x, y)` arrays: split, scaled and batched like any other source;
    - a dict `{"train": ..., "val": ..., "test": ...}` of `(x, y)` tuples or
      unbatched `tf.data.Dataset`s of `(x, y)`; `val`/`test` may be missing.
    """
    function = resolve_python_ref(config.python, "data.python")
    result = function(seed=seed, **config.args)
    if isinstance(result, tuple) and len(result) == 2:
        return SourceData(x=np.asarray(result[0]), y=np.asarray(result[1]))
    if isinstance(result, dict) and "train" in result:
        import tensorflow as tf

        datasets = {}
        for split, part in result.items():
            if split not in ("train", "val", "test"):
                raise UsageError(f"data.python: returned split {split!r} -> train, val, test")
            if isinstance(part, tuple):
                part = tf.data.Dataset.from_tensor_slices(part)
            datasets[split] = part
        return SourceData(datasets=datasets)
    raise UsageError(f"data.python: {config.python!r} returned {type(result).__name__} -> "
                     "(x, y) arrays or a dict of train/val/test splits")
