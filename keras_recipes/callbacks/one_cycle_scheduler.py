"""The 1cycle policy applied per batch to an optimizer with a float learning rate."""

from __future__ import annotations

from keras_recipes.callbacks import _args
from keras_recipes.callbacks._step_scheduler import StepScheduler
from keras_recipes.schedules import OneCycle


class OneCycleScheduler(StepScheduler):
    """Sets the learning rate (and momentum) of every batch from the 1cycle policy.

    For optimizers built with a float learning rate. Before each batch the
    learning rate is set to `OneCycle(...)(step)`, with `step` the optimizer's
    update count (so `total_steps` counts updates from the optimizer's first;
    later steps keep the final value). With `cycle_momentum=True` the
    momentum is cycled inversely, `max_momentum -> base_momentum ->
    max_momentum`: SGD's (or RMSprop's) `momentum`, or the Adam family's
    `beta_1`. The optimizer's original momentum is put back at the end of
    training.

    To cycle momentum, the optimizer's Python-float hyperparameter is
    replaced, for the duration of `fit`, by a float that the traced train
    step reads from a variable (`get_config()` still reports the original
    value), and the train function is retraced.

    Batch and epoch logs get `learning_rate` (and `momentum`).

    If the optimizer was built with a schedule, pass
    `keras_recipes.schedules.OneCycle` to it instead (and use
    `OneCycleMomentum` for the momentum).

    Example:

    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9),
    ...               loss="mse")
    >>> scheduler = OneCycleScheduler(max_lr=0.1, total_steps=8)
    >>> history = model.fit(np.ones((16, 2)), np.ones((16, 1)), batch_size=4,
    ...                     epochs=2, callbacks=[scheduler], verbose=0)
    >>> round(history.history["momentum"][0], 3)  # at step 3 of 8
    0.869

    Args:
        max_lr: The peak learning rate, a float > 0.
        total_steps: The number of steps (optimizer updates) of the cycle.
        pct_start: Fraction of the cycle spent increasing the learning rate.
            Defaults to `0.3`.
        div_factor: `initial_lr = max_lr / div_factor`. Defaults to `25.0`.
        final_div_factor: `min_lr = initial_lr / final_div_factor`.
            Defaults to `1e4`.
        anneal_strategy: `"cos"` or `"linear"`. Defaults to `"cos"`.
        three_phase: Use fast.ai's three-phase variant. Defaults to `False`.
        cycle_momentum: Bool. Whether to cycle momentum. Defaults to `True`.
        base_momentum: Lowest momentum (at the peak learning rate).
            Defaults to `0.85`.
        max_momentum: Highest momentum (at the start and end). Defaults to
            `0.95`.

    Raises:
        ValueError: If an argument is invalid (constructor), or at the start
            of training if the optimizer has a schedule instead of a float
            learning rate, or (with `cycle_momentum=True`) has no momentum
            hyperparameter or was built with `momentum=0`.
    """

    def __init__(
        self,
        max_lr,
        total_steps,
        pct_start=0.3,
        div_factor=25.0,
        final_div_factor=1e4,
        anneal_strategy="cos",
        three_phase=False,
        cycle_momentum=True,
        base_momentum=0.85,
        max_momentum=0.95,
    ):
        super().__init__()
        self.schedule = OneCycle(
            max_lr,
            total_steps,
            pct_start=pct_start,
            div_factor=div_factor,
            final_div_factor=final_div_factor,
            anneal_strategy=anneal_strategy,
            three_phase=three_phase,
            base_momentum=base_momentum,
            max_momentum=max_momentum,
        )
        self.total_steps = self.schedule.total_steps
        self.cycle_momentum = _args.check_bool("cycle_momentum", cycle_momentum)
        self._momentum_fn = self.schedule.momentum if self.cycle_momentum else None
