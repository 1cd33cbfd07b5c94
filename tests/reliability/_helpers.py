"""Shared pieces of the reliability suite: one tiny recipe, an interrupt, a finished run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import keras

from keras_recipes.config import validate_dict
from keras_recipes.config.loader import deep_merge
from tests.helpers import TINY

# 210 training examples / batch 32 = 7 updates per epoch, 3 epochs, dropout on; the state
# is saved every 4 updates and at epoch ends; one custom callback (steps_per_execution 1).
RECIPE = deep_merge(TINY, {
    "deterministic": True,
    "model": {"type": "mlp", "hidden": [16], "dropout": 0.3},
    "callbacks": {"tensorboard": False, "early_stopping": False,
                  "checkpoint": {"save_every_steps": 4, "write_interval_s": 0},
                  "custom": [{"python": "tests.reliability._helpers:interrupt_at_step"}]}})
UPDATES_PER_EPOCH = 7

INTERRUPT_AT = {"step": 0}
"""Set `step` in a test: the run raises KeyboardInterrupt (like Ctrl-C) after that update."""


class InterruptAtStep(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        at = INTERRUPT_AT["step"]
        if at and int(keras.ops.convert_to_numpy(self.model.optimizer.iterations)) >= at:
            INTERRUPT_AT["step"] = 0
            raise KeyboardInterrupt(f"test interrupt at step {at}")


def interrupt_at_step():
    return InterruptAtStep()


def recipe(**overrides):
    return validate_dict(deep_merge(RECIPE, overrides))


def quiet(_line: str) -> None:
    pass


def status(run_dir: Path) -> str:
    return json.loads((Path(run_dir) / "status.json").read_text())["status"]


def copy_run(source: Path, target: Path) -> Path:
    """A copy of a run directory without its lock file."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".lock"))
    return target


def as_killed_in_final_phase(run_dir: Path) -> None:
    """What a SIGKILL after the last state write and before `completed` leaves."""
    (run_dir / "status.json").write_text('{"status": "running"}')
    for name in ("model.keras", "metrics.json", "curves.png", "report.md", "best.keras"):
        (run_dir / name).unlink(missing_ok=True)


class KillAtTrainEnd(keras.callbacks.Callback):
    """SIGKILLs its process at the end of training when $KILL_AT_TRAIN_END is set: after the
    last state is written (write_interval_s 0) and before the report and model.keras."""

    def on_train_end(self, logs=None):
        import os
        import signal

        if os.environ.get("KILL_AT_TRAIN_END"):
            os.kill(os.getpid(), signal.SIGKILL)


def kill_at_train_end():
    return KillAtTrainEnd()
