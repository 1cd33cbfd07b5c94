"""`export RUN_DIR --format saved_model | litert | onnx --out PATH`, through Keras' `model.export`.

The exported artifact serves the hand-back model: raw inputs (the
preprocessing inside) to probabilities or target values, with one serving
signature (`serve` / `serving_default`) whose inputs are named like the
model's raw inputs. `serving.json` (task, class names, inputs) goes with it:
inside a SavedModel as `assets.extra/serving.json` (where TF Serving keeps
extra files), beside a `.tflite` / `.onnx` file as `<name>.serving.json`.

| format | writes | needs | run it with |
|---|---|---|---|
| `saved_model` | a folder | TensorFlow | `tf.saved_model.load(PATH).serve(...)`, TF Serving |
| `litert` | `PATH.tflite` | TensorFlow | `ai_edge_litert` (or `tf.lite`) `Interpreter` |
| `onnx` | `PATH.onnx` | `tf2onnx`, `onnx` | `onnxruntime.InferenceSession` |

String inputs (category columns, text) use TensorFlow ops LiteRT runs as
"select TF ops" (the interpreter of the `tensorflow` and `ai-edge-litert`
packages has them) and ONNX cannot express, so such models export to
`saved_model` and `litert` only.

Example:

```
keras-recipes export runs/digits/20261201-101500 --format saved_model --out exported/digits
```
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from keras_recipes.errors import UsageError

FORMATS = {"saved_model": "tf_saved_model", "litert": "litert", "onnx": "onnx"}
"""`--format` value -> Keras' `model.export(format=...)`."""

SUFFIXES = {"litert": ".tflite", "onnx": ".onnx"}
REQUIRED_PACKAGES = {"onnx": ("tf2onnx", "onnx")}
"""Python packages (import names) a format needs beyond the default install."""


def missing_packages(fmt: str) -> list[str]:
    """The packages `fmt` needs that are not installed."""
    return [name for name in REQUIRED_PACKAGES.get(fmt, ())
            if importlib.util.find_spec(name) is None]


def _target(fmt: str, out) -> Path:
    """The artifact path: `.tflite`/`.onnx` added when missing; never over an existing path."""
    out = Path(out)
    suffix = SUFFIXES.get(fmt)
    if suffix and out.suffix.lower() != suffix:
        out = out.with_name(out.name + suffix)
    if out.exists() and not (out.is_dir() and not any(out.iterdir())):
        raise UsageError(f"--out: {str(out)!r} already exists -> a new path (export does not "
                         "overwrite)")
    return out


def info_path(fmt: str, artifact: Path) -> Path:
    """Where `serving.json` goes with an exported artifact."""
    if fmt == "saved_model":
        return artifact / "assets.extra" / "serving.json"
    return artifact.with_name(artifact.stem + ".serving.json")


def _call_once(model) -> None:
    """Calls a freshly loaded model on one blank example (Keras' ONNX export refuses a
    model that was never called)."""
    import tensorflow as tf

    def blank(tensor):
        shape = [1] + [d or 1 for d in tensor.shape[1:]]
        if str(tensor.dtype) == "string":
            return tf.fill(shape, "")
        return tf.zeros(shape, tensor.dtype)

    structure = model.input
    if isinstance(structure, dict):
        model({k: blank(t) for k, t in structure.items()})
    else:
        model(tf.nest.map_structure(blank, structure))


def export_run(run_dir, fmt: str, out) -> Path:
    """Exports the run's hand-back model in `fmt` to `out` and copies `serving.json` with it.

    Args:
        run_dir: a finished run directory (or its `model.keras`).
        fmt: `saved_model`, `litert` or `onnx`.
        out: a new folder (saved_model) or file path (`.tflite` / `.onnx` added if missing).

    Returns:
        The path written.

    Raises:
        UsageError: an unknown format, a missing optional package, an existing `out`,
            or a model the format cannot express.
    """
    from keras_recipes.serving.predict import load_served

    if fmt not in FORMATS:
        raise UsageError(f"--format: {fmt!r} -> one of {', '.join(FORMATS)}")
    missing = missing_packages(fmt)
    if missing:
        raise UsageError(f"export --format {fmt}: needs the Python package(s) "
                         f"{', '.join(missing)} -> pip install {' '.join(missing)}")
    artifact = _target(fmt, out)
    model, _ = load_served(run_dir)
    strings = [t.name for t in model.inputs if str(t.dtype) == "string"]
    if fmt == "onnx" and strings:
        raise UsageError(f"export --format onnx: the model's input(s) {', '.join(strings)} are "
                         "strings (categories or text), which ONNX cannot preprocess -> "
                         "--format saved_model or litert")
    artifact.parent.mkdir(parents=True, exist_ok=True)
    _call_once(model)
    model.export(str(artifact), format=FORMATS[fmt], verbose=False)
    source = Path(run_dir)
    source = source / "serving.json" if source.is_dir() else source.with_name("serving.json")
    target = info_path(fmt, artifact)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return artifact
