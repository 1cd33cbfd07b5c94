"""Step decay: multiply the learning rate by `factor` every `step_size` steps."""

from __future__ import annotations

import keras
from keras import ops

from keras_recipes.schedules import _common


@keras.saving.register_keras_serializable(package="keras_recipes")
class StepDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Multiplies the learning rate by `factor` every `step_size` steps.

    For step `s` (cast to float32; negative steps count as 0):

    ```python
    lr = max(min_lr, initial_lr * factor ** floor(s / step_size))
    ```

    Example:

    >>> schedule = StepDecay(initial_lr=0.1, step_size=30, factor=0.1, min_lr=1e-4)
    >>> [round(float(schedule(s)), 6) for s in (0, 29, 30, 60, 90, 1000)]
    [0.1, 0.1, 0.01, 0.001, 0.0001, 0.0001]
    >>> optimizer = keras.optimizers.SGD(learning_rate=schedule, momentum=0.9)

    Args:
        initial_lr: The learning rate of the first `step_size` steps, a
            float > 0.
        step_size: The number of steps between two decays, an int > 0.
        factor: The multiplier applied at each decay, a float in `(0, 1]`.
            Defaults to `0.1`.
        min_lr: The floor of the learning rate, a float in `[0, initial_lr]`.
            Defaults to `0.0`.

    Returns:
        A `LearningRateSchedule`: called with a step (int or float tensor, or
        Python number), it returns the float32 learning rate (elementwise for
        a tensor of steps).

    Raises:
        ValueError: If an argument is out of range, e.g. `step_size <= 0`,
            `factor` outside `(0, 1]` or `min_lr > initial_lr`.
    """

    def __init__(self, initial_lr, step_size, factor=0.1, min_lr=0.0):
        super().__init__()
        self.initial_lr = _common.check_number("initial_lr", initial_lr, gt=0)
        self.step_size = _common.check_integer("step_size", step_size, gt=0)
        self.factor = _common.check_number("factor", factor, gt=0, le=1)
        self.min_lr = _common.check_number("min_lr", min_lr, ge=0)
        _common.check_order("min_lr", self.min_lr, "<=", "initial_lr", self.initial_lr)

    def __call__(self, step):
        s = _common.as_step(step)
        decays = ops.floor(s / float(self.step_size))
        factor = ops.convert_to_tensor(self.factor, dtype="float32")
        return ops.maximum(self.min_lr, self.initial_lr * ops.power(factor, decays))

    def get_config(self):
        return {
            "initial_lr": self.initial_lr,
            "step_size": self.step_size,
            "factor": self.factor,
            "min_lr": self.min_lr,
        }
