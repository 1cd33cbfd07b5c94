"""The resume state of a run: everything that decides its result, in one atomic file.

`state.npz` in the run directory holds the model's variables (weights and the
dropout/augmentation seed-generator states), the optimizer's variables
(iteration count, moments, loss scale), the learning-rate factor shared by
plateau reduction and NaN rollback, the best checkpoint's weights, the metric
accumulators of a started epoch, and a JSON entry (`__meta__`) with a
versioned schema:

    {"format": "keras_recipes.state", "version": 2,
     "position": {"epoch": 3, "step": 40},   # next batch to train
     "finished": false,                      # training is over (epochs done or stopped)
     "groups": {"model": 12, "optimizer": 25, ...},  # arrays per group
     "callbacks": {"best_checkpoint": {"version": 1, "best": 0.23, ...}, ...}}

The state is data, not instructions: each stateful callback restores its own
declared fields (`get_state()`/`set_state()`, see `callbacks/stateful.py`),
nothing read from the file names an attribute or a path, and every problem
(a damaged file, another model's state, a position outside the run) is a
`StateError` that says what is wrong and what to do.

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
import zipfile
from pathlib import Path
from typing import Optional

import numpy as np

from keras_recipes.callbacks.stateful import state_key_of
from keras_recipes.errors import StateError
from keras_recipes.run.atomic import atomic_file

STATE_FILE = "state.npz"
FORMAT = "keras_recipes.state"
VERSION = 2
_META = "__meta__"
_GROUPS = ("model", "optimizer", "lr_factor", "best", "metrics")
_MAX_META_BYTES = 1 << 20
_NEW_RUN = "train the recipe into a new run directory"


@dataclasses.dataclass
class TrainingState:
    """Variable values by group plus the validated metadata; `source` names the file."""

    arrays: dict[str, list[np.ndarray]]
    meta: dict
    source: str = "the saved state"

    @property
    def epoch(self) -> int:
        return int(self.meta["position"]["epoch"])

    @property
    def step(self) -> int:
        return int(self.meta["position"]["step"])

    @property
    def finished(self) -> bool:
        """True when training had ended (all epochs, or stopped early) at this state."""
        return bool(self.meta.get("finished", False))


def _groups(model, lr_factor) -> dict[str, list]:
    if not model.optimizer.built:  # before the first fit: its slots exist from the start
        with model.distribute_strategy.scope():
            model.optimizer.build(model.trainable_variables)
    groups = {"model": list(model.variables), "optimizer": list(model.optimizer.variables)}
    if lr_factor is not None:
        groups["lr_factor"] = [lr_factor]
    return groups


def metric_variables(model) -> list:
    """The accumulators of the model's running metrics (loss mean, compiled metrics)."""
    return [v for metric in model.metrics for v in metric.variables]


def _stateful(callbacks) -> list[tuple[str, object]]:
    """`(key, callback)` for callbacks that follow the state protocol; repeated keys get #2..."""
    found, seen = [], {}
    for callback in callbacks:
        if callable(getattr(callback, "get_state", None)) and callable(
                getattr(callback, "set_state", None)):
            key = state_key_of(callback)
            seen[key] = seen.get(key, 0) + 1
            found.append((key if seen[key] == 1 else f"{key}#{seen[key]}", callback))
    return found


def callback_states(callbacks) -> dict[str, dict]:
    """The decision state of the callbacks that have one (`get_state()`), by state key."""
    return {key: callback.get_state() for key, callback in _stateful(callbacks)}


def restore_callback_states(callbacks, states: dict[str, dict]) -> None:
    """Hands each stateful callback its own entry (`set_state`); a callback without an
    entry (added with `--force`) keeps its fresh state, an entry without a callback is
    ignored."""
    for key, callback in _stateful(callbacks):
        if key in states:
            callback.set_state(states[key])


def _best_checkpoint(callbacks):
    from keras_recipes.callbacks.best_checkpoint import BestCheckpoint

    return next((c for c in callbacks if isinstance(c, BestCheckpoint)), None)


def _numpy(variable) -> np.ndarray:
    return np.asarray(variable.numpy() if hasattr(variable, "numpy") else variable)


