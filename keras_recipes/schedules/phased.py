"""One schedule per training phase, each restarting at its phase's first update."""

from __future__ import annotations

import keras
from keras import ops

from keras_recipes.schedules import _common


@keras.saving.register_keras_serializable(package="keras_recipes")
class Phased(keras.optimizers.schedules.LearningRateSchedule):
    """Runs `schedules[i] * multipliers[i]` from update `starts[i]` on, counting from 0 there.

    Fine-tuning phases (freeze the backbone, then unfreeze it at a lower LR)
    each get their own warmup and decay: phase `i` evaluates its schedule at
    `step - starts[i]`, scaled by its learning-rate multiplier. For step `s`:

    ```python
    i = the last phase with starts[i] <= s
    lr = multipliers[i] * schedules[i](s - starts[i])
    ```

    Example:

    >>> from keras_recipes.schedules import Constant, Warmup
    >>> schedule = Phased([Constant(0.1), Warmup(Constant(0.1), 10)], starts=[0, 30],
    ...                   multipliers=[1.0, 0.1])
    >>> [round(float(schedule(s)), 6) for s in (0, 29, 30, 40)]
    [0.1, 0.1, 0.0001, 0.01]

    Args:
        schedules: one `LearningRateSchedule` per phase.
        starts: each phase's first optimizer update, increasing, `starts[0] == 0`.
        multipliers: each phase's LR multiplier (floats >= 0). Defaults to 1 each.

    Returns:
        A `LearningRateSchedule` returning float32; accepts a tensor of steps.
    """

    def __init__(self, schedules, starts, multipliers=None):
        super().__init__()
        self.schedules = list(schedules)
        if not self.schedules or not all(
                isinstance(s, keras.optimizers.schedules.LearningRateSchedule)
                for s in self.schedules):
            raise ValueError("Argument `schedules` must be a non-empty list of "
                             f"`LearningRateSchedule`s. Received: schedules={schedules!r}")
        self.starts = [_common.check_integer("starts", s, ge=0) for s in starts]
        multipliers = [1.0] * len(self.schedules) if multipliers is None else multipliers
        self.multipliers = [_common.check_number("multipliers", m, ge=0) for m in multipliers]
        if len(self.starts) != len(self.schedules) or len(self.multipliers) != len(
                self.schedules):
            raise ValueError("Arguments `schedules`, `starts` and `multipliers` must have the "
                             f"same length. Received: {len(self.schedules)}, "
                             f"{len(self.starts)}, {len(self.multipliers)}")
        if self.starts[0] != 0 or any(b <= a for a, b in zip(self.starts, self.starts[1:])):
            raise ValueError("Argument `starts` must begin at 0 and increase. "
                             f"Received: starts={self.starts}")

    def phase_at(self, step: int) -> int:
        """The phase index of optimizer update `step` (a Python int)."""
        return max(i for i, start in enumerate(self.starts) if start <= step)

    def __call__(self, step):
        s = _common.as_step(step)
        lr = None
        for schedule, start, multiplier in zip(self.schedules, self.starts, self.multipliers):
            value = multiplier * ops.cast(schedule(ops.maximum(s - float(start), 0.0)), "float32")
            lr = value if lr is None else ops.where(s >= float(start), value, lr)
        return lr

    def get_config(self):
        return {"schedules": [keras.saving.serialize_keras_object(s) for s in self.schedules],
                "starts": list(self.starts), "multipliers": list(self.multipliers)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["schedules"] = [keras.saving.deserialize_keras_object(s)
                               for s in config["schedules"]]
        return cls(**config)
