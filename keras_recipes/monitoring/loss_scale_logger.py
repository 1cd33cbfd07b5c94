"""Logs the dynamic loss scale of a mixed_float16 run."""

from __future__ import annotations

import keras

from keras_recipes.callbacks import _args, _optimizer_access
from keras_recipes.callbacks._step_window import StepWindow


class LossScaleLogger(keras.callbacks.Callback):
    """Puts the loss scale into the logs as `loss_scale` (no-op without loss scaling).

    Under `mixed_float16` Keras wraps the optimizer in a `LossScaleOptimizer`
    whose `dynamic_scale` variable halves after a step with non-finite
    gradients and doubles after `dynamic_growth_steps` finite ones; an
    optimizer built with a fixed `loss_scale_factor` logs that constant.
    A scale that keeps falling means the fp16 gradients overflow.

    Batch logs get the value on the steps `0, N, 2N, ...` (at execution
    boundaries, like the other loggers; one device read each); epoch logs get the epoch's last value,
    so History, CSVLogger and TensorBoard record it.

    Example:

    >>> keras.mixed_precision.set_dtype_policy("mixed_float16")  # doctest: +SKIP
    >>> model.fit(x, y, callbacks=[LossScaleLogger()])  # doctest: +SKIP

    Args:
        every_n_steps: Integer >= 1. Defaults to `100`.
    """

    def __init__(self, every_n_steps=100):
        super().__init__()
        self.every_n_steps = _args.check_int("every_n_steps", every_n_steps, ge=1)
        self._window = StepWindow(self.every_n_steps)

    def _scale(self):
        optimizer = getattr(self.model, "optimizer", None)
        scale = getattr(optimizer, "dynamic_scale", None)
        if scale is not None:
            return float(_optimizer_access.to_numpy(scale))
        factor = getattr(_optimizer_access.unwrap_optimizer(optimizer), "loss_scale_factor", None)
        return float(factor) if factor is not None else None

    def on_train_begin(self, logs=None):
        self._window.reset()

    def on_epoch_begin(self, epoch, logs=None):
        self._window.begin_epoch()

    def on_train_batch_end(self, batch, logs=None):
        if self._window.end_batch(batch) and logs is not None:
            value = self._scale()
            if value is not None:
                logs["loss_scale"] = value

    def on_epoch_end(self, epoch, logs=None):
        value = self._scale()
        if value is not None and logs is not None:
            logs["loss_scale"] = value
