"""Logs the learning rate the optimizer actually used."""

from __future__ import annotations

import keras

from keras_recipes.callbacks import _utils
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
        self.every_n_steps = _utils.check_int("every_n_steps", every_n_steps, ge=1)
        self._window = StepWindow(self.every_n_steps)
        self._read = None
        self._last = None  # (steps done, value) of the latest read

    def on_train_begin(self, logs=None):
        self._read = _compiled_reader(_utils.require_optimizer(self), self.model)
        self._window.reset()
        self._last = None

    def on_epoch_begin(self, epoch, logs=None):
        self._window.begin_epoch()

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


def _compiled_reader(optimizer, model):
    """`last_step_learning_rate(optimizer)` as one traced call (a few eager ops otherwise).

    Evaluating a schedule eagerly costs milliseconds on CPU (measured by
    `tools/bench_monitoring.py`); a `tf.function` reading `iterations` (and
    any variable the schedule holds, such as a plateau scale) costs one call.
    It is traced again when the optimizer's schedule object changes (e.g.
    `ReduceLROnPlateau` wraps it at the start of training). Falls back to the
    eager read with several replicas (their variables are read per replica)
    and where tracing is not possible.
    """
    eager = lambda: _utils.last_step_learning_rate(optimizer)  # noqa: E731
    strategy = getattr(model, "distribute_strategy", None)
    if getattr(strategy, "num_replicas_in_sync", 1) > 1:
        return eager
    inner = _utils.unwrap_optimizer(optimizer)
    traced = {}  # id(schedule) -> tf.function, or None where tracing failed

    def read() -> float:
        schedule = _utils.lr_object(inner)
        if not isinstance(schedule, _utils.LearningRateSchedule):
            return eager()
        key = id(schedule)
        if key not in traced:
            traced.clear()
            traced[key] = _trace(schedule, _utils.raw_iterations(inner))
        fn = traced[key]
        return eager() if fn is None else float(fn())

    return read


def _trace(schedule, iterations):
    """A traced `schedule(max(iterations - 1, 0))`, or None if it cannot be traced."""
    try:
        import tensorflow as tf

        @tf.function(autograph=False)
        def last_step():
            step = tf.maximum(tf.convert_to_tensor(iterations) - 1, 0)
            return tf.cast(schedule(step), tf.float32)

        last_step()
    except Exception:  # e.g. a schedule that only takes Python numbers
        return None
    return last_step
