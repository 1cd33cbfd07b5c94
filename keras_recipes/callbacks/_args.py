"""Argument checks shared by the callbacks (errors in Keras' `Received: x=...` style).

Example:

>>> check_int("patience", 3, ge=0)
3
"""

from __future__ import annotations

import numpy as np

from keras_recipes.schedules._common import check_integer, check_number, received

__all__ = ["check_bool", "check_float", "check_int", "received"]


def check_int(name: str, value, *, ge: int | None = None) -> int:
    """Checks that `value` is an integer (not a bool), at least `ge`."""
    return check_integer(name, value, ge=ge)


def check_float(name: str, value, *, gt=None, ge=None, lt=None) -> float:
    """Checks that `value` is a finite real number within the given bounds."""
    return check_number(name, value, gt=gt, ge=ge, lt=lt)


def check_bool(name: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"Argument `{name}` must be a bool. {received(**{name: value})}")
    return bool(value)
