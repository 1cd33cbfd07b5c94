"""Resolving the one way a recipe runs user code: `python: package.module:function`."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any, Callable

from keras_recipes.errors import UsageError


def resolve_python_ref(ref: str, key: str) -> Callable[..., Any]:
    """Imports `package.module:attr` and returns the attribute.

    The current directory is importable, so a recipe can name a module that
    sits beside it. No `eval`: only an import and an attribute lookup.

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
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise UsageError(f"{key}: {ref!r} -> an importable module ({err})") from None
    target = getattr(module, attr, None)
    if not callable(target):
        raise UsageError(f"{key}: {ref!r} -> module '{module_name}' has no callable '{attr}'")
    return target
