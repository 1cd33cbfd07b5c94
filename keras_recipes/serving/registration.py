"""Registers keras_recipes' serializable classes with Keras as soon as Keras is imported.

A `.keras` file that uses this package's schedules, `ScaledSchedule`, losses,
metrics, `PositionEmbedding` or `RecipeModel` names them as
`keras_recipes>ClassName`; Keras finds such names only once the defining
module has run. `import keras_recipes` (or any of its modules) calls
`register_when_keras_loads()`: if Keras is already imported the classes are
registered now, otherwise right after `import keras` finishes, so importing
keras_recipes alone stays cheap (no TensorFlow) and the CLI's `--help` fast.

Example:

>>> import keras_recipes  # registers the classes, now or when Keras loads
>>> import keras
>>> model = keras.saving.load_model("my_model_with_warmup_cosine.keras")
"""

from __future__ import annotations

import importlib
import importlib.abc
import sys
import warnings

SERIALIZABLE_MODULES = (
    "keras_recipes.schedules",
    "keras_recipes.callbacks.scaled_schedule",
    "keras_recipes.losses",
    "keras_recipes.models.transformer",
    "keras_recipes.training.recipe_model",
)
"""Every module that defines a `keras.saving.register_keras_serializable` class
(tests/serving/test_registration.py checks that none is missing)."""

_registered = False


def register_serializables() -> None:
    """Imports every module in `SERIALIZABLE_MODULES` (this imports Keras)."""
    global _registered
    for name in SERIALIZABLE_MODULES:
        importlib.import_module(name)
    _registered = True


def _register_quietly() -> None:
    """Registration after `import keras`: a failure warns instead of breaking Keras' import."""
    try:
        register_serializables()
    except Exception as err:  # noqa: BLE001 - the user's `import keras` must still work
        warnings.warn(f"keras_recipes could not register its Keras classes ({err!r}); "
                      "call keras_recipes.saving.register_custom_objects() to see why",
                      stacklevel=2)


class _AfterKerasImport(importlib.abc.MetaPathFinder):
    """Finds `keras` with the other finders and registers once its module has run."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "keras":
            return None
        sys.meta_path.remove(self)
        spec = None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = find(fullname, path, target) if find is not None else None
            if spec is not None:
                break
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        run_module = spec.loader.exec_module

        def exec_module(module):
            run_module(module)
            _register_quietly()

        spec.loader.exec_module = exec_module
        return spec


def register_when_keras_loads() -> None:
    """Registers the classes now if Keras is imported, else right after `import keras`."""
    if _registered:
        return
    if "keras" in sys.modules:
        _register_quietly()
        return
    if not any(isinstance(f, _AfterKerasImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterKerasImport())
