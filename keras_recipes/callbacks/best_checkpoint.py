"""`BestCheckpoint`: the best model so far, saved so that a kill never leaves a torn file."""

from __future__ import annotations

import math
import os
import time
from pathlib import Path
from typing import Optional

from keras_recipes.callbacks.stateful import StatefulCallback, optional_count, optional_metric
from keras_recipes.monitor import metric_direction, monitor_direction


class BestCheckpoint(StatefulCallback):
    """Keeps the weights of the best epoch by `monitor` and saves them as a `.keras` file.

    Like `keras.callbacks.ModelCheckpoint(save_best_only=True)`, with two
    differences:

    - The file is written beside the target and renamed over it, so a reader,
      or a run killed mid-save, always finds a complete checkpoint (Keras
      writes the `.keras` zip in place).
    - The best weights are kept in memory at every improvement (about 1 ms)
      and written at most every `write_interval_s` seconds and at the end of
      training: on small models a `.keras` save costs more than an epoch.

    A non-finite value never counts as an improvement.

    Example:
        >>> best = BestCheckpoint("run/best.keras", monitor="val_loss")
        >>> model.fit(ds, epochs=10, validation_data=val, callbacks=[best])
        >>> best.best, best.best_epoch
        (0.231, 7)

    Args:
        filepath: target `.keras` path.
        monitor: metric in the epoch logs, e.g. `val_loss`.
        mode: `min`, `max` or `auto` (`keras_recipes.monitor.monitor_direction`).
        write_interval_s: least seconds between two writes (0: at every improvement).
    """

    state_key = "best_checkpoint"
    state_fields = {"best": optional_metric, "best_epoch": optional_count}

    def __init__(self, filepath, monitor: str = "val_loss", mode: str = "auto",
                 write_interval_s: float = 0.0):
        super().__init__()
        self.filepath = Path(filepath)
        if self.filepath.suffix != ".keras":
            raise ValueError(f"filepath must end in .keras, got {str(filepath)!r}")
        self.monitor = monitor
        self._mode = mode
        # None: the name does not tell; the model's metric decides at the first epoch end.
        self.mode = metric_direction(monitor, mode)
        self.write_interval_s = write_interval_s
        self.best: Optional[float] = None
        self.best_epoch: Optional[int] = None
        self.best_weights: Optional[list] = None
        self._unwritten = False
        self._written_at = -math.inf

    def _improved(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        if self.best is None:
            return True
        return value < self.best if self.mode == "min" else value > self.best

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is not None and self.mode is None:
            self.mode = monitor_direction(self.monitor, self._mode, self.model, "BestCheckpoint")
        if value is None or not self._improved(float(value)):
            return
        self.best, self.best_epoch = float(value), epoch
        self.best_weights = self.model.get_weights()
        self._unwritten = True
        if time.monotonic() - self._written_at >= self.write_interval_s:
            self.write()

    def on_train_end(self, logs=None):
        self.write()

    def restore_best(self, best: Optional[float], epoch: Optional[int], weights: list) -> None:
        """Takes over a best epoch kept elsewhere (a resumed run); written at the next write."""
        self.best, self.best_epoch, self.best_weights = best, epoch, weights
        self._unwritten = True

    def write(self, model=None) -> None:
        """Writes the best weights to `filepath` now, if they are not there yet.

        Args:
            model: the model to write them with when the callback has not been
                given one by `fit` (a resumed run whose training had finished).
        """
        if not self._unwritten or self.best_weights is None:
            return
        if model is not None and self.model is None:
            self.set_model(model)
        current = self.model.get_weights()
        self.model.set_weights(self.best_weights)
        try:
            save_model_atomic(self.model, self.filepath)
        finally:
            self.model.set_weights(current)
        self._unwritten = False
        self._written_at = time.monotonic()


def save_model_atomic(model, path) -> None:
    """`model.save(path)` through a temporary file in the same folder and a rename."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.partial.keras")
    try:
        model.save(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
