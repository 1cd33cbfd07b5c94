"""Loading a weights file on disk into a `keras.applications` backbone built without its top.

Two formats are read, whether or not the file holds the classifier (`include_top`):

- Keras 3 `.weights.h5` (`model.save_weights(...)`): `model.load_weights`, after
  checking the file holds at least as many arrays as the backbone (a file of
  another architecture or `alpha` is refused, by that count or by a shape);
- Keras 2 / downloaded `.h5` (`~/.keras/models/*_notop.h5` and the full ones):
  matched by layer name (the `layer_names` / `weight_names` attributes).

Example:

```python
backbone = keras.applications.MobileNetV2(include_top=False, weights=None,
                                          input_shape=(32, 32, 3), alpha=0.35)
load_weights_file(backbone, "mobilenet_v2_035.weights.h5", "model.weights")
```
"""

from __future__ import annotations

import warnings
from pathlib import Path

from keras_recipes.errors import UsageError


def _weighted_layers(model) -> list:
    return [layer for layer in model.layers if layer.weights]


def _keras3_arrays(file) -> int:
    """Arrays stored for layers in a Keras 3 `.weights.h5` file (grouped by layer class and
    order, not by layer name)."""
    group = file.get("layers")
    if group is None:
        return 0
    return sum(len(group[name]["vars"]) for name in group if "vars" in group[name])


def _legacy_root(file):
    """The group holding `layer_names` in a Keras 2 `.h5` file (weights-only or full model)."""
    if "layer_names" in file.attrs:
        return file
    if "model_weights" in file and "layer_names" in file["model_weights"].attrs:
        return file["model_weights"]
    return None


def _text(value) -> str:
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


def _load_legacy(model, root, key: str, path: str) -> None:
    import numpy as np

    names = {_text(n) for n in root.attrs["layer_names"]}
    missing = [layer.name for layer in _weighted_layers(model) if layer.name not in names]
    _refuse_missing(missing, key, path)
    for layer in _weighted_layers(model):
        group = root[layer.name]
        arrays = [np.asarray(group[_text(n)]) for n in group.attrs["weight_names"]]
        expected = [tuple(w.shape) for w in layer.weights]
        if [a.shape for a in arrays] != expected:
            raise UsageError(f"{key}: {path!r} holds weights shaped "
                             f"{[list(a.shape) for a in arrays]} for layer {layer.name!r}, "
                             f"which needs {[list(s) for s in expected]} -> a file saved from the "
                             "same architecture and model.args (e.g. alpha)")
        layer.set_weights(arrays)


def _refuse_missing(missing: list[str], key: str, path: str) -> None:
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5
                                          else "")
        raise UsageError(f"{key}: {path!r} holds no weights for layers {shown} -> a file saved "
                         "from the same architecture and model.args (e.g. alpha)")


def load_weights_file(model, path: str, key: str = "model.weights") -> None:
    """Loads `path` into `model` (a backbone without top) or raises `UsageError` naming `key`.

    Args:
        model: the freshly built backbone.
        path: a `.weights.h5` (Keras 3) or `.h5` (Keras 2, with or without top) file.
        key: the recipe key named in error messages.
    """
    file_path = Path(path).expanduser()
    if not file_path.is_file():
        raise UsageError(f"{key}: {path!r} -> an existing weights file (.weights.h5 or .h5), "
                         "or `none` for random weights")
    if file_path.suffix == ".keras":
        raise UsageError(f"{key}: {path!r} is a whole model -> give it as model.from instead "
                         "(its network minus its head becomes the backbone)")
    import h5py

    try:
        file = h5py.File(file_path, "r")
    except OSError as err:
        raise UsageError(f"{key}: {path!r} is not an HDF5 weights file ({err}) -> a "
                         ".weights.h5 or .h5 file") from None
    with file:
        legacy = _legacy_root(file)
        if legacy is not None:
            _load_legacy(model, legacy, key, str(path))
            return
        stored = _keras3_arrays(file)
    needed = len(model.weights)
    if stored < needed:
        raise UsageError(f"{key}: {path!r} holds {stored} weight arrays, this backbone needs "
                         f"{needed} -> a file saved from the same architecture and model.args "
                         "(e.g. alpha), by model.save_weights(...) or Keras' downloaded .h5")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the file's classifier has no layer here
        try:
            model.load_weights(file_path)
        except ValueError as err:
            raise UsageError(f"{key}: {path!r} does not fit this architecture -> a file saved "
                             "from the same architecture and model.args (e.g. alpha): "
                             f"{str(err).splitlines()[0]}") from None


__all__ = ["load_weights_file"]
