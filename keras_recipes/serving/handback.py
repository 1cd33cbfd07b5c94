"""The model a run hands back: raw inputs in, probabilities or target units out.

`model.keras` = the data's `Preprocessor` (Keras preprocessing layers fitted
on the training split) -> the trained network (nested, named `"network"`) ->
a softmax when the network emits logits (classification) or the inverse of
the target scaling (regression). It is saved without optimizer, loss or
training wrapper (those stay in the run's resume state), so it is small and
plain `keras.saving.load_model` reads it anywhere.

Example:

```python
from keras_recipes.serving.handback import write_handback

write_handback(trained_model, data_bundle, run_dir)   # model.keras + serving.json
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from keras_recipes.serving.plain_keras import emits_probabilities, non_keras_classes, \
    plain_network

MODEL_FILE = "model.keras"


def identity_preprocessor(spec):
    """For data that arrives in the network's format: token ids (int32) or float arrays."""
    from keras_recipes.data.preprocessor import IdentityPreprocessor

    return IdentityPreprocessor(spec.input_shape, "int32" if spec.is_tokens else "float32")


def build_handback_model(network, preprocessor, spec, target_scale=None, name: str = "model"):
    """`keras.Model(raw, head(network(preprocessor(raw))))`, built-in Keras classes only.

    Args:
        network: the trained model (functional, e.g. `RecipeModel`, or subclassed).
        preprocessor: a `Preprocessor` whose layers are fitted on the training split.
        spec: the run's `DataSpec`.
        target_scale: `(mean, std)` the regression targets were standardized with for
            training, or None when the network predicts in the target's units.
        name: the model's name.
    """
    import keras

    plain = plain_network(network, spec)
    raw = preprocessor.raw_inputs()
    outputs = plain(preprocessor(raw))
    if spec.task == "classification" and not emits_probabilities(plain):
        outputs = keras.layers.Softmax(dtype="float32", name="probabilities")(outputs)
    if spec.task == "regression" and target_scale is not None:
        import numpy as np

        mean, std = (np.asarray(v, np.float32).reshape(-1) for v in target_scale)
        outputs = keras.layers.Normalization(axis=-1, mean=mean, variance=std ** 2, invert=True,
                                             dtype="float32", name="target_units")(outputs)
    return keras.Model(raw, outputs, name=name)


def write_handback(network, data, run_dir: Path, echo: Callable[[str], None] = print,
                   name: str = "model") -> Path:
    """Builds the hand-back model of a run and writes `model.keras` and `serving.json`.

    Args:
        network: the trained model (best weights already loaded).
        data: the run's `DataBundle`: its `spec`, its `preprocessor` (identity when the
            bundle has none), its `target_scale` and `target` names when it has them.
        run_dir: the run directory.
        echo: where a warning about non-Keras classes goes.
        name: the model's name.

    Returns:
        The path of `model.keras`.
    """
    from keras_recipes.callbacks.best_checkpoint import save_model_atomic
    from keras_recipes.serving.run_info import INFO_FILE, run_info_for, write_run_info

    spec = data.spec
    preprocessor = getattr(data, "preprocessor", None) or identity_preprocessor(spec)
    model = build_handback_model(network, preprocessor, spec,
                                 getattr(data, "target_scale", None), name)
    foreign = non_keras_classes(model)
    if foreign:
        echo(f"note: model.keras uses classes Keras does not ship ({', '.join(foreign)}): "
             "loading it needs them registered (keras.saving.register_keras_serializable) "
             "and imported")
    path = Path(run_dir) / MODEL_FILE
    save_model_atomic(model, path)
    target = getattr(data, "target", None)
    write_run_info(Path(run_dir) / INFO_FILE, run_info_for(
        model, spec, [target] if isinstance(target, str) else target))
    return path


def network_of(model):
    """The trained network inside a hand-back model (`None` for an older run's model)."""
    from keras_recipes.serving.plain_keras import NETWORK_NAME

    try:
        return model.get_layer(NETWORK_NAME)
    except ValueError:
        return None


def load_handback(path, compile: bool = False):
    """Loads a hand-back `model.keras` with plain Keras (no keras_recipes class needed).

    Args:
        path: a run directory or a `.keras` file.
        compile: passed to `keras.saving.load_model`; the hand-back model has no
            training configuration, so the default is False.
    """
    import keras

    path = Path(path)
    if path.is_dir():
        path = path / MODEL_FILE
    return keras.saving.load_model(path, compile=compile)


__all__ = ["MODEL_FILE", "build_handback_model", "identity_preprocessor", "load_handback",
           "network_of", "write_handback"]
