"""The step budget: how many optimizer updates a run makes, resolved in one place."""

from __future__ import annotations

import dataclasses
import math


@dataclasses.dataclass(frozen=True)
class StepBudget:
    """Optimizer-update counts for a run.

    Attributes:
        batches_per_epoch: micro-batches the training pipeline yields per epoch.
        epochs: training epochs.
        accumulation: micro-batches per optimizer update.

    Example:

    >>> budget = StepBudget(batches_per_epoch=20, epochs=30, accumulation=1)
    >>> budget.total_updates
    600
    >>> budget.to_updates({"epochs": 1.5})
    30
    """

    batches_per_epoch: int
    epochs: int
    accumulation: int = 1

    @property
    def updates_per_epoch(self) -> int:
        return max(1, self.batches_per_epoch // self.accumulation)

    @property
    def total_updates(self) -> int:
        return self.updates_per_epoch * self.epochs

    def to_updates(self, duration) -> int:
        """Resolves `{steps: N}`, `{epochs: E}` or `{fraction: F}` into optimizer updates."""
        get = duration.get if isinstance(duration, dict) else \
            (lambda key: getattr(duration, key))
        if get("steps") is not None:
            return int(get("steps"))
        if get("epochs") is not None:
            return int(round(float(get("epochs")) * self.updates_per_epoch))
        return int(round(float(get("fraction")) * self.total_updates))

    @classmethod
    def for_examples(cls, examples: int, global_batch: int, epochs: int,
                     accumulation: int = 1) -> "StepBudget":
        return cls(math.ceil(examples / global_batch), epochs, accumulation)

    def describe(self) -> str:
        acc = f" ({self.accumulation} micro-batches each)" if self.accumulation > 1 else ""
        return (f"{self.total_updates} optimizer updates = {self.epochs} epochs x "
                f"{self.updates_per_epoch} updates{acc}")
