"""The run directory of a search: new, resumed (the default) or started over.

A search directory holds `tune_recipe.yaml` (the resolved recipe it searches),
so a rerun can tell a search it may resume from anything else. Resuming needs
the same recipe; only `tune.max_trials` may change (to extend a search).

Example:

>>> path, note = open_search_dir(None, "runs", recipe, overwrite=False)
>>> note
'new search in runs/digits_tune/tune'
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from keras_recipes.errors import UsageError
from keras_recipes.run import write_text_atomic

MARKER = "tune_recipe.yaml"


def _flat(data, prefix: str = "") -> dict:
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            out.update(_flat(value, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: data}


def _comparable(recipe) -> dict:
    flat = _flat(recipe.model_dump(mode="json"))
    flat.pop("tune.max_trials", None)
    return flat


def open_search_dir(run_dir: str | None, output: str, recipe,
                    overwrite: bool) -> tuple[Path, str]:
    """Returns the directory and a line saying whether the search is new, resumed or
    started over.

    Raises:
        UsageError: the directory holds something else, or a different recipe.
    """
    from keras_recipes.config.loader import validate_dict

    path = _search_path(run_dir, output, recipe)
    marker = path / MARKER
    started_over = False
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        if not marker.exists():
            raise UsageError(f"--run-dir: {str(path)!r} holds something other than a search "
                             "-> a new or empty directory, or a search to resume")
        if overwrite:
            shutil.rmtree(path)
            started_over = True
        else:
            before = _comparable(validate_dict(yaml.safe_load(marker.read_text()), str(marker)))
            now = _comparable(recipe)
            changed = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
            if changed:
                raise UsageError(f"tune: the recipe changed since the search in {path} started "
                                 f"({', '.join(changed[:8])}) -> the same recipe to resume, or "
                                 "--overwrite to start over")
            done = len(list(path.glob("tuner/trial_*/trial.json")))
            return path, (f"resuming the search in {path}: {done} trial(s) recorded "
                          "(--overwrite starts over)")
    path.mkdir(parents=True, exist_ok=True)
    _mark(path, recipe)
    return path, f"{'starting over' if started_over else 'new search'} in {path}"


def join_search_dir(run_dir: str | None, output: str, recipe, chief: bool) -> Path:
    """The directory a process of a distributed search shares (the chief marks it)."""
    path = _search_path(run_dir, output, recipe)
    path.mkdir(parents=True, exist_ok=True)
    if chief and not (path / MARKER).exists():
        _mark(path, recipe)
    return path


def _search_path(run_dir: str | None, output: str, recipe) -> Path:
    return Path(run_dir) if run_dir else Path(output) / recipe.name / "tune"


def _mark(path: Path, recipe) -> None:
    write_text_atomic(path / MARKER, yaml.safe_dump(recipe.model_dump(mode="json"),
                                                    sort_keys=False))
