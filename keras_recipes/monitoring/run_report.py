"""`report.md`: the run's state from its curves, the advice, and the final values."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from keras_recipes.monitoring.run_classifier import RunState, batch_norm_state, classify_run


def render_report(history: dict, state: RunState, batch_norm=None,
                  timing: Optional[dict] = None) -> str:
    """The Markdown text of `report.md` (`batch_norm`: a `ModeAgreement`, or None;
    `timing`: the per-epoch time breakdown, `step_breakdown.read_timing`)."""
    lines = [f"# Run report: {state.state}", "", f"**Why:** {state.reason}.", "",
             f"**Advice:** {state.advice}", ""]
    if batch_norm is not None:
        lines += [f"**Batch norm:** {batch_norm.describe()} "
                  f"({'consistent' if batch_norm.agree else 'inconsistent'}).", ""]
    from keras_recipes.monitoring.step_breakdown import report_lines

    lines += report_lines(timing or {})  # where the time goes: input-, compute- or host-bound
    lines += ["## Curves", "",
             "![training curves](curves.png)", "", "| value | first | best | last |",
             "|---|---|---|---|"]
    for name, values in history.items():
        if not values:
            continue
        best = _best(name, values)
        lines.append(f"| {name} | {values[0]:.4g} | {best} | {values[-1]:.4g} |")
    lines += ["", f"{len(history.get('loss', []))} epoch(s). The state is read from the "
              "per-epoch losses; see `keras_recipes.monitoring.classify_run` for the rules.", ""]
    return "\n".join(lines)


def _best(name: str, values: list) -> str:
    """Best epoch value of a loss or metric; `-` for logged extras (learning rate ...)."""
    metric = name[len("val_"):] if name.startswith("val_") else name
    if "loss" in metric or metric in ("mae", "mse", "rmse"):
        return f"{min(values):.4g}"
    if "accuracy" in metric:
        return f"{max(values):.4g}"
    return "-"


def _label_smoothing(recipe_file: Path) -> float:
    """`training.label_smoothing` from the run's resolved recipe (0 when absent)."""
    import yaml

    try:
        resolved = yaml.safe_load(recipe_file.read_text()) or {}
        return float((resolved.get("training") or {}).get("label_smoothing") or 0.0)
    except (OSError, ValueError, AttributeError, yaml.YAMLError):
        return 0.0


def write_run_report(run_dir: Path, history: dict, spec=None, batch_norm=None) -> str:
    """Classifies the run, writes `<run_dir>/report.md` and returns a one-line summary
    (and a `speed:` line with the step-time verdict when the run has a `timing.csv`).

    Example:

    >>> write_run_report(run_dir, {"loss": [2.0, 0.4], "val_loss": [1.9, 0.5]})  # doctest: +SKIP
    'run looks healthy: ...'

    Args:
        run_dir: the run directory.
        history: per-epoch values (`History.history` as floats).
        spec: the run's `DataSpec` (its class count sets the chance-level loss);
            the label smoothing is read from `<run_dir>/recipe.yaml`.
        batch_norm: the final model's `ModeAgreement` (inference vs training mode);
            when they disagree the run is `inconsistent`, whatever the curves say.
    """
    from keras_recipes.run import write_text_atomic

    classes: Optional[int] = None
    if spec is not None and getattr(spec, "task", None) == "classification":
        classes = spec.num_outputs
    state = (batch_norm_state(batch_norm)
             or classify_run(history, classes, _label_smoothing(Path(run_dir) / "recipe.yaml")))
    from keras_recipes.monitoring.step_breakdown import (TIMING_FILE, Breakdown, read_timing,
                                                         verdict)

    timing = read_timing(Path(run_dir) / TIMING_FILE)
    write_text_atomic(Path(run_dir) / "report.md", render_report(history, state, batch_norm,
                                                                 timing))
    speed = Breakdown.from_history(timing)
    return state.line() + (f"\nspeed: {verdict(speed)}" if speed is not None else "")
