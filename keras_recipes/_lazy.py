"""Lazy re-exports for package `__init__` files (PEP 562).

A package whose `__init__` re-exported its heavy modules made every light
module in it (and the CLI's `--help`) pay their imports. With lazy
re-exports, `from keras_recipes.data import build_data` still works, but the
module behind a name is imported on first use only.

Example:

>>> _EXPORTS = {"build_data": "keras_recipes.data.builder"}
>>> __all__ = sorted(_EXPORTS)
>>> __getattr__ = lazy_exports("keras_recipes.data", _EXPORTS)
"""

from __future__ import annotations

import importlib
from typing import Any, Callable


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """A module-level `__getattr__` importing `exports[name]` when `name` is first read.

    Args:
        package: the package's `__name__` (for the error message).
        exports: public name -> the module that defines it.

    Returns:
        The function to assign to the package's `__getattr__`.
    """

    def __getattr__(name: str) -> Any:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(exports[name]), name)

    return __getattr__
