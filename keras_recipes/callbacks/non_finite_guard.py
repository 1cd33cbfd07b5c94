"""`NonFiniteGuard`: stop at the first non-finite, spiking or unbounded loss and say where."""

from __future__ import annotations

import dataclasses
import math
from typing import Optional

import keras
import numpy as np

from keras_recipes.callbacks.stateful import (StatefulCallback, count, finite_floats,
                                               optional_metric)


@dataclasses.dataclass(frozen=True)
class Fault:
    """What went wrong and where: `kind` is `non_finite`, `spike` or `bound`.

    `first_batch`/`last_batch` (0-based, within `epoch`) are the batches of the
    logged window that went bad: one batch, or one compiled call of
    `steps_per_execution` batches, in which Keras cannot tell which one did;
    None when the fault is not a training batch's (validation, weights).
    """

    kind: str
    message: str
    epoch: int = 0
    first_batch: Optional[int] = None
    last_batch: Optional[int] = None

    def __str__(self) -> str:
        return self.message


class NonFiniteGuard(StatefulCallback):
    """Stops training when the loss becomes NaN/Inf, spikes or passes a bound, and says where.

    Keras logs the running mean of the loss over the epoch; the guard recovers
    the loss of each logged window (one step, or one `steps_per_execution`
    call) from consecutive means, so a spike is not diluted by the epoch.
    A diverging run does not always reach NaN (Adam at a huge learning rate
    keeps a finite, useless loss of 1e8): `loss_upper_bound` (Model Garden's
    recovery bound), `divergence_factor` (a bound relative to the loss before
    training, `reference_loss`, which the caller measures) and
    `spike_threshold` make that a fault too. After training,
    `fault` describes the first problem (None when there was none) for the
    caller to report, stop on, or roll back from.

    Example:
        >>> guard = NonFiniteGuard(spike_threshold=10.0, loss_upper_bound=1e4)
        >>> model.fit(ds, epochs=5, callbacks=[guard])
        >>> str(guard.fault)
        'non-finite loss (nan) at step 37 (epoch 2, batch 5)'

    Args:
        spike_threshold: also stop when a window's loss exceeds this many times
            the median of the last `window` losses (None: off).
        window: losses kept for the median.
        loss_upper_bound: also stop when a window's loss exceeds this value
            (None: off).
        divergence_factor: also stop when a window's loss exceeds this many
            times `reference_loss` (set it before training, e.g. the loss of
            the first batch; None: off).
    """

    state_key = "non_finite_guard"
    state_fields = {"rollbacks": count, "recent_losses": finite_floats(10_000),
                    "reference_loss": optional_metric}

    def __init__(self, spike_threshold: Optional[float] = None, window: int = 50,
                 loss_upper_bound: Optional[float] = None,
                 divergence_factor: Optional[float] = None):
        super().__init__()
        for name, value in (("spike_threshold", spike_threshold),
                            ("loss_upper_bound", loss_upper_bound),
                            ("divergence_factor", divergence_factor)):
            if value is not None and not (math.isfinite(value) and value > 0):
                raise ValueError(f"Argument `{name}` must be a positive finite number or None. "
                                 f"Received: {name}={value!r}")
        if window < 1:
            raise ValueError(f"Argument `window` must be >= 1. Received: window={window!r}")
        self.spike_threshold = spike_threshold
        self.loss_upper_bound = loss_upper_bound
        self.divergence_factor = divergence_factor
        self.reference_loss: Optional[float] = None
        self.window = window
        self.fault: Optional[Fault] = None
        self.rollbacks = 0
        self.recent_losses: list[float] = []
        self.batch_offset = 0
        """Batches of the current epoch done before this `fit` call (a resumed segment)."""
        self._epoch = 0
        self._seen: tuple[int, Optional[float]] = (0, 0.0)  # batches and loss sum so far

    def on_train_begin(self, logs=None):
        self.fault = None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        # After a mid-epoch resume the first window's mean covers earlier batches too.
        self._seen = (self.batch_offset, None if self.batch_offset else 0.0)

    def _step(self) -> int:
        return int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))

    def _where(self, first: int, last: int) -> str:
        step = self._step()
        if first == last:
            return f"at step {step} (epoch {self._epoch + 1}, batch {last + 1})"
        return (f"in steps {step - (last - first)}-{step} (epoch {self._epoch + 1}, batches "
                f"{first + 1}-{last + 1}: one compiled call, Keras cannot tell which batch; "
                "training.steps_per_execution: 1 names it)")

    def on_train_batch_end(self, batch, logs=None):
        if logs is None or "loss" not in logs:
            return
        mean = float(logs["loss"])
        done = self.batch_offset + batch + 1
        seen, total = self._seen
        first = min(seen, done - 1)
        if not math.isfinite(mean):
            self._stop(Fault("non_finite", f"non-finite loss ({mean}) {self._where(first, done - 1)}",
                             self._epoch, first, done - 1))
            return
        self._seen = (done, mean * done)
        if total is None or done <= seen:  # no window of its own to measure
            return
        loss = (mean * done - total) / (done - seen)
        where = self._where(seen, done - 1)
        bound = self._bound()
        if bound is not None and loss > bound[0]:
            self._stop(Fault("bound", f"loss {loss:.4g} above {bound[1]} {where}",
                             self._epoch, seen, done - 1))
            return
        if (self.spike_threshold and len(self.recent_losses) >= 10
                and loss > self.spike_threshold * float(np.median(self.recent_losses))):
            median = float(np.median(self.recent_losses))
            self._stop(Fault("spike", f"loss spike ({loss:.4g} > {self.spike_threshold:g} x the "
                                      f"median {median:.4g} of the last "
                                      f"{len(self.recent_losses)}) {where}",
                             self._epoch, seen, done - 1))
            return
        self.recent_losses = (self.recent_losses + [loss])[-self.window:]

    def _bound(self) -> Optional[tuple[float, str]]:
        """The tighter of the absolute and the relative bound, with its description."""
        bounds = []
        if self.loss_upper_bound is not None:
            bounds.append((self.loss_upper_bound,
                           f"training.loss_upper_bound {self.loss_upper_bound:g}"))
        if self.divergence_factor and self.reference_loss is not None and self.reference_loss > 0:
            bounds.append((self.divergence_factor * self.reference_loss,
                           f"{self.divergence_factor:g} x the loss before training "
                           f"{self.reference_loss:.4g}"))
        return min(bounds) if bounds else None

    def on_epoch_end(self, epoch, logs=None):
        self.batch_offset = 0
        for key, value in (logs or {}).items():
            if key.endswith("loss") and not math.isfinite(float(value)):
                self._stop(Fault("non_finite", f"non-finite {key} ({float(value)}) at the end "
                                               f"of epoch {epoch + 1}", epoch))
                return

    def stop(self, message: str, kind: str = "non_finite") -> None:
        """Records a fault found elsewhere (e.g. non-finite weights) and stops training."""
        self._stop(Fault(kind, message, self._epoch))

    def _stop(self, fault: Fault) -> None:
        if self.fault is None:
            self.fault = fault
        self.model.stop_training = True
