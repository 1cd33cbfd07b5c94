"""Predicts with hand-back models in a process where keras_recipes cannot be imported.

Usage: python plain_keras_predict.py '[{"model": ..., "inputs": x.npz, "out": y.npy}, ...]'

Each job loads `model` with plain `keras.saving.load_model`, feeds it the
arrays of `inputs` (a dict of them keyed by name for dict-input models, else
the only array) and saves the predictions to `out`.
"""

import importlib.abc
import json
import sys


class _Blocked(importlib.abc.MetaPathFinder):
    """Makes every `keras_recipes` import fail, as on a machine without the package."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "keras_recipes":
            raise ImportError(f"{name} is not installed here")
        return None


sys.meta_path.insert(0, _Blocked())
try:
    import keras_recipes  # noqa: F401
except ImportError:
    pass
else:
    sys.exit("keras_recipes is importable: the check would prove nothing")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

for job in json.loads(sys.argv[1]):
    model = keras.saving.load_model(job["model"])
    with np.load(job["inputs"]) as data:
        arrays = {k: data[k] for k in data.files}
    if isinstance(model.input, dict):
        x = {k: tf.constant(v) for k, v in arrays.items()}
    else:
        x = tf.constant(next(iter(arrays.values())))
    np.save(job["out"], model.predict(x, batch_size=256, verbose=0))
assert not any(m.split(".")[0] == "keras_recipes" for m in sys.modules)
print("ok")