def capture(model, lr_factor, position: dict, callbacks=(), finished: bool = False
            ) -> TrainingState:
    """Reads the variables and callback states of a model in training.

    The best checkpoint's in-memory weights are part of the state, so a resumed
    run has the exact best weights whatever was written to disk before. A state
    inside an epoch (`step > 0`) also holds the metric accumulators, so the
    resumed epoch's row in history.csv averages all its batches.
    """
    arrays = {group: [_numpy(v) for v in variables]
              for group, variables in _groups(model, lr_factor).items()}
    best = _best_checkpoint(callbacks)
    if best is not None and best.best_weights is not None:
        arrays["best"] = [np.array(w) for w in best.best_weights]
    if position.get("step") and _single_replica(model):
        arrays["metrics"] = [_numpy(v) for v in metric_variables(model)]
    meta = {"format": FORMAT, "version": VERSION,
            "position": {"epoch": int(position["epoch"]), "step": int(position["step"])},
            "finished": bool(finished),
            "groups": {group: len(values) for group, values in arrays.items()},
            "callbacks": callback_states(callbacks)}
    return TrainingState(arrays, meta)


def _single_replica(model) -> bool:
    """Metric accumulators are restored on one replica only: under a strategy they are
    sum-on-read variables that cannot be assigned from the cross-replica context."""
    return model.distribute_strategy.num_replicas_in_sync == 1


def _assign_all(group: str, variables: list, values: list, source: str) -> None:
    if len(values) != len(variables):
        raise StateError(f"{source}: saved from another model ({len(values)} {group} "
                         f"variables, this model has {len(variables)}) -> resume with the "
                         f"recipe the run started with, or {_NEW_RUN}")
    for variable, value in zip(variables, values):
        if tuple(variable.shape) != tuple(value.shape):
            raise StateError(f"{source}: saved from another model ({group} variable "
                             f"{variable.path}: saved shape {tuple(value.shape)}, this model "
                             f"{tuple(variable.shape)}) -> resume with the recipe the run "
                             f"started with, or {_NEW_RUN}")
    for variable, value in zip(variables, values):
        variable.assign(value)


def restore(model, lr_factor, state: TrainingState, callbacks=()) -> None:
    """Assigns a captured state to a compiled model (the optimizer is built if needed).

    Metric accumulators are not assigned here (Keras resets them when an epoch
    begins): `restore_metrics` does that from the epoch's `on_epoch_begin`.

    Raises:
        StateError: the state was saved from a model of another structure, or a
            callback's entry does not fit its declared fields.
    """
    for group, variables in _groups(model, lr_factor).items():
        _assign_all(group, variables, state.arrays.get(group, []), state.source)
    try:
        restore_callback_states(callbacks, state.meta.get("callbacks", {}))
    except StateError as err:
        raise StateError(f"{state.source}: {err} (an edited file, or one from another "
                         f"release: {_NEW_RUN})") from None
    best = _best_checkpoint(callbacks)
    if best is not None and "best" in state.arrays:
        weights = state.arrays["best"]
        shapes = [tuple(w.shape) for w in model.get_weights()]
        if shapes != [tuple(w.shape) for w in weights]:
            raise StateError(f"{state.source}: the best weights were saved from another model "
                             f"-> resume with the recipe the run started with, or {_NEW_RUN}")
        best.restore_best(best.best, best.best_epoch, [np.array(w) for w in weights])


def restore_metrics(model, state: TrainingState) -> bool:
    """Assigns the saved metric accumulators of a started epoch; False if there are none."""
    values = state.arrays.get("metrics")
    if not values or not _single_replica(model):
        return False
    try:
        _assign_all("metrics", metric_variables(model), values, state.source)
    except (ValueError, TypeError, RuntimeError) as err:
        if isinstance(err, StateError):
            raise
        # A strategy's sum-on-read accumulators refuse a cross-replica assign: the
        # resumed epoch's row then averages the batches after the resume only.
        for metric in model.metrics:
            metric.reset_state()
        return False
    return True


