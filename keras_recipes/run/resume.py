"""Finding an interrupted run to continue, and refusing one whose recipe has changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from keras_recipes.errors import UsageError

STATE_FILE = "state.npz"  # keras_recipes.training.state.STATE_FILE (kept NumPy-free here)
# Keys that name a run or only change what it prints: a resumed run may change them.
_NOT_DECIDING = ("name", "description", "training.verbose", "lint.ignore")


def run_status(run_dir: Path) -> Optional[str]:
    """`running`, `completed`, `failed`, `interrupted`, or None without status.json."""
    try:
        return json.loads((Path(run_dir) / "status.json").read_text()).get("status")
    except (OSError, ValueError):
        return None


_UNFINISHED = ("running", "failed", "interrupted")
# What a run writes before its first state: a directory holding only these restarts.
_START_UP_FILES = {".lock", "status.json", "recipe.yaml", "summary.txt", "tensorboard"}


def _start_up_leftover(name: str) -> bool:
    """A file a run writes before its first state, or an atomic write's temporary file."""
    return name in _START_UP_FILES or (name.startswith(".") and name.endswith(".tmp"))


def mark_ended(run_dir: Path, error: str) -> bool:
    """Rewrites a status still saying `running` as `failed` with `error` (a writer that
    died without a word, e.g. SIGKILL); False if the status says anything else."""
    from keras_recipes.run.atomic import write_json_atomic

    path = Path(run_dir) / "status.json"
    try:
        status = json.loads(path.read_text())
    except (OSError, ValueError):
        return False
    if not isinstance(status, dict) or status.get("status") != "running":
        return False
    write_json_atomic(path, {**status, "status": "failed", "error": error})
    return True


def run_dir_kind(run_dir: Path) -> str:
    """What `train --run-dir` finds in `run_dir`.

    Returns:
        `new` (missing, or empty but for the lock file), `resume` (an unfinished
        run with a saved state), `restart` (a run that stopped before its first
        state: it starts again from scratch), `completed`, or `foreign` (files
        that are not an unfinished run's).
    """
    run_dir = Path(run_dir)
    if not run_dir.exists():
        return "new"
    if not run_dir.is_dir():
        return "foreign"
    names = {p.name for p in run_dir.iterdir()}
    if names <= {".lock"}:
        return "new"
    status = run_status(run_dir)
    if status == "completed":
        return "completed"
    if STATE_FILE in names:
        return "resume"
    if status in _UNFINISHED and all(_start_up_leftover(n) for n in names):
        return "restart"
    return "foreign"


def _refuse(run_dir: Path, kind: str, key: str) -> None:
    """Raises the UsageError for a directory `train` must not write into."""
    if kind == "completed":
        raise UsageError(f"{key}: {str(run_dir)!r} holds a completed run -> a new "
                         "directory (a completed run is never trained again in place)")
    if kind == "foreign":
        raise UsageError(f"{key}: {str(run_dir)!r} is not empty and holds no unfinished run "
                         "-> a new or empty directory (runs never overwrite earlier runs)")
    if kind == "new" and key == "--resume":
        raise UsageError(f"{key}: {str(run_dir)!r} has no {STATE_FILE} -> a run directory "
                         "written by `train` that saved at least one state")


def claim_run_dir(run_dir: Path, key: str = "--run-dir", expected: Optional[str] = None
                  ) -> str:
    """Creates (for `--run-dir`) and locks `run_dir`, then says what to do there.

    A directory `train` must not write into is refused before anything is
    written to it; otherwise the lock is taken and the directory looked at
    again under it, so two commands started together never both train there
    (see `run/lock.py`). The caller releases the lock (`lock.release`).

    Args:
        run_dir: the `--run-dir` or `--resume` directory.
        key: the option, for messages.
        expected: the kind the caller decided on before locking (None: any).

    Returns:
        `new`, `resume` or `restart` (see `run_dir_kind`).

    Raises:
        UsageError: a completed run or unrelated files, another process holds the
            directory, `--resume` finds no run there, or it changed meanwhile.
    """
    from keras_recipes.run.lock import acquire, release

    run_dir = Path(run_dir)
    if key == "--resume" and not run_dir.is_dir():
        raise UsageError(f"{key}: {str(run_dir)!r} does not exist -> a run directory")
    _refuse(run_dir, run_dir_kind(run_dir), key)
    run_dir.mkdir(parents=True, exist_ok=True)
    acquire(run_dir, key)
    try:
        kind = run_dir_kind(run_dir)
        _refuse(run_dir, kind, key)
        if expected is not None and kind != expected:
            raise UsageError(f"{key}: {str(run_dir)!r} changed while this command started "
                             f"({expected} -> {kind}: another process?) -> run it again")
    except BaseException:
        release(run_dir)
        raise
    return kind


def resumable(run_dir: Path) -> bool:
    """True when `run_dir` holds a saved state of a run that did not complete."""
    run_dir = Path(run_dir)
    return (run_dir / STATE_FILE).is_file() and run_status(run_dir) != "completed"


def recipe_changes(saved: dict, new: dict) -> list[str]:
    """Dotted keys whose values differ between two resolved recipes (`old -> new`)."""
    from keras_recipes.diagnostics.compare import flatten

    old, cur = flatten(saved), flatten(new)
    keys = sorted(k for k in set(old) | set(cur)
                  if old.get(k) != cur.get(k) and not k.startswith(_NOT_DECIDING))
    return [f"{k}: {old.get(k)!r} -> {cur.get(k)!r}" for k in keys]


def check_same_recipe(run_dir: Path, resolved: dict, force: bool) -> None:
    """Refuses to resume `run_dir` with a recipe that differs from the one it started with."""
    from keras_recipes.config.loader import parse_yaml
    from keras_recipes.config.safe_yaml import read_recipe_text

    path = Path(run_dir) / "recipe.yaml"
    saved = parse_yaml(read_recipe_text(path), str(path)) or {}
    changes = recipe_changes(saved, resolved)
    if changes and not force:
        raise UsageError(
            f"--resume: the recipe differs from the one {str(run_dir)!r} started with -> the "
            "same recipe, or --force to continue anyway:\n  " + "\n  ".join(changes))
