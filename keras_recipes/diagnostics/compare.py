"""`compare RUN_A RUN_B ...`: what changed between runs, and what it did to the metrics.

Each run directory holds its resolved recipe (`recipe.yaml`, every default
filled in) and `metrics.json`. The recipes are flattened to dotted paths and
every path whose value differs between runs is listed (old -> new), followed
by the metrics with their deltas against the first run, the reference. A run
that differs from the reference in more than one variable gets a warning:
the playbook's cycle changes one variable at a time, so a delta can be
attributed to it.

Example:

>>> comparison = compare_runs(["runs/quickstart/a", "runs/quickstart/b"])  # doctest: +SKIP
>>> comparison.changed[1]                                                  # doctest: +SKIP
['optimizer.learning_rate']
>>> print(format_comparison(comparison))                                   # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Sequence

from keras_recipes.diagnostics.table import format_table
from keras_recipes.errors import UsageError

# Keys that name or describe a run, or only change what it prints: not variables.
NOT_VARIABLES = ("name", "description", "lint.ignore", "training.verbose")
ABSENT = "<absent>"


@dataclasses.dataclass
class Comparison:
    """Runs side by side.

    Attributes:
        runs: the run directories; the first is the reference.
        differences: `(dotted key, [value per run])` for every key that differs.
        changed: per run, the variables that differ from the reference (empty
            for the reference itself).
        metrics: `(split.metric, [value per run or None])`.
        warnings: one line per run that changes more than one variable.
    """

    runs: list[Path]
    differences: list[tuple[str, list[Any]]]
    changed: list[list[str]]
    metrics: list[tuple[str, list[Any]]]
    warnings: list[str]


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """`{"a": {"b": 1}}` -> `{"a.b": 1}`; lists and empty mappings are leaf values."""
    if not isinstance(data, dict) or (not data and prefix):
        return {prefix: data}
    out: dict[str, Any] = {}
    for key, value in data.items():
        out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return out


def read_run(path: str | Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The flattened resolved recipe and flattened metrics of a run directory."""
    from keras_recipes.config.loader import parse_yaml

    path = Path(path)
    recipe_file = path / "recipe.yaml"
    if not recipe_file.is_file():
        raise UsageError(f"compare: {str(path)!r} has no recipe.yaml -> a run directory "
                         "written by `train`")
    recipe = parse_yaml(recipe_file.read_text(), str(recipe_file)) or {}
    metrics_file = path / "metrics.json"
    metrics = json.loads(metrics_file.read_text()) if metrics_file.is_file() else {}
    return flatten(recipe), flatten(metrics) if metrics else {}


def compare_runs(paths: Sequence[str | Path]) -> Comparison:
    """Compares two or more run directories against the first one.

    Raises:
        UsageError: fewer than two runs, or a directory without `recipe.yaml`.
    """
    if len(paths) < 2:
        raise UsageError(f"compare: {len(paths)} run(s) -> at least two run directories")
    runs = [Path(p) for p in paths]
    recipes, metric_sets = zip(*(read_run(p) for p in runs))
    keys = sorted(set().union(*recipes))
    differences = [(key, [r.get(key, ABSENT) for r in recipes]) for key in keys
                   if len({json.dumps(r.get(key, ABSENT), sort_keys=True) for r in recipes}) > 1]
    changed = [[key for key, values in differences
                if key not in NOT_VARIABLES and values[i] != values[0]]
               for i in range(len(runs))]
    metric_keys = sorted(set().union(*metric_sets))
    metrics = [(key, [m.get(key) for m in metric_sets]) for key in metric_keys]
    warnings = [f"{_label(i)} differs from A in {len(keys_i)} variables "
                f"({', '.join(keys_i)}): change one variable at a time, or the metric "
                "delta cannot be attributed to any one of them"
                for i, keys_i in enumerate(changed) if len(keys_i) > 1]
    return Comparison(runs, differences, changed, metrics, warnings)


def _label(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else f"R{index + 1}"


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def _metric_cell(value: Any, reference: Any, is_reference: bool) -> str:
    if value is None:
        return "-"
    if is_reference or not isinstance(reference, (int, float)):
        return f"{value:.4f}"
    return f"{value:.4f} ({value - reference:+.4f})"


def format_comparison(comparison: Comparison) -> str:
    """One table: the differing recipe keys (old -> new), then metrics with deltas vs A."""
    labels = [_label(i) for i in range(len(comparison.runs))]
    values = dict(comparison.differences)
    lines = [f"{labels[0]}: {comparison.runs[0]} (reference)"]
    for i, run in enumerate(comparison.runs[1:], start=1):
        changes = "; ".join(f"{key} {_cell(values[key][0])} -> {_cell(values[key][i])}"
                            for key in comparison.changed[i])
        lines.append(f"{labels[i]}: {run} [{len(comparison.changed[i])} variable(s) changed"
                     f"{': ' + changes if changes else ''}]")
    keys = [[key, *map(_cell, values)] for key, values in comparison.differences]
    keys = keys or [["(no differences)", *[""] * len(labels)]]
    metrics = [[key, *(_metric_cell(v, values[0], i == 0) for i, v in enumerate(values))]
               for key, values in comparison.metrics]
    lines += ["", *format_table([["recipe key", *labels], *keys], [["metric", *labels], *metrics])]
    lines += [f"warning: {w}" for w in comparison.warnings]
    return "\n".join(lines)
