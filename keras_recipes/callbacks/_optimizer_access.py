"""How the callbacks reach a model's optimizer: unwrap a `LossScaleOptimizer`, read its
learning rate (the schedule object and the counter it is evaluated at, through
`keras_recipes._keras_compat`), evaluate a schedule over steps, retrace.

Example:

>>> last_step_learning_rate(model.optimizer)   # the LR of the most recent update
0.001
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_recipes._keras_compat import iterations_variable, schedule_object

LearningRateSchedule = keras.optimizers.schedules.LearningRateSchedule


def to_numpy(value) -> np.ndarray:
    """A variable's or tensor's value as a NumPy array (one device read)."""
    if isinstance(value, keras.Variable):
        value = value.value
    if hasattr(value, "numpy"):
        return np.asarray(value.numpy())
    return np.asarray(ops.convert_to_numpy(value))


def optimizer_steps(model) -> int:
    """`model.optimizer.iterations` as an int (one device read); 0 without an optimizer."""
    iterations = getattr(getattr(model, "optimizer", None), "iterations", None)
    return 0 if iterations is None else int(to_numpy(iterations))


def require_optimizer(callback) -> keras.optimizers.Optimizer:
    """The model's optimizer, or a `ValueError` telling the user to compile."""
    model = getattr(callback, "model", None)
    optimizer = getattr(model, "optimizer", None) if model is not None else None
    if optimizer is None:
        raise ValueError(
            f"{type(callback).__name__} needs a compiled model with an optimizer. "
            "Call `model.compile(optimizer=..., loss=...)` before `model.fit()`."
        )
    return optimizer


def unwrap_optimizer(optimizer):
    """The optimizer that owns the learning rate (inside a `LossScaleOptimizer`)."""
    while hasattr(optimizer, "inner_optimizer"):
        optimizer = optimizer.inner_optimizer
    return optimizer


def lr_object(optimizer):
    """What the optimizer holds as its learning rate: variable, schedule or callable."""
    return schedule_object(unwrap_optimizer(optimizer))


def raw_iterations(optimizer):
    """The iteration counter the optimizer evaluates its schedule at."""
    return iterations_variable(unwrap_optimizer(optimizer))


def last_step_learning_rate(optimizer) -> float:
    """The learning rate the optimizer used for its most recent update.

    For a schedule that is `schedule(iterations - 1)` (the optimizer evaluates
    it before incrementing `iterations`); for a variable, its current value.
    Reads one value from the device.
    """
    inner = unwrap_optimizer(optimizer)
    lr = lr_object(inner)
    if isinstance(lr, LearningRateSchedule):
        step = ops.maximum(ops.convert_to_tensor(raw_iterations(inner)) - 1, 0)
        return float(to_numpy(lr(step)))
    return float(to_numpy(inner.learning_rate))


def next_step_learning_rate(optimizer) -> float:
    """The learning rate the optimizer will use for its next update."""
    return float(to_numpy(unwrap_optimizer(optimizer).learning_rate))


def retrace_train_function(model) -> None:
    """Makes `fit` trace a fresh train function (after changing optimizer code paths).

    Keras creates the train function before `on_train_begin` and traces it on
    the first batch; forcing a new one makes the change visible even when an
    earlier `fit` already traced it.
    """
    if hasattr(model, "make_train_function"):
        model.make_train_function(force=True)


def schedule_table(schedule, first_step: int, last_step: int, fn=None) -> np.ndarray:
    """Evaluates `schedule` (or `fn`) at steps `first_step .. last_step` at once."""
    fn = fn or schedule
    steps = np.arange(first_step, last_step + 1, dtype="float32")
    try:
        values = np.asarray(to_numpy(fn(ops.convert_to_tensor(steps))), "float64")
        if values.shape == steps.shape:
            return values
    except Exception:  # A schedule that only takes scalar steps.
        pass
    return np.asarray([float(to_numpy(fn(int(s)))) for s in steps], "float64")
