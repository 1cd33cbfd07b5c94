"""Cycles momentum along the optimizer's own `OneCycle` learning-rate schedule."""

from __future__ import annotations

import keras
from keras import ops

from keras_recipes.callbacks import _hyperparameter, _optimizer_access
from keras_recipes.callbacks.scaled_schedule import ScaledSchedule


class OneCycleMomentum(keras.callbacks.Callback):
    """Sets momentum each batch from the optimizer's `OneCycle` schedule.

    For optimizers built with `keras_recipes.schedules.OneCycle` as their
    learning rate (a schedule cannot change momentum by itself): before each
    batch, SGD's (or RMSprop's) `momentum`, or the Adam family's `beta_1`, is
    set to `schedule.momentum(step)`, with `step` the optimizer's update
    count (read once at the start of training, then counted on the host).
    The schedule is also found inside a `ScaledSchedule` (from
    `ReduceLROnPlateau`) or a `keras_recipes.schedules.Warmup`, whose warmup
    keeps the cycle's initial momentum.

    The optimizer's Python-float hyperparameter is replaced, for the duration
    of `fit`, by a float that the traced train step reads from a variable
    (`get_config()` still reports the original value); the original comes
    back at the end of training. Batch and epoch logs get `momentum`.

    Example:

    >>> import keras, numpy as np
    >>> from keras_recipes.schedules import OneCycle
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer=keras.optimizers.Adam(OneCycle(0.01, 8)),
    ...               loss="mse")
    >>> history = model.fit(np.ones((16, 2)), np.ones((16, 1)), batch_size=4,
    ...                     epochs=2, callbacks=[OneCycleMomentum()], verbose=0)
    >>> round(history.history["momentum"][0], 3)  # at step 3 of 8
    0.869

    Raises:
        ValueError: At the start of training, if the optimizer's learning rate
            is not a `OneCycle` schedule (or one wrapped as described), or the
            optimizer has no momentum hyperparameter, or was built with
            `momentum=0`.
    """

    def __init__(self):
        super().__init__()
        self._table = None
        self._step = 0
        self._begin = None
        self._installed = None  # (optimizer, attribute name, variable, original float)
        self._value = None

    def on_train_begin(self, logs=None):
        inner = _optimizer_access.unwrap_optimizer(_optimizer_access.require_optimizer(self))
        lr = _optimizer_access.lr_object(inner)
        found = _momentum_function(lr)
        if found is None:
            raise ValueError(
                "OneCycleMomentum takes the momentum from the optimizer's "
                "`keras_recipes.schedules.OneCycle` learning-rate schedule, but "
                f"the optimizer's learning rate is {lr!r}. Build the optimizer "
                "with `learning_rate=OneCycle(...)`, or use "
                "`OneCycleScheduler` with a float learning rate."
            )
        name = _hyperparameter.momentum_attribute(inner)
        if name is None or (name == "momentum" and float(getattr(inner, name)) == 0.0):
            raise ValueError(
                f"OneCycleMomentum cycles momentum, but {type(inner).__name__} "
                "has no `momentum` > 0 (SGD, RMSprop) nor `beta_1` (Adam "
                "family). Build the optimizer with one, or remove "
                "OneCycleMomentum from the callbacks."
            )
        momentum_fn, horizon = found
        self._table = _optimizer_access.schedule_table(None, 0, int(horizon), fn=momentum_fn)
        self._step = int(_optimizer_access.to_numpy(_optimizer_access.raw_iterations(inner)))
        variable, original = _hyperparameter.install(self.model, inner, name)
        self._installed = (inner, name, variable, original)
        _optimizer_access.retrace_train_function(self.model)

    def on_train_batch_begin(self, batch, logs=None):
        if self._installed is None:
            return
        self._value = float(self._table[min(self._step, len(self._table) - 1)])
        self._installed[2].assign(self._value)
        self._begin = batch

    def on_train_batch_end(self, batch, logs=None):
        if logs is not None and self._value is not None:
            logs["momentum"] = self._value
        begin = self._begin if self._begin is not None else batch
        self._step += max(1, int(batch) - int(begin) + 1)

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None and self._value is not None:
            logs.setdefault("momentum", self._value)

    def on_train_end(self, logs=None):
        if self._installed is not None:
            inner, name, _, original = self._installed
            _hyperparameter.restore(inner, name, original)
            self._installed = None
            _optimizer_access.retrace_train_function(self.model)


def _momentum_function(schedule, shift=0.0):
    """`(step -> momentum, last step)` for a `OneCycle`, possibly wrapped; else None."""
    momentum = getattr(schedule, "momentum", None)
    if callable(momentum):
        horizon = shift + float(getattr(schedule, "total_steps", 0))
        if not shift:
            return momentum, horizon
        return (
            lambda step: momentum(ops.maximum(ops.cast(step, "float32") - shift, 0.0)),
            horizon,
        )
    if isinstance(schedule, ScaledSchedule):
        return _momentum_function(schedule.schedule, shift)
    phases, starts = getattr(schedule, "schedules", None), getattr(schedule, "starts", None)
    if isinstance(phases, list) and isinstance(starts, list):  # `Phased`: a cycle per phase
        found = [_momentum_function(phase, float(start)) for phase, start in zip(phases, starts)]
        if not found or any(f is None for f in found):
            return None

        def phased(step):
            step = ops.cast(step, "float32") - shift
            value = None
            for (momentum_of, _), start in zip(found, starts):
                here = momentum_of(ops.maximum(step, 0.0))
                value = here if value is None else ops.where(step >= float(start), here, value)
            return value

        return phased, shift + found[-1][1]
    inner = getattr(schedule, "schedule", None)
    warmup = getattr(schedule, "warmup_steps", None)
    if isinstance(inner, keras.optimizers.schedules.LearningRateSchedule) and warmup is not None:
        return _momentum_function(inner, shift + float(warmup))
    return None
