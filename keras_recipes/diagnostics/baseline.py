"""`baseline RECIPE`: the simplest models that could work, on the recipe's data and split.

The playbook starts from a baseline: logistic regression (classification) or
linear regression (one linear layer), then a 2-layer MLP. Each baseline is
the recipe itself with only the model, optimizer and schedule replaced (the
`linear` and `mlp` builders, Adam at its playbook default LR, a constant
schedule), so data, seed, split, normalization, epochs and callbacks are the
recipe's, and each trains through `train` into its own run directory. With
`--run RUN_DIR` the recipe's own run is printed beside them.

Example:

>>> from keras_recipes.config import load_recipe
>>> rows = run_baselines(load_recipe("recipes/quickstart.yaml"), "runs")  # doctest: +SKIP
>>> print(format_baselines(rows))                                         # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any, Optional

from keras_recipes.diagnostics.compare import flatten, read_run
from keras_recipes.diagnostics.table import format_table

# (label, model section): one linear layer, then an MLP with two hidden layers.
BASELINE_MODELS = (
    ("linear", {"type": "linear"}),
    ("mlp", {"type": "mlp", "hidden": [128, 64]}),
)
BASELINE_OPTIMIZER = {"name": "adam"}
BASELINE_SCHEDULE = {"name": "constant"}


@dataclasses.dataclass
class BaselineRow:
    """One model's line: what it is, its size, its metrics and where its run is."""

    label: str
    params: Optional[int]
    metrics: dict[str, float]
    run_dir: Path
    note: str = ""


def baseline_recipe(recipe, label: str, model: dict[str, Any]):
    """`recipe` with its model replaced by `model` (and Adam, constant LR), validated."""
    from keras_recipes.config import validate_dict

    data = recipe.model_dump(mode="json")
    data.update(name=f"{recipe.name}_baseline_{label}", model=dict(model),
                optimizer=dict(BASELINE_OPTIMIZER), schedule=dict(BASELINE_SCHEDULE), tune=None,
                description=f"{label} baseline of {recipe.name} (same data and split)")
    return validate_dict(data, f"baseline {label}")


def run_baselines(recipe, output: str | Path, run: Optional[str | Path] = None,
                  echo=print) -> list[BaselineRow]:
    """Trains every baseline of `recipe` under `output`; adds `run` (the recipe's own) last."""
    from keras_recipes.run import create_run_dir
    from keras_recipes.training.trainer import train

    rows = []
    own = _own_row(recipe, Path(run)) if run else None
    for label, model in BASELINE_MODELS:
        variant = baseline_recipe(recipe, label, model)
        run_dir = create_run_dir(output, variant.name)
        echo(f"baseline {label}: training into {run_dir}")
        result = train(variant, run_dir, echo=lambda _: None, verbose=0)
        rows.append(BaselineRow(f"{label} (baseline)", result.model.count_params(),
                                flatten(result.metrics), run_dir))
    return rows + ([own] if own else [])


def _own_row(recipe, run: Path) -> BaselineRow:
    """The recipe's own run; noted when its data, split or seed differ from `recipe`'s."""
    resolved, metrics = read_run(run)
    mine = flatten(recipe.model_dump(mode="json"))
    differ = sorted(k for k in set(mine) | set(resolved)
                    if (k.startswith("data.") or k == "seed")
                    and json.dumps(mine.get(k)) != json.dumps(resolved.get(k)))
    note = f"not the same data/split: {', '.join(differ)} differ" if differ else ""
    summary = run / "summary.txt"
    found = re.search(r"Total params: ([\d,]+)", summary.read_text()) if summary.is_file() else None
    params = int(found.group(1).replace(",", "")) if found else None
    model = resolved.get("model.type", "?")
    return BaselineRow(f"{model} (the recipe's run)", params, metrics, run, note)


def format_baselines(rows: list[BaselineRow]) -> str:
    """A table: model, parameters, then every metric (val.*, test.*), then the run dir."""
    keys = sorted({k for row in rows for k in row.metrics})
    table = [["model", "params", *keys, "run"]]
    for row in rows:
        table.append([row.label, f"{row.params:,}" if row.params is not None else "-",
                      *(f"{row.metrics[k]:.4f}" if k in row.metrics else "-" for k in keys),
                      str(row.run_dir)])
    lines = format_table(table)
    lines += [f"note: {row.label}: {row.note}" for row in rows if row.note]
    return "\n".join(lines)
