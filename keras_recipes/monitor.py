"""Whether a monitored metric improves downwards or upwards, decided in one place.

Used by the best checkpoint, early stopping, reduce-on-plateau and the tuning
objective, so `val_auc` is maximized and `val_mae` minimized everywhere. Names
the words do not tell fall back to the direction a Keras metric declares.

Example:

>>> metric_direction("val_accuracy")
'max'
>>> metric_direction("val_loss")
'min'
>>> metric_direction("val_loss", mode="max")
'max'
>>> metric_direction("val_wobble") is None
True
"""

from __future__ import annotations

from typing import Optional

MODES = ("auto", "min", "max")
# Checked in this order: `top_3_accuracy` is maximized, `mean_squared_error` minimized.
_MIN_WORDS = ("loss", "error", "mae", "mse", "rmse", "crossentropy", "hinge", "divergence")
_MAX_WORDS = ("acc", "auc", "precision", "recall", "f1", "iou", "r2")


def metric_direction(name: str, mode: str = "auto") -> Optional[str]:
    """`min` or `max` for metric `name`; `mode` other than `auto` wins.

    With `auto` the direction comes from the name (without a `val_` prefix):
    losses and errors are minimized, accuracy-like scores maximized; None when
    the name tells neither (the caller then asks for an explicit mode).
    """
    if mode not in MODES:
        raise ValueError(f"mode {mode!r} -> one of {', '.join(MODES)}")
    if mode != "auto":
        return mode
    base = name.removeprefix("val_")
    if any(word in base for word in _MIN_WORDS):
        return "min"
    if any(word in base for word in _MAX_WORDS):
        return "max"
    return None


def monitor_direction(name: str, mode: str = "auto", model=None, who: str = "") -> str:
    """`metric_direction`, else the direction `model`'s metric called `name` declares.

    Raises:
        ValueError: neither tells (`who`, e.g. the callback's name, starts the message).
    """
    direction = metric_direction(name, mode)
    if direction is None and model is not None:
        from keras_recipes._keras_compat import declared_direction

        direction = declared_direction(model, name)
    if direction is None:
        raise ValueError(f"{who or 'monitor'}: cannot tell whether {name!r} is minimized or "
                         "maximized -> pass mode='min' or mode='max'")
    return direction
