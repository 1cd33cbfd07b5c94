"""Linear warmup followed by a polynomial decay."""

from __future__ import annotations

import keras
from keras import ops

from keras_recipes.schedules import _common
from keras_recipes.schedules._warmup_decay import WarmupThenDecay


@keras.saving.register_keras_serializable(package="keras_recipes")
class WarmupPolynomialDecay(WarmupThenDecay):
    """A linear warmup to `peak_lr` followed by a polynomial decay to `end_lr`.

    For step `s` (cast to float32; negative steps count as 0):

    ```python
    if s < warmup_steps:
        lr = warmup_start_lr + (peak_lr - warmup_start_lr) * s / warmup_steps
    elif s <= total_steps:
        progress = (s - warmup_steps) / (total_steps - warmup_steps)
        lr = end_lr + (peak_lr - end_lr) * (1 - progress) ** power
    else:
        lr = end_lr
    ```

    `power=1.0` is a linear decay (the BERT schedule), `power=2.0` a quadratic
    one. The warmup is the same as `WarmupCosine`'s. `total_steps` counts the
    warmup steps.

    Example:

    >>> schedule = WarmupPolynomialDecay(
    ...     peak_lr=0.1, total_steps=110, warmup_steps=10, end_lr=0.01)
    >>> [round(float(schedule(s)), 6) for s in (0, 10, 60, 110, 200)]
    [0.001, 0.1, 0.055, 0.01, 0.01]
    >>> optimizer = keras.optimizers.AdamW(learning_rate=schedule)

    Args:
        peak_lr: The learning rate reached at the end of the warmup, a float > 0.
        total_steps: The total number of steps (warmup included), an int > 0.
        warmup_steps: The number of linear warmup steps, an int in
            `[0, total_steps)`. Defaults to `0` (no warmup).
        warmup_start_lr: The learning rate at step 0 of the warmup, a float
            >= 0. Defaults to `None`, meaning `peak_lr / 100`.
        end_lr: The final learning rate, a float in `[0, peak_lr]`.
            Defaults to `0.0`.
        power: The exponent of the decay, a float > 0. Defaults to `1.0`
            (linear decay).

    Returns:
        A `LearningRateSchedule`: called with a step (int or float tensor, or
        Python number), it returns the float32 learning rate (elementwise for
        a tensor of steps).

    Raises:
        ValueError: If an argument is out of range, e.g. `warmup_steps >=
            total_steps`, `end_lr > peak_lr` or `power <= 0`.
    """

    def __init__(
        self,
        peak_lr,
        total_steps,
        warmup_steps=0,
        warmup_start_lr=None,
        end_lr=0.0,
        power=1.0,
    ):
        super().__init__(peak_lr, total_steps, warmup_steps, warmup_start_lr)
        self.end_lr = _common.check_number("end_lr", end_lr, ge=0)
        _common.check_order("end_lr", self.end_lr, "<=", "peak_lr", self.peak_lr)
        self.power = _common.check_number("power", power, gt=0)

    def decay(self, progress):
        return self.end_lr + (self.peak_lr - self.end_lr) * ops.power(
            1.0 - progress, self.power
        )

    def get_config(self):
        return {**super().get_config(), "end_lr": self.end_lr, "power": self.power}
