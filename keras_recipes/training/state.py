"""The resume state of a run: everything that decides its result, in one atomic file.

`state.npz` in the run directory holds the model's variables (weights and the
dropout/augmentation seed-generator states), the optimizer's variables
(iteration count, moments, loss scale), the learning-rate factor shared by
plateau reduction and NaN rollback, and a JSON entry with the position
`(epoch, step)` and the state of the callbacks that make decisions (best
checkpoint, early stopping, plateau). Plain Keras `BackupAndRestore` saves
weights and the epoch only.

The file is written to a temporary name and renamed over the old one, so a
kill at any moment leaves the previous state or the new one.

Example:
    >>> state = capture(model, lr_factor, position={"epoch": 3, "step": 40},
    ...                 callbacks=callbacks)
    >>> save(run_dir / "state.npz", state)
    >>> restore(model, lr_factor, load(run_dir / "state.npz"), callbacks)
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Optional

import numpy as np

from keras_recipes.run.atomic import atomic_file

STATE_FILE = "state.npz"
_META = "__meta__"

# Attributes that carry a callback's decisions across epochs, by class name.
_CALLBACK_FIELDS = {
    "EarlyStopping": ("wait", "best", "best_epoch", "stopped_epoch"),
    "BestCheckpoint": ("best", "best_epoch"),
    "ReduceLROnPlateau": ("wait", "best", "cooldown_counter"),
    "NonFiniteGuard": ("rollbacks", "_losses"),
}


@dataclasses.dataclass
class TrainingState:
    """Variable values by group plus JSON-able metadata."""

    arrays: dict[str, list[np.ndarray]]
    meta: dict

    @property
    def epoch(self) -> int:
        return int(self.meta["position"]["epoch"])

    @property
    def step(self) -> int:
        return int(self.meta["position"]["step"])


def _groups(model, lr_factor) -> dict[str, list]:
    if not model.optimizer.built:  # before the first fit: its slots exist from the start
        with model.distribute_strategy.scope():
            model.optimizer.build(model.trainable_variables)
    groups = {"model": list(model.variables), "optimizer": list(model.optimizer.variables)}
    if lr_factor is not None:
        groups["lr_factor"] = [lr_factor]
    return groups


def _plain(value):
    """A JSON-able copy of a callback attribute (NumPy scalars and arrays included)."""
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def callback_states(callbacks) -> dict[str, dict]:
    """The decision state of the callbacks that have one, keyed by class name."""
    states = {}
    for callback in callbacks:
        fields = _CALLBACK_FIELDS.get(type(callback).__name__)
        if fields:
            states[type(callback).__name__] = {
                name: _plain(getattr(callback, name, None)) for name in fields}
    return states


def restore_callback_states(callbacks, states: dict[str, dict]) -> None:
    for callback in callbacks:
        for name, value in states.get(type(callback).__name__, {}).items():
            setattr(callback, name, value)


def _best_checkpoint(callbacks):
    return next((c for c in callbacks if type(c).__name__ == "BestCheckpoint"), None)


def capture(model, lr_factor, position: dict, callbacks=(), extra: Optional[dict] = None
            ) -> TrainingState:
    """Reads the variables and callback states of a model in training.

    The best checkpoint's in-memory weights are part of the state, so a resumed
    run has the exact best weights even if `best.keras` was written earlier.
    """
    arrays = {group: [np.asarray(v.numpy() if hasattr(v, "numpy") else v) for v in variables]
              for group, variables in _groups(model, lr_factor).items()}
    best = _best_checkpoint(callbacks)
    if best is not None and best.best_weights is not None:
        arrays["best"] = [np.array(w) for w in best.best_weights]
    meta = {"position": dict(position), "callbacks": callback_states(callbacks),
            **(extra or {})}
    return TrainingState(arrays, meta)


def restore(model, lr_factor, state: TrainingState, callbacks=()) -> None:
    """Assigns a captured state to a compiled model (the optimizer is built if needed).

    Raises:
        ValueError: the state was saved from a model of another structure.
    """
    for group, variables in _groups(model, lr_factor).items():
        values = state.arrays.get(group, [])
        if len(values) != len(variables):
            raise ValueError(f"the saved state has {len(values)} {group} variables, the model "
                             f"{len(variables)}")
        for variable, value in zip(variables, values):
            if tuple(variable.shape) != tuple(value.shape):
                raise ValueError(f"{group} variable {variable.path}: saved shape "
                                 f"{value.shape}, model {tuple(variable.shape)}")
            variable.assign(value)
    restore_callback_states(callbacks, state.meta.get("callbacks", {}))
    best = _best_checkpoint(callbacks)
    if best is not None and "best" in state.arrays:  # best.keras may be older than the state
        best.restore_best(best.best, best.best_epoch, [np.array(w) for w in state.arrays["best"]])


def save(path: Path, state: TrainingState) -> None:
    """Writes `state` to `path` atomically (temporary file, fsync, rename)."""
    path = Path(path)
    entries = {f"{group}/{i:05d}": value for group, values in state.arrays.items()
               for i, value in enumerate(values)}
    entries[_META] = np.frombuffer(json.dumps(state.meta).encode(), dtype=np.uint8)
    with atomic_file(path, "wb") as handle:
        np.savez(handle, **entries)


def load(path: Path) -> TrainingState:
    """Reads a state written by `save`."""
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(bytes(data[_META]).decode())
        arrays: dict[str, list[np.ndarray]] = {}
        for key in sorted(k for k in data.files if k != _META):
            group = key.rsplit("/", 1)[0]
            arrays.setdefault(group, []).append(data[key])
    return TrainingState(arrays, meta)
