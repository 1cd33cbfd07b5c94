"""A constant learning rate, as a (serializable) schedule."""

from __future__ import annotations

import keras
from keras import ops

from keras_recipes.schedules import _common


@keras.saving.register_keras_serializable(package="keras_recipes")
class Constant(keras.optimizers.schedules.LearningRateSchedule):
    """A constant learning rate.

    For step `s`:

    ```python
    lr = learning_rate
    ```

    Useful where a schedule object is required (a recipe's `schedule:`
    section, or the inner schedule of `Warmup`).

    Example:

    >>> schedule = Constant(learning_rate=0.01)
    >>> [round(float(schedule(s)), 6) for s in (0, 1000)]
    [0.01, 0.01]
    >>> optimizer = keras.optimizers.Adam(learning_rate=schedule)

    Args:
        learning_rate: The learning rate, a float >= 0.

    Returns:
        A `LearningRateSchedule`: called with a step (int or float tensor, or
        Python number), it returns the float32 learning rate (with the shape
        of the step, for a tensor of steps).

    Raises:
        ValueError: If `learning_rate` is negative or not a finite number.
    """

    def __init__(self, learning_rate):
        super().__init__()
        self.learning_rate = _common.check_number("learning_rate", learning_rate, ge=0)

    def __call__(self, step):
        s = ops.cast(step, "float32")
        return ops.full_like(s, self.learning_rate)

    def get_config(self):
        return {"learning_rate": self.learning_rate}