def check_position(state: TrainingState, epochs: int, steps_per_epoch: int,
                   iterations: Optional[int] = None) -> None:
    """Refuses a position outside this run, or one the optimizer's step count contradicts.

    Raises:
        StateError: e.g. `epoch -3`, `step 999` of a 7-step epoch, or a position
            edited without the weights.
    """
    epoch, step = state.epoch, state.step
    inside = (0 <= epoch <= epochs and 0 <= step < steps_per_epoch
              and not (epoch == epochs and step))
    if not inside:
        raise StateError(f"{state.source}: position epoch {epoch}, step {step} is outside this "
                         f"run ({epochs} epochs of {steps_per_epoch} steps) -> the file was "
                         f"edited or belongs to another recipe; {_NEW_RUN}")
    expected = epoch * steps_per_epoch + step
    if iterations is not None and iterations != expected:
        raise StateError(f"{state.source}: position epoch {epoch}, step {step} (update "
                         f"{expected}) contradicts the optimizer's {iterations} updates -> the "
                         f"file was edited or belongs to another recipe; {_NEW_RUN}")


def save(path: Path, state: TrainingState) -> None:
    """Writes `state` to `path` atomically (temporary file, fsync, rename)."""
    path = Path(path)
    entries = {f"{group}/{i:05d}": value for group, values in state.arrays.items()
               for i, value in enumerate(values)}
    entries[_META] = np.frombuffer(json.dumps(state.meta).encode(), dtype=np.uint8)
    with atomic_file(path, "wb") as handle:
        np.savez(handle, **entries)


def load(path: Path) -> TrainingState:
    """Reads and validates a state written by `save`.

    Raises:
        StateError: the file is missing, truncated, damaged (the zip CRC catches a
            flipped bit), of another format or version, or inconsistent.
    """
    path = Path(path)
    source = str(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            if _META not in data.files:
                raise StateError(f"{source}: not a keras_recipes state (no {_META} entry) -> "
                                 f"{_NEW_RUN}")
            raw = data[_META]
            if raw.dtype != np.uint8 or raw.ndim != 1 or raw.size > _MAX_META_BYTES:
                raise StateError(f"{source}: {_META} is not a JSON document -> {_NEW_RUN}")
            meta = json.loads(bytes(raw).decode())
            arrays: dict[str, list[np.ndarray]] = {}
            for key in sorted(k for k in data.files if k != _META):
                group, _, index = key.rpartition("/")
                if group not in _GROUPS or not index.isdigit():
                    raise StateError(f"{source}: unknown entry {key!r} -> {_NEW_RUN}")
                value = data[key]
                if value.dtype.kind not in "biuf":
                    raise StateError(f"{source}: entry {key!r} holds {value.dtype} values, "
                                     f"not numbers -> {_NEW_RUN}")
                arrays.setdefault(group, []).append(value)
    except StateError:
        raise
    except FileNotFoundError:
        raise StateError(f"{source}: no such file -> a run directory that saved a state, "
                         "or train without --resume") from None
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile,
            UnicodeDecodeError) as err:  # truncated, empty, bit-flipped, not a zip
        raise StateError(f"{source}: damaged or not a state file ({type(err).__name__}: "
                         f"{_first_line(err)}) -> {_NEW_RUN} (the run's other files are "
                         "untouched)") from None
    validate_meta(meta, arrays, source)
    return TrainingState(arrays, meta, source)


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0][:200] if text else "no details"


def validate_meta(meta, arrays: dict, source: str) -> None:
    """Checks the metadata against the schema above, with one message per problem found."""
    def bad(what: str) -> StateError:
        return StateError(f"{source}: {what} -> {_NEW_RUN}")

    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise bad("not a keras_recipes state (no format tag)")
    if meta.get("version") != VERSION:
        raise bad(f"state version {meta.get('version')!r}, this keras_recipes reads version "
                  f"{VERSION} (written by another release)")
    position = meta.get("position")
    if (not isinstance(position, dict) or set(position) != {"epoch", "step"}
            or not all(_is_int(v) for v in position.values())):
        raise bad(f"position {position!r} is not {{epoch: int, step: int}}")
    if not isinstance(meta.get("finished"), bool):
        raise bad(f"finished {meta.get('finished')!r} is not true/false")
    callbacks = meta.get("callbacks")
    if not isinstance(callbacks, dict) or not all(
            isinstance(k, str) and isinstance(v, dict) for k, v in callbacks.items()):
        raise bad("callbacks is not a mapping of callback states")
    groups = meta.get("groups")
    counts = {group: len(values) for group, values in arrays.items()}
    if groups != counts:
        raise bad(f"the arrays {counts} do not match the recorded groups {groups}")
    for group in ("model", "optimizer"):
        if not counts.get(group):
            raise bad(f"no {group} variables")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
