"""Writes per-step values from the batch logs to TensorBoard under their own names."""

from __future__ import annotations

import math

import keras

from keras_recipes.callbacks._optimizer_access import optimizer_steps

DEFAULT_KEYS = ("learning_rate", "grad_norm", "loss_scale")


class StepScalars(keras.callbacks.Callback):
    """Copies `learning_rate`, `grad_norm` (and `grad_norm/<layer>`) and `loss_scale`
    from the batch logs into TensorBoard's `train` run, at the global step.

    The loggers decide how often a value appears in the batch logs
    (`every_n_steps`); this callback writes whatever is there. The step is
    the number of optimizer steps done: `optimizer.iterations` read once when
    `fit` starts (so resumed and segmented runs continue the axis), plus the
    batch index Keras passes (the last step of an execution when
    `steps_per_execution > 1`). Place it after the loggers.

    Example:

    >>> callbacks = [LearningRateLogger(), StepScalars(SummaryDir(logdir))]  # doctest: +SKIP

    Args:
        summaries: a `SummaryDir`.
        keys: log names to copy; a name also matches `name/<anything>`.
    """

    def __init__(self, summaries, keys=DEFAULT_KEYS):
        super().__init__()
        self.summaries = summaries
        self.keys = tuple(keys)
        self._done_before_epoch = 0
        self._done_in_epoch = 0

    def on_train_begin(self, logs=None):
        self._done_before_epoch = optimizer_steps(self.model)

    def on_epoch_begin(self, epoch, logs=None):
        self._done_in_epoch = 0

    def on_train_batch_end(self, batch, logs=None):
        self._done_in_epoch = batch + 1
        if not logs:
            return
        values = {name: float(value) for name, value in logs.items()
                  if name.split("/", 1)[0] in self.keys}
        values = {name: value for name, value in values.items() if math.isfinite(value)}
        if values:
            step = self._done_before_epoch + self._done_in_epoch
            self.summaries.scalars(values, step, run="train")

    def on_epoch_end(self, epoch, logs=None):
        self._done_before_epoch += self._done_in_epoch

    def on_train_end(self, logs=None):
        self.summaries.flush()
