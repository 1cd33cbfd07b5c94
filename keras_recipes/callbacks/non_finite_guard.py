"""`NonFiniteGuard`: stop at the first non-finite (or spiking) loss and say where."""

from __future__ import annotations

import math
from typing import Optional

import keras
import numpy as np


class NonFiniteGuard(keras.callbacks.Callback):
    """Stops training when the loss becomes NaN/Inf, or spikes, and records the step.

    Keras logs the running mean of the loss over the epoch; the guard recovers
    the loss of each logged window (one step, or one `steps_per_execution`
    call) from consecutive means, so a spike is not diluted by the epoch.
    After training, `fault` describes the first problem (None when there was
    none) for the caller to report, stop on, or roll back from.

    Example:
        >>> guard = NonFiniteGuard(spike_threshold=10.0)
        >>> model.fit(ds, epochs=5, callbacks=[guard])
        >>> guard.fault
        'non-finite loss (nan) at step 37 (epoch 2, batch 5)'

    Args:
        spike_threshold: also stop when a window's loss exceeds this many times
            the median of the last `window` losses (None: only non-finite).
        window: losses kept for the median.
    """

    def __init__(self, spike_threshold: Optional[float] = None, window: int = 50):
        super().__init__()
        self.spike_threshold = spike_threshold
        self.window = window
        self.fault: Optional[str] = None
        self.fault_step: Optional[int] = None
        self.rollbacks = 0
        self._losses: list[float] = []
        self._epoch = 0
        self._seen = (0, 0.0)  # batches and loss sum of the epoch so far

    def on_train_begin(self, logs=None):
        self.fault = None
        self.fault_step = None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._seen = (0, 0.0)

    def _step(self) -> int:
        return int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))

    def on_train_batch_end(self, batch, logs=None):
        if logs is None or "loss" not in logs:
            return
        mean = float(logs["loss"])
        count = batch + 1
        where = f"at step {self._step()} (epoch {self._epoch + 1}, batch {count})"
        if not math.isfinite(mean):
            self._stop(f"non-finite loss ({mean}) {where}")
            return
        seen, total = self._seen
        self._seen = (count, mean * count)
        if count <= seen:  # a new fit segment inside the epoch
            return
        loss = (mean * count - total) / (count - seen)
        if (self.spike_threshold and len(self._losses) >= 10
                and loss > self.spike_threshold * float(np.median(self._losses))):
            self._stop(f"loss spike ({loss:.4g} > {self.spike_threshold:g} x the median "
                       f"{float(np.median(self._losses)):.4g} of the last {len(self._losses)}) "
                       f"{where}")
            return
        self._losses = (self._losses + [loss])[-self.window:]

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            if key.endswith("loss") and not math.isfinite(float(value)):
                self._stop(f"non-finite {key} ({float(value)}) at the end of epoch {epoch + 1}")
                return

    def _stop(self, message: str) -> None:
        if self.fault is None:
            self.fault = message
            self.fault_step = self._step()
        self.model.stop_training = True
