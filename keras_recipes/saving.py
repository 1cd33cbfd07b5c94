"""Loading `.keras` files written by keras_recipes runs.

Example:

>>> from keras_recipes.saving import load_model
>>> model = load_model("runs/quickstart/20261123-101500/model.keras")
"""

from __future__ import annotations


def register_custom_objects() -> None:
    """Imports every module that registers serializable classes (schedules, callbacks'
    `ScaledSchedule`, losses, layers, `RecipeModel`), so Keras can find them.

    `import keras_recipes` already does this once Keras is imported; calling it
    raises any import error instead of warning."""
    from keras_recipes.serving.registration import register_serializables

    register_serializables()


def load_model(path, safe_mode: bool = True, compile: bool = True):
    """`keras.saving.load_model` with keras_recipes' classes registered.

    Args:
        path: a `.keras` file (e.g. a run's `model.keras` or `best.keras`).
        safe_mode: refuse lambda/bytecode deserialization. Defaults to True.
        compile: restore the optimizer and loss. Defaults to True.
    """
    import keras

    register_custom_objects()
    return keras.saving.load_model(path, safe_mode=safe_mode, compile=compile)
