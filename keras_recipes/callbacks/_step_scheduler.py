"""Base of the per-batch schedulers: set the learning rate (and momentum) each step."""

from __future__ import annotations

import keras
import numpy as np

from keras_recipes.callbacks import _hyperparameter, _optimizer_access


class StepScheduler(keras.callbacks.Callback):
    """Sets a float learning rate from `schedule(step)` before every batch.

    `step` is the optimizer's update count (`optimizer.iterations`, read once
    at the start of training and then counted on the host), so a resumed run
    continues the schedule. The values are computed for all `total_steps` at
    the start of training; steps past the end keep the last value.

    Subclasses set `self.schedule`, `self.total_steps` and, to cycle momentum,
    `self._momentum_fn` (a function of the step) before `on_train_begin`.
    """

    def __init__(self):
        super().__init__()
        self.schedule = None
        self.total_steps = None
        self._momentum_fn = None
        self._lrs = None
        self._momenta = None
        self._step = 0
        self._begin = None
        self._current = None
        self._momentum = None  # (optimizer, attribute name, variable, original float)

    def _no_schedule_message(self) -> str:
        name = type(self).__name__
        return (
            f"{name} sets a float learning rate before every batch, but the "
            "optimizer was built with a `LearningRateSchedule`, whose value "
            "cannot be set. Either build the optimizer with a float "
            "`learning_rate` and keep the callback, or pass the equivalent "
            f"schedule (`keras_recipes.schedules`) to the optimizer and drop {name}."
        )

    def on_train_begin(self, logs=None):
        inner = _optimizer_access.unwrap_optimizer(_optimizer_access.require_optimizer(self))
        if not isinstance(_optimizer_access.lr_object(inner), keras.Variable):
            raise ValueError(self._no_schedule_message())
        self._step = int(_optimizer_access.to_numpy(inner.iterations))
        self._lrs = _optimizer_access.schedule_table(self.schedule, 0, self.total_steps)
        if self._momentum_fn is not None:
            self._setup_momentum(inner)
            self._momenta = _optimizer_access.schedule_table(
                self.schedule, 0, self.total_steps, fn=self._momentum_fn
            )

    def _setup_momentum(self, inner) -> None:
        name = _hyperparameter.momentum_attribute(inner)
        if name is None:
            raise ValueError(
                f"{type(self).__name__} cycles momentum, but "
                f"{type(inner).__name__} has neither `momentum` (SGD, RMSprop) "
                "nor `beta_1` (Adam family). Pass `cycle_momentum=False`, or "
                "use an optimizer with one of them."
            )
        if name == "momentum" and float(getattr(inner, name)) == 0.0:
            raise ValueError(
                f"{type(self).__name__} cycles momentum, but the optimizer was "
                "built with `momentum=0`, so it keeps no momentum to cycle. "
                "Build it with a momentum > 0 (e.g. `SGD(0.1, momentum=0.9)`) "
                "or pass `cycle_momentum=False`."
            )
        variable, original = _hyperparameter.install(self.model, inner, name)
        self._momentum = (inner, name, variable, original)
        _optimizer_access.retrace_train_function(self.model)

    def on_train_end(self, logs=None):
        if self._momentum is not None:
            inner, name, _, original = self._momentum
            _hyperparameter.restore(inner, name, original)
            self._momentum = None
            _optimizer_access.retrace_train_function(self.model)

    def _value(self, table, step):
        return float(table[min(step, len(table) - 1)])

    def on_train_batch_begin(self, batch, logs=None):
        self._begin = batch
        inner = _optimizer_access.unwrap_optimizer(self.model.optimizer)
        lr = self._value(self._lrs, self._step)
        inner.learning_rate = lr
        self._current = {"learning_rate": lr}
        if self._momentum is not None:
            momentum = self._value(self._momenta, self._step)
            self._momentum[2].assign(momentum)
            self._current["momentum"] = momentum

    def on_train_batch_end(self, batch, logs=None):
        if logs is not None and self._current is not None:
            logs.update(self._current)
        begin = self._begin if isinstance(self._begin, (int, np.integer)) else batch
        self._step += max(1, int(batch) - int(begin) + 1)

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None and self._current is not None:
            for key, value in self._current.items():
                logs.setdefault(key, value)
