"""Base of the schedules that warm up linearly to a peak, then decay to the end of training."""

from __future__ import annotations

import keras
from keras import ops

from keras_recipes.schedules import _common


class WarmupThenDecay(keras.optimizers.schedules.LearningRateSchedule):
    """A linear warmup from `warmup_start_lr` to `peak_lr` over `warmup_steps`, then
    `decay(progress)` with `progress` going 0 -> 1 from the warmup's end to `total_steps`.

    The warmup, its arguments and their checks live here once; a subclass adds its
    decay's arguments and implements `decay` (a function of `progress`, a float32
    tensor clipped to [0, 1]).

    Example:

    >>> class Linear(WarmupThenDecay):
    ...     def decay(self, progress):
    ...         return self.peak_lr * (1.0 - progress)
    >>> round(float(Linear(0.1, total_steps=20, warmup_steps=10)(15)), 6)
    0.05
    """

    def __init__(self, peak_lr, total_steps, warmup_steps=0, warmup_start_lr=None):
        super().__init__()
        self.peak_lr = _common.check_number("peak_lr", peak_lr, gt=0)
        self.total_steps = _common.check_integer("total_steps", total_steps, gt=0)
        self.warmup_steps = _common.check_integer("warmup_steps", warmup_steps, ge=0)
        _common.check_order(
            "warmup_steps", self.warmup_steps, "<", "total_steps", self.total_steps
        )
        if warmup_start_lr is None:
            self.warmup_start_lr = None
        else:
            self.warmup_start_lr = _common.check_number(
                "warmup_start_lr", warmup_start_lr, ge=0
            )

    @property
    def resolved_warmup_start_lr(self) -> float:
        """The warmup start learning rate, with the `peak_lr / 100` default applied."""
        if self.warmup_start_lr is None:
            return self.peak_lr / 100.0
        return self.warmup_start_lr

    def decay(self, progress):
        """The learning rate at `progress` (0: end of warmup, 1: `total_steps`)."""
        raise NotImplementedError

    def __call__(self, step):
        s = _common.as_step(step)
        warmup = _common.linear_warmup(
            s, self.resolved_warmup_start_lr, self.peak_lr, self.warmup_steps
        )
        decay_steps = float(self.total_steps - self.warmup_steps)
        progress = ops.clip((s - float(self.warmup_steps)) / decay_steps, 0.0, 1.0)
        return ops.where(s < float(self.warmup_steps), warmup, self.decay(progress))

    def get_config(self):
        return {
            "peak_lr": self.peak_lr,
            "total_steps": self.total_steps,
            "warmup_steps": self.warmup_steps,
            "warmup_start_lr": self.warmup_start_lr,
        }
