"""One progress line per finished trial: number, values, objective, best so far.

Example:

>>> trial_line(trial, {"model.dropout": 0.3}, "val_accuracy", best, "tuner0", 4.2, 6)
'trial 02/6 [tuner0] model.dropout=0.3 -> val_accuracy=0.9611 (4.2 s); best 0.9722 (trial 01)'
"""

from __future__ import annotations

import json
import re


def format_value(value) -> str:
    """Compact text for a tuned value: `0.001`, `[128, 64]`, `one_cycle`."""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, str):
        return value
    return json.dumps(value)


def last_line(text: str | None) -> str:
    """The last line of a traceback, without the exception's class path."""
    lines = (text or "").strip().splitlines()
    return re.sub(r"^[\w.]+(Error|Exception): ", "", lines[-1]) if lines else "no message"


def failure_message(trial) -> str:
    """Why a trial failed, in one line."""
    return last_line(trial.message)


def trial_line(trial, values: dict, objective: str, best, tuner_id: str, seconds: float,
               max_trials: int | None) -> str:
    """The line printed when `trial` ends (`best` is the best completed trial or None)."""
    total = f"/{max_trials}" if max_trials else ""
    shown = " ".join(f"{path}={format_value(v)}" for path, v in values.items())
    epochs = trial.hyperparameters.values.get("tuner/epochs")
    if epochs is not None:
        shown += f" (epochs {epochs})"
    if trial.status == "COMPLETED":
        result = f"{objective}={trial.score:.4f}"
    else:
        result = f"{trial.status.lower()}: {failure_message(trial)}"
    line = f"trial {trial.trial_id}{total} [{tuner_id}] {shown} -> {result} ({seconds:.1f} s)"
    if best is not None:
        line += f"; best {best.score:.4f} (trial {best.trial_id})"
    return line
