"""The state protocol of callbacks whose decisions must survive a resume.

A stateful callback says which fields carry its decisions across epochs
(`state_fields`, each with a check), and owns `get_state()` / `set_state()`
(timm's `state_dict()` / `load_state_dict()`). A resumed run restores only
those fields, after checking them; nothing read from a file ever names the
attribute it sets, so a crafted state cannot redirect a path or a method.

Any callback (yours too) joins by defining `get_state()` returning a JSON-able
dict and `set_state(state)`; `state_key` names its entry in the run's state
(default: the class name).

Example:
    >>> class Counter(StatefulCallback):
    ...     state_key = "counter"
    ...     state_fields = {"seen": count}
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.seen = 0
    >>> c = Counter()
    >>> c.get_state()
    {'version': 1, 'seen': 0}
    >>> c.set_state({"version": 1, "seen": 4}); c.seen
    4
"""

from __future__ import annotations

import math
from typing import Any, Callable, ClassVar

import keras
import numpy as np

from keras_recipes.errors import StateError


def _plain(value):
    """A JSON-able copy of a field value (NumPy scalars and arrays included)."""
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def count(value) -> int:
    """A whole number >= 0 (a counter, an epoch index)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{value!r} -> a whole number >= 0")
    return value


def optional_count(value):
    """None or a whole number >= 0."""
    return None if value is None else count(value)


def optional_metric(value):
    """None or a number that is not NaN (a best value may be +-inf)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ValueError(f"{value!r} -> a number or null")
    return float(value)


def finite_floats(limit: int) -> Callable[[Any], list]:
    """A check for a list of at most `limit` finite numbers."""
    def check(value) -> list:
        if not isinstance(value, list) or len(value) > limit or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                for v in value):
            raise ValueError(f"{_short(value)} -> a list of at most {limit} finite numbers")
        return [float(v) for v in value]
    return check


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class StatefulCallback(keras.callbacks.Callback):
    """A callback whose declared `state_fields` are saved and restored with the run."""

    state_key: ClassVar[str] = ""
    state_version: ClassVar[int] = 1
    state_fields: ClassVar[dict[str, Callable[[Any], Any]]] = {}

    def get_state(self) -> dict:
        """The declared fields, JSON-able, with the state version."""
        return {"version": self.state_version,
                **{name: _plain(getattr(self, name)) for name in self.state_fields}}

    def set_state(self, state: dict) -> None:
        """Checks `state` completely, then sets the declared fields (all or none).

        Raises:
            StateError: a field is missing, unknown, of the wrong version or out of range.
        """
        set_declared_fields(self, state_key_of(self), self.state_version, self.state_fields,
                            state)


def state_key_of(callback) -> str:
    """The name of a callback's entry in the run's state."""
    return getattr(callback, "state_key", "") or type(callback).__name__


def set_declared_fields(target, key: str, version: int, fields: dict, state) -> None:
    """Validates `state` against `fields` and sets them on `target` (shared by adapters)."""
    where = f"callbacks.{key}"
    if not isinstance(state, dict):
        raise StateError(f"{where}: {_short(state)} -> a mapping of the callback's fields")
    if state.get("version") != version:
        raise StateError(f"{where}.version: {state.get('version')!r} -> {version} (the state "
                         "was written by another keras_recipes version)")
    names = set(state) - {"version"}
    unknown, missing = sorted(names - set(fields)), sorted(set(fields) - names)
    if unknown or missing:
        found = ([f"unknown field(s) {unknown}"] if unknown else []) + (
            [f"missing field(s) {missing}"] if missing else [])
        raise StateError(f"{where}: {', '.join(found)} -> exactly {sorted(fields)}")
    values = {}
    for name, check in fields.items():
        try:
            values[name] = check(state[name])
        except ValueError as err:
            raise StateError(f"{where}.{name}: {err}") from None
    for name, value in values.items():
        setattr(target, name, value)
