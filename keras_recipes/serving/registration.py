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
_keras_loaded = False
_importing = 0
"""How many keras_recipes modules are executing right now (imported through the hook)."""


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


def _register_when_safe() -> None:
    """Registers once Keras is loaded and no keras_recipes module is half-imported.

    `import keras` often runs inside a keras_recipes module (`schedules/constant.py`
    imports it); registering there would import packages that are still being
    initialized. The outermost keras_recipes module then registers when it finishes.
    """
    if _registered or not _keras_loaded or _importing:
        return
    for finder in [f for f in sys.meta_path if isinstance(f, _AfterKerasImport)]:
        sys.meta_path.remove(finder)
    _register_quietly()


def _spec_from_other_finders(finder, fullname, path, target):
    for other in sys.meta_path:
        find = getattr(other, "find_spec", None) if other is not finder else None
        spec = find(fullname, path, target) if find is not None else None
        if spec is not None:
            return spec
    return None


class _AfterKerasImport(importlib.abc.MetaPathFinder):
    """Watches the imports of `keras` and of keras_recipes' own modules until registered.

    Finds them with the other finders and wraps their loaders: `keras` marks Keras
    loaded, each keras_recipes module counts itself as importing while it runs;
    registration happens when both allow it (`_register_when_safe`).
    """

    def find_spec(self, fullname, path=None, target=None):
        watched = fullname == "keras" or fullname.startswith("keras_recipes.")
        if not watched or _registered:
            return None
        spec = _spec_from_other_finders(self, fullname, path, target)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        run_module = spec.loader.exec_module

        def exec_module(module):
            global _keras_loaded, _importing
            if fullname == "keras":
                run_module(module)
                _keras_loaded = True
            else:
                _importing += 1
                try:
                    run_module(module)
                finally:
                    _importing -= 1
            _register_when_safe()

        spec.loader.exec_module = exec_module
        return spec


def register_when_keras_loads() -> None:
    """Registers the classes now if Keras is imported, else right after `import keras`
    (or, when a keras_recipes module imports Keras, right after that module)."""
    global _keras_loaded
    if _registered:
        return
    if "keras" in sys.modules:
        _keras_loaded = True
        _register_when_safe()
        return
    if not any(isinstance(f, _AfterKerasImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterKerasImport())
