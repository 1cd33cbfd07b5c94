"""Runs optional monitoring work only while it stays a small fraction of training time."""

from __future__ import annotations

import contextlib
import time
from typing import Callable, Optional


class OverheadBudget:
    """A time budget: optional work may use `fraction` of the training time measured so far.

    The first epoch (tracing, compilation) is not counted as training time,
    and the first run of each kind of work (which traces too) is free and
    sets no estimate; the second run is charged and sets it. After that a
    kind of work is allowed when `spent + its last cost <= fraction *
    trained`. A kind given a prior cost (work that is costly but does not
    trace, such as drawing a figure) has no free run: the prior stands in
    for the estimate until it is measured. With `fraction=None` everything is
    allowed.

    Example:

    >>> budget = OverheadBudget(0.02)
    >>> budget.start_epoch(); budget.end_epoch()      # first epoch: not counted
    >>> budget.allows("scalars")                      # no estimate yet: the warm-up run
    True

    Args:
        fraction: share of training time allowed, e.g. `0.02`; `None`: no limit.
        priors: `{kind: seconds}` assumed costs of kinds charged from their first run.
        clock: seconds as a float. Defaults to `time.perf_counter`.
    """

    def __init__(self, fraction: Optional[float], priors: Optional[dict] = None,
                 clock: Callable[[], float] = time.perf_counter):
        self.fraction = fraction
        self.clock = clock
        self.trained = 0.0
        self.spent = 0.0
        self._cost: dict[str, float] = dict(priors or {})
        self._warmed: set[str] = set(priors or ())
        self._epochs = 0
        self._started: Optional[float] = None

    def start_epoch(self) -> None:
        self._started = self.clock()

    def end_epoch(self) -> None:
        """Adds the epoch's time (call before doing this epoch's optional work)."""
        if self._started is not None and self._epochs > 0:
            self.trained += self.clock() - self._started
        self._epochs += 1
        self._started = None

    def allows(self, kind: str) -> bool:
        if self.fraction is None or kind not in self._cost:
            return True
        return self.spent + self._cost[kind] <= self.fraction * self.trained

    @contextlib.contextmanager
    def measure(self, kind: str):
        """Times the work inside and charges it (the first run of a kind is free)."""
        started = self.clock()
        yield
        cost = self.clock() - started
        if kind not in self._warmed:
            self._warmed.add(kind)
            return
        self.spent += cost
        self._cost[kind] = cost
