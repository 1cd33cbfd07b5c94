"""A linear warmup in front of any schedule."""

from __future__ import annotations

import numbers

import keras
from keras import ops

from keras_recipes.schedules import _common
from keras_recipes.schedules.constant import Constant


@keras.saving.register_keras_serializable(package="keras_recipes")
class Warmup(keras.optimizers.schedules.LearningRateSchedule):
    """Puts a linear warmup in front of any schedule (or a constant rate).

    The inner `schedule` starts AFTER the warmup: it is evaluated at
    `s - warmup_steps`, so the whole run lasts `warmup_steps` plus the inner
    schedule's own length (size the inner schedule's steps without the
    warmup). The warmup ramps linearly from `start_factor * schedule(0)` to
    `schedule(0)`, so the curve is continuous. For step `s` (cast to float32;
    negative steps count as 0):

    ```python
    if s < warmup_steps:
        lr = schedule(0) * (start_factor + (1 - start_factor) * s / warmup_steps)
    else:
        lr = schedule(s - warmup_steps)
    ```

    A float `schedule` is a constant learning rate.

    Example:

    >>> decay = keras.optimizers.schedules.ExponentialDecay(
    ...     initial_learning_rate=0.1, decay_steps=100, decay_rate=0.5)
    >>> schedule = Warmup(decay, warmup_steps=10, start_factor=0.1)
    >>> [round(float(schedule(s)), 6) for s in (0, 5, 10, 110)]
    [0.01, 0.055, 0.1, 0.05]
    >>> round(float(Warmup(0.1, warmup_steps=10)(5)), 6)
    0.0505
    >>> optimizer = keras.optimizers.SGD(learning_rate=schedule)

    Args:
        schedule: The schedule to warm up into: a
            `keras.optimizers.schedules.LearningRateSchedule` (this package's
            or Keras' own) or a float >= 0 (a constant learning rate).
        warmup_steps: The number of warmup steps, an int >= 0 (`0` leaves
            `schedule` unchanged).
        start_factor: The learning rate at step 0, as a fraction of
            `schedule(0)`, a float in `[0, 1]`. Defaults to `0.01`.

    Returns:
        A `LearningRateSchedule`: called with a step (int or float tensor, or
        Python number), it returns the float32 learning rate. It accepts a
        tensor of steps where `schedule` does.

    Raises:
        ValueError: If `schedule` is neither a `LearningRateSchedule` nor a
            number, or another argument is out of range.
    """

    def __init__(self, schedule, warmup_steps, start_factor=0.01):
        super().__init__()
        if isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
            self.schedule = schedule
            self._inner = schedule
        elif isinstance(schedule, numbers.Real) and not isinstance(schedule, bool):
            self.schedule = _common.check_number("schedule", schedule, ge=0)
            self._inner = Constant(self.schedule)
        else:
            raise ValueError(
                "Argument `schedule` must be a "
                "`keras.optimizers.schedules.LearningRateSchedule` or a float. "
                f"Received: schedule={schedule!r}"
            )
        self.warmup_steps = _common.check_integer("warmup_steps", warmup_steps, ge=0)
        self.start_factor = _common.check_number(
            "start_factor", start_factor, ge=0, le=1
        )

    def __call__(self, step):
        s = _common.as_step(step)
        warmup_steps = float(self.warmup_steps)
        after = ops.cast(self._inner(ops.maximum(s - warmup_steps, 0.0)), "float32")
        target = ops.cast(self._inner(ops.zeros((), dtype="float32")), "float32")
        ramp = _common.linear_warmup(s, target * self.start_factor, target, self.warmup_steps)
        return ops.where(s < warmup_steps, ramp, after)

    def get_config(self):
        if isinstance(self.schedule, keras.optimizers.schedules.LearningRateSchedule):
            schedule = keras.saving.serialize_keras_object(self.schedule)
        else:
            schedule = self.schedule
        return {
            "schedule": schedule,
            "warmup_steps": self.warmup_steps,
            "start_factor": self.start_factor,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config["schedule"], dict):
            config["schedule"] = keras.saving.deserialize_keras_object(
                config["schedule"]
            )
        return cls(**config)
