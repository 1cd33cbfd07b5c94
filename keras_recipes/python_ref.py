"""Resolving the one way a recipe runs user code: `python: package.module:function`.

A module is looked up on the usual import path (the working directory
included), then in the folders of the recipe files that were loaded (the
recipe and the recipes it extends), so a recipe can name a module that sits
beside it and still be run from another folder. Nothing is `eval`ed: only an
import and an attribute lookup.

Example:

>>> remember_recipe_folder("recipes/mine")      # done by the recipe loader
>>> load = resolve_python_ref("my_data:load", "data.python")
>>> x, y = call_with_seed(load, seed=42, path="data/raw")   # seed only if `load` takes it
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import inspect
import sys
from pathlib import Path
from typing import Any, Callable

from keras_recipes.errors import UsageError

_RECIPE_FOLDERS: list[str] = []


def remember_recipe_folder(folder: str | Path) -> None:
    """Adds a loaded recipe's folder to where `python:` modules are looked up."""
    folder = str(Path(folder).resolve())
    if folder not in _RECIPE_FOLDERS:
        _RECIPE_FOLDERS.append(folder)


def resolve_python_ref(ref: str, key: str) -> Callable[..., Any]:
    """Imports `package.module:attr` and returns the attribute.

    Args:
        ref: `package.module:function`.
        key: the dotted recipe key that holds `ref`, for error messages.

    Raises:
        UsageError: the module or attribute does not exist or is not callable.
    """
    module_name, _, attr = ref.partition(":")
    cwd = str(Path.cwd())
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        module = _import(module_name)
    except ImportError as err:
        where = ", ".join(["the working directory", *_RECIPE_FOLDERS])
        raise UsageError(f"{key}: {ref!r} -> an importable module, looked up in {where} "
                         f"({err})") from None
    target = getattr(module, attr, None)
    if not callable(target):
        raise UsageError(f"{key}: {ref!r} -> module '{module_name}' has no callable '{attr}'")
    return target


def call_with_seed(function: Callable[..., Any], seed: int, **kwargs: Any) -> Any:
    """Calls `function(**kwargs)`, adding `seed=seed` when the function accepts it.

    A function takes the seed when it has a `seed` parameter or `**kwargs`;
    one that does not is called without it (it is not an error to ignore it).
    """
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # builtins without a signature
        return function(**kwargs)
    takes_seed = any((p.name == "seed" and p.kind is not p.VAR_POSITIONAL)
                     or p.kind is p.VAR_KEYWORD for p in parameters)
    if takes_seed and "seed" not in kwargs:
        kwargs = {**kwargs, "seed": seed}
    return function(**kwargs)


def _import(module_name: str):
    """`importlib.import_module`, falling back to the recipe folders for the top package."""
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        top = module_name.split(".")[0]
        if err.name != top or top in sys.modules:
            raise
        spec = importlib.machinery.PathFinder.find_spec(top, list(_RECIPE_FOLDERS))
        if spec is None or spec.loader is None:
            raise
        module = importlib.util.module_from_spec(spec)
        sys.modules[top] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[top]
            raise
        return importlib.import_module(module_name)
