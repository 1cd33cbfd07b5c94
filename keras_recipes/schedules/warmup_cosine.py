"""Linear warmup followed by a cosine decay."""

from __future__ import annotations

import math

import keras
from keras import ops

from keras_recipes.schedules import _common
from keras_recipes.schedules._warmup_decay import WarmupThenDecay


@keras.saving.register_keras_serializable(package="keras_recipes")
class WarmupCosine(WarmupThenDecay):
    """A linear warmup to `peak_lr` followed by a cosine decay to `min_lr`.

    For step `s` (cast to float32; negative steps count as 0):

    ```python
    if s < warmup_steps:
        lr = warmup_start_lr + (peak_lr - warmup_start_lr) * s / warmup_steps
    elif s <= total_steps:
        progress = (s - warmup_steps) / (total_steps - warmup_steps)
        lr = min_lr + (peak_lr - min_lr) * 0.5 * (1 + cos(pi * progress))
    else:
        lr = min_lr
    ```

    The learning rate is `peak_lr` at `s == warmup_steps` and `min_lr` from
    `s == total_steps` on. `total_steps` counts the warmup steps.

    Example:

    >>> schedule = WarmupCosine(peak_lr=0.1, total_steps=100, warmup_steps=10)
    >>> [round(float(schedule(s)), 6) for s in (0, 5, 10, 55, 100, 150)]
    [0.001, 0.0505, 0.1, 0.05, 0.0, 0.0]
    >>> optimizer = keras.optimizers.SGD(learning_rate=schedule)

    Args:
        peak_lr: The learning rate reached at the end of the warmup, a float > 0.
        total_steps: The total number of steps (warmup included), an int > 0.
        warmup_steps: The number of linear warmup steps, an int in
            `[0, total_steps)`. Defaults to `0` (no warmup).
        warmup_start_lr: The learning rate at step 0 of the warmup, a float
            >= 0. Defaults to `None`, meaning `peak_lr / 100`.
        min_lr: The final learning rate, a float in `[0, peak_lr]`.
            Defaults to `0.0`.

    Returns:
        A `LearningRateSchedule`: called with a step (int or float tensor, or
        Python number), it returns the float32 learning rate (elementwise for
        a tensor of steps).

    Raises:
        ValueError: If an argument is out of range, e.g. `warmup_steps >=
            total_steps` or `min_lr > peak_lr`.
    """

    def __init__(
        self,
        peak_lr,
        total_steps,
        warmup_steps=0,
        warmup_start_lr=None,
        min_lr=0.0,
    ):
        super().__init__(peak_lr, total_steps, warmup_steps, warmup_start_lr)
        self.min_lr = _common.check_number("min_lr", min_lr, ge=0)
        _common.check_order("min_lr", self.min_lr, "<=", "peak_lr", self.peak_lr)

    def decay(self, progress):
        return self.min_lr + (self.peak_lr - self.min_lr) * 0.5 * (
            1.0 + ops.cos(math.pi * progress)
        )

    def get_config(self):
        return {**super().get_config(), "min_lr": self.min_lr}
