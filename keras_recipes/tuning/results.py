"""A search's results in the run directory: `trials.csv` and `best_recipe.yaml`.

Example:

>>> rows = write_trials_csv(run_dir / "trials.csv", oracle, specs)
>>> write_best_recipe(run_dir / "best_recipe.yaml", base, oracle, specs)
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from keras_recipes.run import write_text_atomic
from keras_recipes.run.run_dir import write_resolved_recipe
from keras_recipes.tuning.progress import failure_message
from keras_recipes.tuning.trial_recipe import EPOCHS, trial_recipe, trial_values

SECONDS = "seconds"  # the per-execution wall time each trial reports with its metrics


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def _metric(trial, name: str):
    if trial.metrics.exists(name):
        return trial.metrics.get_last_value(name)
    return None


def write_trials_csv(path: Path, oracle, specs: dict) -> int:
    """One row per trial (in trial order): every tuned path, objective, status, seconds,
    and `message` for failed trials. Returns the number of rows."""
    objective = oracle.objective.name
    trials = [oracle.trials[key] for key in sorted(oracle.trials)]
    hyperband = any(EPOCHS in t.hyperparameters.values for t in trials)
    header = ["trial", *specs, *(["epochs"] if hyperband else []), objective, "status",
              SECONDS, "message"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for trial in trials:
        values = trial_values(trial.hyperparameters, specs)
        seconds = _metric(trial, SECONDS)
        writer.writerow([
            trial.trial_id, *(_cell(values.get(path)) for path in specs),
            *([_cell(trial.hyperparameters.values.get(EPOCHS))] if hyperband else []),
            _cell(trial.score if trial.status == "COMPLETED" else None), trial.status,
            "" if seconds is None else f"{seconds:.2f}",
            "" if trial.status == "COMPLETED" else failure_message(trial)])
    write_text_atomic(path, buffer.getvalue())
    return len(trials)


def best_trial(oracle):
    """The best completed trial, or None when no trial completed."""
    best = oracle.get_best_trials(1)
    return best[0] if best and best[0].status == "COMPLETED" else None


def write_best_recipe(path: Path, base: dict, oracle, specs: dict):
    """Writes the resolved recipe of the best trial (`tune` removed): `train` takes it as is.

    Returns the best trial, or None (nothing written) when no trial completed.
    """
    trial = best_trial(oracle)
    if trial is None:
        return None
    values = trial_values(trial.hyperparameters, specs)
    recipe = trial_recipe(base, values, epochs=trial.hyperparameters.values.get(EPOCHS),
                          source=f"trial {trial.trial_id}")
    header = {"best trial": trial.trial_id,
              oracle.objective.name: f"{trial.score:.6g}",
              "tuned": ", ".join(f"{k}={json.dumps(v)}" for k, v in values.items())}
    write_resolved_recipe(path, recipe.model_dump(mode="json", exclude={"tune"}), header)
    return trial
