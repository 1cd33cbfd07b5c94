"""The search objective: a logged metric name and whether lower or higher is better.

Example:

>>> objective_direction("val_accuracy", "auto")
'max'
>>> objective_direction("val_loss", "auto")
'min'
"""

from __future__ import annotations

_MIN_WORDS = ("loss", "error", "mae", "mse", "rmse")
_MAX_WORDS = ("accuracy", "auc", "precision", "recall", "f1")


def objective_direction(name: str, direction: str = "auto") -> str | None:
    """`min` or `max`; `auto` infers it from the metric name (None when it cannot)."""
    if direction != "auto":
        return direction
    base = name.removeprefix("val_")
    if any(word in base for word in _MIN_WORDS):
        return "min"
    if any(word in base for word in _MAX_WORDS):
        return "max"
    return None


def is_better(value: float, best: float | None, direction: str) -> bool:
    """True when `value` beats `best` (or there is no best yet)."""
    if best is None:
        return True
    return value < best if direction == "min" else value > best
