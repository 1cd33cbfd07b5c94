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

    def on_train_begin(self, logs=None):
        _utils.require_optimizer(self)
        self._window.reset()

    def on_epoch_begin(self, epoch, logs=None):
        self._window.begin_epoch()

    def on_train_batch_end(self, batch, logs=None):
        if self._window.end_batch(batch) and logs is not None:
            logs["learning_rate"] = _utils.last_step_learning_rate(self.model.optimizer)

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None and "learning_rate" not in logs:
            logs["learning_rate"] = _utils.last_step_learning_rate(self.model.optimizer)
