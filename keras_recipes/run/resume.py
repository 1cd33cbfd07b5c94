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


def resumable(run_dir: Path) -> bool:
    """True when `run_dir` holds a saved state of a run that did not complete."""
    run_dir = Path(run_dir)
    return (run_dir / STATE_FILE).is_file() and run_status(run_dir) != "completed"


def check_resumable(run_dir: Path, key: str = "--resume") -> Path:
    """The state file of `run_dir`, or a UsageError saying why it cannot be resumed."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise UsageError(f"{key}: {str(run_dir)!r} does not exist -> a run directory")
    if run_status(run_dir) == "completed":
        raise UsageError(f"{key}: {str(run_dir)!r} holds a completed run -> an interrupted "
                         "run (a completed run is never trained again in place)")
    if not (run_dir / STATE_FILE).is_file():
        raise UsageError(f"{key}: {str(run_dir)!r} has no {STATE_FILE} -> a run directory "
                         "written by `train` that saved at least one state")
    return run_dir / STATE_FILE


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

    path = Path(run_dir) / "recipe.yaml"
    saved = parse_yaml(path.read_text(), str(path)) or {}
    changes = recipe_changes(saved, resolved)
    if changes and not force:
        raise UsageError(
            f"--resume: the recipe differs from the one {str(run_dir)!r} started with -> the "
            "same recipe, or --force to continue anyway:\n  " + "\n  ".join(changes))
