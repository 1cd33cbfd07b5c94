"""Benchmark: quickstart recipe vs the equivalent hand-written Keras script.

Both train the same MLP (256-128, batch norm, dropout 0.2, Adam 1e-3, batch 64)
on the same digits split for the same number of epochs, in the same process,
alternating repetitions. Reported: median training throughput (samples/s,
timed around `model.fit` by a callback in both), median wall time of the whole
job (data, build, fit, evaluate, save), and the ratio recipe / hand-written.

Usage:
    python tools/bench_quickstart.py [--reps 3] [--epochs 30] [--out tools/results/bench_quickstart.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class FitTimer:
    """Keras callback measuring the wall time of `fit` (created lazily: keras import)."""

    def __new__(cls):
        import keras

        class _Timer(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                self.start = time.perf_counter()

            def on_train_end(self, logs=None):
                self.seconds = time.perf_counter() - self.start

        return _Timer()


def hand_written(epochs: int, seed: int, workdir: Path) -> dict:
    """What a skilled user writes by hand with plain Keras for the same job."""
    import keras
    import numpy as np
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    start = time.perf_counter()
    keras.utils.set_random_seed(seed)
    x, y = load_digits(return_X_y=True)
    x_rest, x_test, y_rest, y_test = train_test_split(x, y, test_size=0.2, random_state=seed,
                                                      stratify=y)
    x_train, x_val, y_train, y_val = train_test_split(x_rest, y_rest, test_size=0.125,
                                                      random_state=seed, stratify=y_rest)
    scaler = StandardScaler().fit(x_train)
    x_train, x_val, x_test = (scaler.transform(a).astype("float32")
                              for a in (x_train, x_val, x_test))
    layers = [keras.Input((64,))]
    for units in (256, 128):
        layers += [keras.layers.Dense(units, use_bias=False, kernel_initializer="he_normal"),
                   keras.layers.BatchNormalization(), keras.layers.Activation("relu"),
                   keras.layers.Dropout(0.2)]
    layers.append(keras.layers.Dense(10, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(keras.optimizers.Adam(1e-3, epsilon=1e-8), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    timer = FitTimer()
    model.fit(x_train, y_train, batch_size=64, epochs=epochs, validation_data=(x_val, y_val),
              shuffle=True, verbose=0,
              callbacks=[timer, keras.callbacks.ModelCheckpoint(
                  str(workdir / "best.keras"), save_best_only=True)])
    model.load_weights(workdir / "best.keras")
    test = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    model.save(workdir / "model.keras")
    return {"fit_s": timer.seconds, "wall_s": time.perf_counter() - start,
            "samples": len(x_train) * epochs, "test_accuracy": test["accuracy"]}


def recipe_run(epochs: int, seed: int, workdir: Path) -> dict:
    from keras_recipes.config import load_recipe
    from keras_recipes.training.trainer import train

    start = time.perf_counter()
    recipe = load_recipe(ROOT / "recipes/quickstart.yaml", [
        f"training.epochs={epochs}", f"seed={seed}", "callbacks.early_stopping=false",
        "training.verbose=0"])
    timer = FitTimer()
    result = train(recipe, workdir, echo=lambda _: None, extra_callbacks=[timer])
    return {"fit_s": timer.seconds, "wall_s": time.perf_counter() - start,
            "samples": result.spec.num_train * epochs,
            "test_accuracy": result.metrics["test"]["accuracy"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", default=str(ROOT / "tools/results/bench_quickstart.json"))
    args = parser.parse_args()

    import keras
    import tensorflow as tf

    results = {"recipe": [], "hand_written": []}
    # Warm-up run of each so one-off costs (imports, first tracing) do not count.
    for name, job in (("recipe", recipe_run), ("hand_written", hand_written)):
        with tempfile.TemporaryDirectory() as tmp:
            job(2, args.seed, Path(tmp))
    for rep in range(args.reps):
        order = [("recipe", recipe_run), ("hand_written", hand_written)]
        if rep % 2:
            order.reverse()
        for name, job in order:
            with tempfile.TemporaryDirectory() as tmp:
                results[name].append(job(args.epochs, args.seed, Path(tmp)))

    def median(name, key):
        return statistics.median(r[key] for r in results[name])

    summary = {}
    for name in results:
        summary[name] = {
            "samples_per_s": statistics.median(r["samples"] / r["fit_s"] for r in results[name]),
            "fit_s": median(name, "fit_s"), "wall_s": median(name, "wall_s"),
            "test_accuracy": median(name, "test_accuracy")}
    ratio = summary["recipe"]["samples_per_s"] / summary["hand_written"]["samples_per_s"]
    report = {
        "benchmark": "quickstart vs hand-written Keras", "epochs": args.epochs,
        "reps": args.reps, "machine": f"{platform.machine()}, {os.cpu_count()} CPU(s), "
                                      f"{platform.platform()}",
        "versions": {"tensorflow": tf.__version__, "keras": keras.__version__},
        "summary": summary, "throughput_ratio": ratio, "runs": results}
    print(f"{'':14}{'samples/s':>12}{'fit s':>9}{'wall s':>9}{'test acc':>10}")
    for name, row in summary.items():
        print(f"{name:14}{row['samples_per_s']:>12.0f}{row['fit_s']:>9.2f}{row['wall_s']:>9.2f}"
              f"{row['test_accuracy']:>10.4f}")
    print(f"throughput ratio recipe / hand-written: {ratio:.2f}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
