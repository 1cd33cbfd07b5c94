"""Private helpers shared by the schedules: argument checks and the linear warmup.

Every check raises `ValueError` with a Keras-style message, e.g.
"Argument `warmup_steps` must be < `total_steps`. Received: warmup_steps=500,
total_steps=100", and returns the value converted to a plain Python `float` or
`int` so that `get_config()` stays JSON-serializable.
"""

from __future__ import annotations

import math
import numbers
import operator

from keras import ops


_COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def fmt(value) -> str:
    """Formats a received value the way Keras error messages do."""
    return repr(value) if isinstance(value, str) else str(value)


def received(**values) -> str:
    """Returns `Received: a=1, b=2` for the given arguments."""
    return "Received: " + ", ".join(f"{k}={fmt(v)}" for k, v in values.items())


def check_number(
    name: str,
    value,
    *,
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
) -> float:
    """Checks that `value` is a finite real number within the given bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"Argument `{name}` must be a number. {received(**{name: value})}")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(
            f"Argument `{name}` must be a finite number. {received(**{name: value})}"
        )
    for symbol, bound in ((">", gt), (">=", ge), ("<", lt), ("<=", le)):
        if bound is not None and not _COMPARE[symbol](result, bound):
            raise ValueError(
                f"Argument `{name}` must be {symbol} {fmt(bound)}. {received(**{name: value})}"
            )
    return result


def check_integer(name: str, value, *, ge: int | None = None, gt: int | None = None) -> int:
    """Checks that `value` is an integer (an integral float is accepted) within bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"Argument `{name}` must be an integer. {received(**{name: value})}")
    if not isinstance(value, numbers.Integral):
        if not (math.isfinite(float(value)) and float(value).is_integer()):
            raise ValueError(
                f"Argument `{name}` must be an integer. {received(**{name: value})}"
            )
    result = int(value)
    if gt is not None and not result > gt:
        raise ValueError(f"Argument `{name}` must be > {gt}. {received(**{name: value})}")
    if ge is not None and not result >= ge:
        raise ValueError(f"Argument `{name}` must be >= {ge}. {received(**{name: value})}")
    return result


def check_order(name_a: str, a, op: str, name_b: str, b) -> None:
    """Checks the relation `a op b` between two (already checked) arguments."""
    if not _COMPARE[op](a, b):
        raise ValueError(
            f"Argument `{name_a}` must be {op} `{name_b}`. "
            f"{received(**{name_a: a, name_b: b})}"
        )


def as_step(step):
    """Casts a step (Python number, int or float tensor) to a float32 tensor >= 0."""
    return ops.maximum(ops.cast(step, "float32"), 0.0)


def linear_warmup(step, start_lr: float, end_lr: float, warmup_steps: int):
    """`start_lr + (end_lr - start_lr) * step / warmup_steps` (safe for 0 steps)."""
    return start_lr + (end_lr - start_lr) * step / float(max(warmup_steps, 1))
