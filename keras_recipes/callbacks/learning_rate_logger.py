"""Logs the learning rate the optimizer actually used."""

from __future__ import annotations

import math

import keras
from keras import ops

from keras_recipes.callbacks import _args, _optimizer_access, _optimizer_taps
from keras_recipes.callbacks._step_window import StepWindow


class LearningRateLogger(keras.callbacks.Callback):
    """Puts the learning rate used by each training step into the logs.

    The value is the one the optimizer applied: for a
    `LearningRateSchedule`, the schedule evaluated at the step's
    `optimizer.iterations` (including the scale a
    `keras_recipes.callbacks.ReduceLROnPlateau` applied); for a float
    learning rate, the variable's value (as set by a per-batch scheduler or
    by Keras' `ReduceLROnPlateau`). A `LossScaleOptimizer` is looked through.

    - Batch logs get `learning_rate` on the first batch and then every
      `every_n_steps`-th one. Steps in between read nothing from the device.
    - Epoch logs get `learning_rate`: the value of the epoch's last step
      (unless another callback, e.g. `ReduceLROnPlateau`, already set it to
      that same value). History, CSVLogger and TensorBoard record it if they
      come after this callback in the list (Keras appends History itself).

    How: at the start of training the callback hooks, on this optimizer
    instance only, the point where the TensorFlow optimizer applies an update
    (the same hooks as `GradientNormLogger`; both can be used in one `fit`),
    so that the train step also copies the learning rate it uses into a
    non-trainable variable; Keras retraces the train function. A logged step
    costs one read of that variable. The hooks are removed, and the train
    function retraced again, at the end of training. A step that applies no
    update (skipped by a `LossScaleOptimizer` because its gradients were not
    finite, or only accumulating gradients) keeps the value of the last update;
    before the first update of a `fit` the value is computed on the host from
    the optimizer (its schedule at `iterations - 1`). Optimizers that are not
    TensorFlow-backend Keras optimizers are always read that way.

    Deciding which batches to log is done on the host (from the batch index
    Keras passes), so steps that are not logged cost no device read. With
    `steps_per_execution > 1` Keras calls batch-level callbacks once per
    execution: the logger logs on each execution that holds a step `0, N, 2N,
    ...`, with the value of that execution's last step.

    Example:

    >>> import keras, numpy as np
    >>> schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 1, 0.5)
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer=keras.optimizers.SGD(schedule), loss="mse")
    >>> history = model.fit(np.ones((4, 2)), np.ones((4, 1)), batch_size=2,
    ...                     epochs=2, callbacks=[LearningRateLogger()], verbose=0)
    >>> [round(lr, 4) for lr in history.history["learning_rate"]]
    [0.05, 0.0125]

    Args:
        every_n_steps: Integer >= 1. Log every this many training batches.
            Defaults to `1`.

    Raises:
        ValueError: If `every_n_steps` is not a positive integer, or at the
            start of training if the model is not compiled.
    """

    def __init__(self, every_n_steps=1):
        super().__init__()
        self.every_n_steps = _args.check_int("every_n_steps", every_n_steps, ge=1)
        self._window = StepWindow(self.every_n_steps)
        self._optimizer = None
        self._applied = None  # the variable the train step writes the learning rate into
        self._tap = None
        self._last = None  # (steps done, value) of the latest read

    def on_train_begin(self, logs=None):
        self._optimizer = _optimizer_access.require_optimizer(self)
        self._window.reset()
        self._last = None
        if _optimizer_taps.supported(self._optimizer):
            self._applied = _optimizer_taps.tap_variable(
                self.model, math.nan, "applied_learning_rate")
            self._tap = _learning_rate_tap(self, self._optimizer, self._applied)
            _optimizer_taps.attach(self.model, self._tap)

    def on_train_end(self, logs=None):
        if self._tap is not None:
            _optimizer_taps.detach(self.model, self._tap)
            self._tap = None

    def on_epoch_begin(self, epoch, logs=None):
        self._window.begin_epoch()

    def _read(self) -> float:
        """The learning rate of the last update: the tap's variable, else computed."""
        if self._tap is not None and self._tap.attached:
            value = float(self._applied.numpy())
            if not math.isnan(value):  # nan: no update applied yet in this fit
                return value
        return _optimizer_access.last_step_learning_rate(self._optimizer)

    def _value(self) -> float:
        """The last step's learning rate; read once per step count."""
        done = self._window.steps_done
        if self._last is None or self._last[0] != done:
            self._last = (done, self._read())
        return self._last[1]

    def on_train_batch_end(self, batch, logs=None):
        if self._window.end_batch(batch) and logs is not None:
            logs["learning_rate"] = self._value()

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None and "learning_rate" not in logs:
            logs["learning_rate"] = self._value()


def _learning_rate_tap(owner, optimizer, variable):
    """A tap writing the learning rate of each applied update into `variable`.

    It runs with the all-reduced gradients, inside the optimizer's `apply`
    before it increments `iterations`: `learning_rate` there is the value the
    update uses (a schedule at the step's `iterations`, or the variable).
    """
    inner = _optimizer_access.unwrap_optimizer(optimizer)

    def record(grads_and_vars):
        variable.assign(ops.cast(inner.learning_rate, "float32"))

    return _optimizer_taps.Tap(owner, "learning_rate", on_reduced=record)
