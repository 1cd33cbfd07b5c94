"""The fine-tuning demonstration: pretrain on digits 0-4, fine-tune on 20 examples per class of 5-9.

Data (seeded, offline, from scikit-learn's bundled 8x8 digits, pixels 0-16 as uint8):

- `recipes/data/digits_0to4.npz`: every digit 0-4 (901 images), for
  `recipes/digits_pretrain.yaml`;
- `recipes/data/digits_5to9.npz`: 100 images of each digit 5-9 (500); the
  recipes hold out 10% for validation and 70% for test, so training sees 20
  per class (`recipes/digits_finetune.yaml`, `recipes/digits_finetune_scratch.yaml`).

The comparison (`--compare`) trains the pretraining recipe once, then for each
seed the fine-tuned network and the same network from scratch on the same
split, through the command line a user would type, and writes the table of
test accuracies (mean +- sd) to `tools/results/finetune_digits.json`.

Usage:

    python tools/finetune_digits.py                  # writes the two .npz files
    python tools/finetune_digits.py --compare 3      # + 3 seeds of each (about 6 min on 2 CPUs)
    python tools/finetune_digits.py --scenes --compare 3 --pretrained runs/scenes_pretrain

`--scenes` runs the same comparison on the cluttered 32x32 RGB scenes
(`recipes/scenes_*.yaml`; `python tools/digit_scenes.py --transfer` writes the
data) and writes `tools/results/finetune_scenes.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PER_CLASS = 100
SEED = 0


def write_data(out: Path) -> tuple[Path, Path]:
    """Writes `digits_0to4.npz` (all of 0-4) and `digits_5to9.npz` (100 per class of 5-9)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = digits.images.astype(np.uint8)  # 0-16
    y = digits.target.astype(np.int64)
    out.mkdir(parents=True, exist_ok=True)
    low = y < 5
    first = out / "digits_0to4.npz"
    np.savez_compressed(first, x=x[low], y=y[low])
    rng = np.random.default_rng(SEED)
    picked = np.sort(np.concatenate([rng.permutation(np.flatnonzero(y == c))[:PER_CLASS]
                                     for c in range(5, 10)]))
    second = out / "digits_5to9.npz"
    np.savez_compressed(second, x=x[picked], y=y[picked])
    return first, second


def _train(recipe: str, run_dir: Path, *overrides: str) -> dict:
    args = [sys.executable, "-m", "keras_recipes", "train", recipe, "--run-dir", str(run_dir),
            "--verbose", "0", "--set", "callbacks.tensorboard=false"]
    for value in overrides:
        args += ["--set", value]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads((run_dir / "metrics.json").read_text())


def compare(seeds: int, workers: int = 2, prefix: str = "digits",
            pretrained: Path | None = None, per_class: int = 20) -> dict:
    """Pretrains once (or reuses the run folder `pretrained`), then fine-tunes and trains from
    scratch for each seed (`workers` runs at a time); `prefix` picks the recipes (`digits` or
    `scenes`).

    `per_class` other than 20 trains on a seeded subset of the target file, 9 x `per_class`
    examples per class split 1/1/7 (a recipe trains on more than a tenth of its file), so
    the test split is smaller too.
    """
    from concurrent.futures import ThreadPoolExecutor

    rows = {"finetuned": [0.0] * seeds, "scratch": [0.0] * seeds}
    with tempfile.TemporaryDirectory() as tmp:
        pretrain = Path(tmp) / f"{prefix}_pretrain"
        if pretrained is None:
            source = _train(f"recipes/{prefix}_pretrain.yaml", pretrain)
        else:
            pretrain = Path(pretrained).resolve()
            source = json.loads((pretrain / "metrics.json").read_text())
        recipes = {"finetuned": f"recipes/{prefix}_finetune.yaml",
                   "scratch": f"recipes/{prefix}_finetune_scratch.yaml"}
        jobs = [(name, seed) for seed in range(seeds) for name in ("finetuned", "scratch")]
        subset = []
        if per_class != 20:
            target = _subset(ROOT / "recipes" / _data_path(recipes["scratch"]), 9 * per_class,
                             Path(tmp) / "target.npz")
            # 1/9 and 7/9, rounded so that sklearn's ceil gives exactly k / k / 7k per class.
            subset = [f"data.path={target}", "data.val_split=0.1111", "data.test_split=0.7777"]

        def run(job):
            name, seed = job
            extra = [f"model.from={pretrain}"] if name == "finetuned" else []
            extra += subset
            metrics = _train(recipes[name], Path(tmp) / f"{name}_{seed}", f"seed={seed}", *extra)
            rows[name][seed] = metrics["test"]["accuracy"]
            print(f"seed {seed} {name}: test accuracy {rows[name][seed]:.4f}", flush=True)

        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(run, jobs))
    summary = {name: {"mean": statistics.mean(values), "sd": statistics.stdev(values),
                      "runs": values} for name, values in rows.items()}
    summary["pretrain_test_accuracy_0to4"] = source["test"]["accuracy"]
    summary["train_examples_per_class"] = per_class
    return summary


def _data_path(recipe: str) -> str:
    import yaml

    return yaml.safe_load((ROOT / recipe).read_text())["data"]["path"]


def _subset(source: Path, per_class: int, out: Path) -> Path:
    """The first `per_class` examples of each class of a seeded shuffle of `source` (.npz)."""
    data = np.load(source)
    order = np.random.default_rng(SEED).permutation(len(data["y"]))
    keep = np.sort(np.concatenate([order[data["y"][order] == c][:per_class]
                                   for c in np.unique(data["y"])]))
    np.savez(out, x=data["x"][keep], y=data["y"][keep])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "recipes" / "data")
    parser.add_argument("--compare", type=int, default=0, metavar="SEEDS",
                        help="also run the comparison over this many seeds")
    parser.add_argument("--scenes", action="store_true", help="compare the scenes_* recipes "
                        "(32x32 RGB scenes; data: python tools/digit_scenes.py --transfer)")
    parser.add_argument("--pretrained", type=Path, help="reuse this pretraining run folder")
    parser.add_argument("--per-class", type=int, default=20, metavar="K",
                        help="training examples per class of 5-9 (default 20: the recipes' "
                        "split; else a subset of 9 K per class split 1/1/7)")
    args = parser.parse_args()
    prefix = "scenes" if args.scenes else "digits"
    if not args.scenes:
        for path in write_data(args.out):
            print(f"wrote {path}")
    if args.compare:
        summary = compare(args.compare, prefix=prefix, pretrained=args.pretrained,
                          per_class=args.per_class)
        suffix = "" if args.per_class == 20 else f"_{args.per_class}"
        path = ROOT / "tools" / "results" / f"finetune_{prefix}{suffix}.json"
        path.write_text(json.dumps(summary, indent=2) + "\n")
        for name in ("finetuned", "scratch"):
            print(f"{name}: {summary[name]['mean']:.4f} +- {summary[name]['sd']:.4f}")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
