"""Loading `.keras` files that use keras_recipes' classes.

A run's `model.keras` needs none of them (plain `keras.saving.load_model`
reads it; see `keras_recipes.serving`). Files of your own that were compiled
with this package's schedules, losses or `ScaledSchedule`, and tuner trial
checkpoints (`RecipeModel`), load with Keras once any keras_recipes module
is imported; `load_model` below also does it in one call.

Example:

>>> from keras_recipes.saving import load_model
>>> model = load_model("my_model_with_warmup_cosine.keras")
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
