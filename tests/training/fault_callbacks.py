"""Callbacks that break a run on purpose (resume and NaN tests), used via callbacks.custom."""

import os
import shutil
import signal
from pathlib import Path

import keras
import numpy as np


def _step(model) -> int:
    return int(keras.ops.convert_to_numpy(model.optimizer.iterations))


class KillAtStep(keras.callbacks.Callback):
    """SIGKILLs its own process once the optimizer has made $KILL_AT_STEP updates."""

    def __init__(self):
        super().__init__()
        self.at = int(os.environ.get("KILL_AT_STEP", "0"))

    def on_train_batch_end(self, batch, logs=None):
        if self.at and _step(self.model) >= self.at:
            os.kill(os.getpid(), signal.SIGKILL)


class PoisonAtStep(keras.callbacks.Callback):
    """Sets the first kernel to NaN after update `step` (once, or every `times` times).

    Before poisoning it copies `best.keras` of `run_dir` to `best.before.keras`,
    so a test can check the best checkpoint is unchanged afterwards.
    """

    def __init__(self, step: int, run_dir: str = "", times: int = 1):
        super().__init__()
        self.step, self.run_dir, self.left = step, run_dir, times

    def on_train_batch_end(self, batch, logs=None):
        if self.left and _step(self.model) >= self.step:
            self.left -= 1
            best = Path(self.run_dir) / "best.keras"
            if best.exists():
                shutil.copyfile(best, best.with_name("best.before.keras"))
            kernel = self.model.trainable_variables[0]
            kernel.assign(np.full(kernel.shape, np.nan, np.float32))


class PoisonThenFlatten(PoisonAtStep):
    """Poisons once after update `step`; after the rollback that follows, zeroes every
    weight: the run recovers but can no longer learn more than a constant."""

    def on_train_begin(self, logs=None):
        if not self.left:  # a fit after the poisoned one: the rollback's
            for variable in self.model.trainable_variables:
                variable.assign(np.zeros(variable.shape, variable.dtype))


def kill_at_step():
    return KillAtStep()


def poison_at_step(step: int, run_dir: str = "", times: int = 1):
    return PoisonAtStep(step, run_dir, times)


def poison_then_flatten(step: int):
    return PoisonThenFlatten(step)
