"""The own-data recipes against the logistic-regression baselines, on the same splits.

Trains each shipped own-data recipe through `train` (as `python -m
keras_recipes train` does) and, for the tables, fits the scikit-learn
baseline of `tools/own_data_baselines.py` on the recipe's own split. Prints a
table and writes `tools/results/bench_own_data.json`. Acceptance (issue 14):
census within 4 points of one-hot logistic regression, reviews at the
bag-of-words logistic regression's accuracy, digits PNG folder CNN >= 97%.

Usage:

    python tools/own_data.py          # once: writes recipes/data/
    python tools/bench_own_data.py
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

RECIPES = ("digits_folder", "census_csv", "reviews_mlp", "reviews_folder")


def main() -> None:
    from own_data_baselines import logistic_baseline

    from keras_recipes.config import load_recipe
    from keras_recipes.training.trainer import train

    rows = []
    for name in RECIPES:
        recipe = load_recipe(ROOT / "recipes" / f"{name}.yaml",
                             ["training.verbose=0", "callbacks.tensorboard=false"])
        with tempfile.TemporaryDirectory() as run:
            started = time.time()
            result = train(recipe, Path(run), echo=lambda _: None)
            seconds = time.time() - started
        row = {"recipe": name, "test_accuracy": round(result.metrics["test"]["accuracy"], 4),
               "seconds": round(seconds, 1), "class_names": list(result.spec.class_names or ())}
        data = recipe.data
        if data.source == "csv":
            row["logistic_regression"] = round(logistic_baseline(
                data.path, recipe.seed, data.val_split, data.test_split, data.target), 4)
        rows.append(row)
        print(json.dumps(row), flush=True)
    out = ROOT / "tools" / "results" / "bench_own_data.json"
    out.write_text(json.dumps({"benchmark": "own-data recipes vs logistic regression",
                               "measured": datetime.datetime.now().isoformat(timespec="seconds"),
                               "rows": rows}, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
