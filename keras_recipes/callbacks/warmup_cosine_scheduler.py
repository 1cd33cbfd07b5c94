"""Linear warmup then cosine decay, applied per batch to a float learning rate."""

from __future__ import annotations

from keras_recipes.callbacks._step_scheduler import StepScheduler
from keras_recipes.schedules import WarmupCosine


class WarmupCosineScheduler(StepScheduler):
    """Sets the learning rate of every batch from `WarmupCosine`.

    For optimizers built with a float learning rate. Before each batch the
    learning rate is set to `WarmupCosine(...)(step)`, with `step` the
    optimizer's update count (so `total_steps` counts updates from the
    optimizer's first; later steps keep the final value). Batch and epoch
    logs get `learning_rate`.

    If the optimizer was built with a schedule, pass
    `keras_recipes.schedules.WarmupCosine` to it instead.

    Example:

    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    >>> scheduler = WarmupCosineScheduler(peak_lr=0.01, total_steps=8,
    ...                                   warmup_steps=2)
    >>> history = model.fit(np.ones((16, 2)), np.ones((16, 1)), batch_size=4,
    ...                     epochs=2, callbacks=[scheduler], verbose=0)
    >>> round(history.history["learning_rate"][0], 5)  # at step 3 of 8
    0.00933

    Args:
        peak_lr: The learning rate at the end of the warmup, a float > 0.
        total_steps: The number of steps (optimizer updates), warmup
            included.
        warmup_steps: Steps of linear warmup. Defaults to `0`.
        warmup_start_lr: The learning rate at step 0 of the warmup. Defaults
            to `None`, the schedule's default.
        min_lr: The learning rate at the end of the decay. Defaults to `0.0`.

    Raises:
        ValueError: If an argument is invalid (constructor), or at the start
            of training if the optimizer has a schedule instead of a float
            learning rate.
    """

    def __init__(self, peak_lr, total_steps, warmup_steps=0, warmup_start_lr=None, min_lr=0.0):
        super().__init__()
        self.schedule = WarmupCosine(
            peak_lr,
            total_steps,
            warmup_steps=warmup_steps,
            warmup_start_lr=warmup_start_lr,
            min_lr=min_lr,
        )
        self.total_steps = self.schedule.total_steps
