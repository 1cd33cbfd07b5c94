"""`BestCheckpoint`: the best model so far, saved so that a kill never leaves a torn file."""

from __future__ import annotations

import math
import os
from pathlib import Path

import keras


class BestCheckpoint(keras.callbacks.Callback):
    """Saves the whole model when `monitor` improves, atomically.

    Like `keras.callbacks.ModelCheckpoint(save_best_only=True)`, but the file is
    written beside the target and renamed over it, so a reader, or a run killed
    mid-save, always finds the previous complete checkpoint or the new one
    (Keras writes the `.keras` zip in place). A non-finite value never counts
    as an improvement.

    Example:
        >>> model.fit(ds, epochs=10, callbacks=[BestCheckpoint("run/best.keras")])

    Args:
        filepath: target `.keras` path.
        monitor: metric in the epoch logs, e.g. `val_loss`.
        mode: `min`, `max` or `auto` (max for accuracy-like names).
    """

    def __init__(self, filepath, monitor: str = "val_loss", mode: str = "auto"):
        super().__init__()
        self.filepath = Path(filepath)
        if self.filepath.suffix != ".keras":
            raise ValueError(f"filepath must end in .keras, got {str(filepath)!r}")
        self.monitor = monitor
        if mode == "auto":
            mode = "max" if any(k in monitor for k in ("acc", "auc", "precision", "recall")) else "min"
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
        self.mode = mode
        self.best = None

    def _improved(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        if self.best is None:
            return True
        return value < self.best if self.mode == "min" else value > self.best

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None:
            return
        value = float(value)
        if self._improved(value):
            self.best = value
            save_model_atomic(self.model, self.filepath)


def save_model_atomic(model, path) -> None:
    """`model.save(path)` through a temporary file in the same folder and a rename."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.partial.keras")
    try:
        model.save(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
