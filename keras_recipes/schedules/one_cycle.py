"""The 1cycle policy, with the values of PyTorch's `OneCycleLR`."""

from __future__ import annotations

import math

import keras
from keras import ops

from keras_recipes.schedules import _common

_ANNEAL_STRATEGIES = ("cos", "linear")


@keras.saving.register_keras_serializable(package="keras_recipes")
class OneCycle(keras.optimizers.schedules.LearningRateSchedule):
    """The 1cycle learning rate policy (Smith & Topin, 2017).

    Gives the same values as PyTorch's `torch.optim.lr_scheduler.OneCycleLR`
    at steps `0 .. total_steps - 1` (step `k` is the learning rate of the
    `k`-th update, as with `optimizer.iterations`):

    ```python
    initial_lr = max_lr / div_factor
    min_lr = initial_lr / final_div_factor
    # Phases as (end_step, start_lr, end_lr); the first starts at step 0 and
    # each next one where the previous one ends.
    if not three_phase:
        phases = [(pct_start * total_steps - 1, initial_lr, max_lr),
                  (total_steps - 1, max_lr, min_lr)]
    else:
        phases = [(pct_start * total_steps - 1, initial_lr, max_lr),
                  (2 * pct_start * total_steps - 2, max_lr, initial_lr),
                  (total_steps - 1, initial_lr, min_lr)]
    # A step belongs to the first phase with step <= end_step (else to the
    # last one); within it:
    pct = (step - phase_start) / (phase_end - phase_start)
    cos:    lr = end + (start - end) / 2 * (1 + cos(pi * pct))
    linear: lr = (end - start) * pct + start
    ```

    Steps past the end (`step >= total_steps - 1`) hold the final value,
    `min_lr` (PyTorch raises past `total_steps`, and extrapolates at exactly
    `total_steps`). As in PyTorch, a short cycle with `pct_start * total_steps
    < 1` has its first phase end before step 0, so it starts inside the
    second phase (near `max_lr`); where `pct_start * total_steps == 1` (PyTorch
    divides by zero) the first phase is the single step 0, at `max_lr`.

    `momentum(step)` gives the matching momentum curve (PyTorch's
    `cycle_momentum=True`), annealed inversely to the learning rate over the
    same phases: `max_momentum -> base_momentum -> max_momentum` (three-phase:
    `max_momentum -> base_momentum -> max_momentum -> max_momentum`). A
    callback can set the optimizer's momentum (or Adam's `beta_1`) from it.

    Example:

    >>> schedule = OneCycle(max_lr=0.1, total_steps=100, pct_start=0.3)
    >>> [round(float(schedule(s)), 6) for s in (0, 29, 99, 150)]
    [0.004, 0.1, 0.0, 0.0]
    >>> [round(float(schedule.momentum(s)), 6) for s in (0, 29, 99)]
    [0.95, 0.85, 0.95]
    >>> optimizer = keras.optimizers.SGD(learning_rate=schedule, momentum=0.9)

    Args:
        max_lr: The peak learning rate, a float > 0.
        total_steps: The total number of steps in the cycle, an int > 0.
        pct_start: The fraction of the cycle spent increasing the learning
            rate, a float in `(0, 1)`; with `three_phase=True`, also
            `2 * pct_start * total_steps - 2 < total_steps - 1` (about
            `pct_start <= 0.5`). Defaults to `0.3`.
        div_factor: `initial_lr = max_lr / div_factor`, a float > 0.
            Defaults to `25.0`.
        final_div_factor: `min_lr = initial_lr / final_div_factor`, a float
            > 0. Defaults to `1e4`.
        anneal_strategy: `"cos"` (cosine annealing) or `"linear"`.
            Defaults to `"cos"`.
        three_phase: If `True`, a third phase annihilates the learning rate
            (`initial_lr -> min_lr`) after a symmetric
            `initial_lr -> max_lr -> initial_lr` cycle, as in fast.ai.
            Defaults to `False`.
        base_momentum: The lowest momentum, reached at the peak learning
            rate, a float in `[0, max_momentum]`. Defaults to `0.85`.
        max_momentum: The highest momentum, at the start and end of the
            cycle, a float >= 0. Defaults to `0.95`.

    Returns:
        A `LearningRateSchedule`: called with a step (int or float tensor, or
        Python number), it returns the float32 learning rate (elementwise for
        a tensor of steps).

    Raises:
        ValueError: If an argument is out of range, e.g. `pct_start` outside
            `(0, 1)` (or too large for `three_phase`), or an unknown
            `anneal_strategy`.
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
        base_momentum=0.85,
        max_momentum=0.95,
    ):
        super().__init__()
        self.max_lr = _common.check_number("max_lr", max_lr, gt=0)
        self.total_steps = _common.check_integer("total_steps", total_steps, gt=0)
        self.pct_start = _common.check_number("pct_start", pct_start, gt=0, lt=1)
        self.div_factor = _common.check_number("div_factor", div_factor, gt=0)
        self.final_div_factor = _common.check_number(
            "final_div_factor", final_div_factor, gt=0
        )
        if anneal_strategy not in _ANNEAL_STRATEGIES:
            raise ValueError(
                "Argument `anneal_strategy` must be one of "
                f"{', '.join(repr(a) for a in _ANNEAL_STRATEGIES)}. "
                f"{_common.received(anneal_strategy=anneal_strategy)}"
            )
        self.anneal_strategy = anneal_strategy
        if not isinstance(three_phase, bool):
            raise ValueError(
                "Argument `three_phase` must be a bool. "
                f"{_common.received(three_phase=three_phase)}"
            )
        self.three_phase = three_phase
        self.max_momentum = _common.check_number("max_momentum", max_momentum, ge=0)
        self.base_momentum = _common.check_number("base_momentum", base_momentum, ge=0)
        _common.check_order(
            "base_momentum", self.base_momentum, "<=", "max_momentum", self.max_momentum
        )

        self.initial_lr = self.max_lr / self.div_factor
        self.min_lr = self.initial_lr / self.final_div_factor

        # Phase end steps, computed as OneCycleLR does. With `pct_start *
        # total_steps < 1` the first phase ends before step 0 and the cycle
        # starts inside the second one, as in PyTorch.
        warmup_end = float(self.pct_start * self.total_steps) - 1
        last_end = float(self.total_steps - 1)
        if self.three_phase:
            middle_end = float(2 * self.pct_start * self.total_steps) - 2
            if middle_end >= last_end:
                raise ValueError(
                    "Argument `pct_start` is too large for `three_phase=True`: the "
                    f"second phase would end at step {middle_end} (`2 * pct_start * "
                    "total_steps - 2` must be < `total_steps - 1`). "
                    f"{_common.received(pct_start=pct_start, total_steps=total_steps)}"
                )
            self._phase_ends = (warmup_end, middle_end, last_end)
            self._lr_points = (
                (self.initial_lr, self.max_lr),
                (self.max_lr, self.initial_lr),
                (self.initial_lr, self.min_lr),
            )
            self._momentum_points = (
                (self.max_momentum, self.base_momentum),
                (self.base_momentum, self.max_momentum),
                (self.max_momentum, self.max_momentum),
            )
        else:
            self._phase_ends = (warmup_end, last_end)
            self._lr_points = (
                (self.initial_lr, self.max_lr),
                (self.max_lr, self.min_lr),
            )
            self._momentum_points = (
                (self.max_momentum, self.base_momentum),
                (self.base_momentum, self.max_momentum),
            )

    def _anneal(self, start, end, pct):
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (1.0 + ops.cos(math.pi * pct))
        return (end - start) * pct + start

    def _piecewise(self, step, points):
        s = _common.as_step(step)
        values = []
        phase_start = 0.0
        for phase_end, (start, end) in zip(self._phase_ends, points):
            if phase_end == phase_start:
                # An empty phase (`pct_start * total_steps == 1`), where PyTorch
                # divides by zero: it is at its end value.
                pct = ops.ones_like(s)
            else:
                pct = ops.clip((s - phase_start) / (phase_end - phase_start), 0.0, 1.0)
            values.append(self._anneal(start, end, pct))
            phase_start = phase_end
        # The first phase with `s <= phase_end` wins; past every end, the last.
        result = values[-1]
        for phase_end, value in reversed(list(zip(self._phase_ends[:-1], values[:-1]))):
            result = ops.where(s <= phase_end, value, result)
        return result

    def __call__(self, step):
        return self._piecewise(step, self._lr_points)

    def momentum(self, step):
        """Returns the momentum of the cycle at `step`, as a float32 tensor.

        Args:
            step: The step, an int or float tensor or a Python number.

        Returns:
            The momentum, annealed `max_momentum -> base_momentum ->
            max_momentum` over the same phases (and with the same
            `anneal_strategy`) as the learning rate.
        """
        return self._piecewise(step, self._momentum_points)

    def get_config(self):
        return {
            "max_lr": self.max_lr,
            "total_steps": self.total_steps,
            "pct_start": self.pct_start,
            "div_factor": self.div_factor,
            "final_div_factor": self.final_div_factor,
            "anneal_strategy": self.anneal_strategy,
            "three_phase": self.three_phase,
            "base_momentum": self.base_momentum,
            "max_momentum": self.max_momentum,
        }
