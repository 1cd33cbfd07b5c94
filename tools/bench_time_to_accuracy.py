"""Benchmark: time to accuracy on digits, recipes vs hand-written Keras vs scikit-learn, same split.

Every job sees the same split (the package's stratified 70/10/20, seed 42:
1,257 / 180 / 360 examples) and runs in a fresh process (its peak resident
memory is its own; Python and library imports are outside the clock).

- Recipes: the shipped `digits_baseline` (logistic regression), `quickstart`
  (MLP, early stopping as shipped) and `digits_cnn` (30 epochs), timed from
  the `train` call (data, model, fit, evaluation, saving).
- Hand-written Keras: the `digits_cnn` model, optimizer and schedule written
  by hand (`tools/handwritten.py`, cached `tf.data`), timed from loading the
  data.
- scikit-learn: `LogisticRegression`, `MLPClassifier` (256-128, like the
  quickstart MLP) and `SVC` (RBF, defaults) on standardized features, and
  `SVC` on the pixels scaled to [0, 1] (its best input here), timed around
  `fit` + `predict`.

`s to test>=T`: for Keras jobs, the time at the end of the first epoch whose
test accuracy reached T (the test split is evaluated after every epoch by a
callback whose own time is taken off the clock), `updates` the optimizer
steps done by then; for scikit-learn, the end of `fit` if the fitted model
reaches T. `s to val>=V`: the same on the validation split. Alternating
repetitions, medians.

Usage:
    python tools/bench_time_to_accuracy.py [--reps 3] [--test-target 0.99]
        [--targets 0.95 0.97] [--out tools/results/bench_time_to_accuracy.json]
"""

from __future__ import annotations

import json
import math
import sys
import time

from benchlib import (alternate, base_parser, emit_child_result, finish, isolated_job, load,
                      median, table)

RECIPES = {"recipe digits_baseline": "digits_baseline", "recipe quickstart": "quickstart",
           "recipe digits_cnn": "digits_cnn"}
KERAS = {"keras digits_cnn (hand-written)": "digits_cnn"}
SKLEARN = ["sklearn LogisticRegression", "sklearn MLPClassifier", "sklearn SVC",
           "sklearn SVC, pixels/16"]
BATCH = 64


def digits_split(seed: int = 42, scaling: str = "standard"):
    """The recipes' split with the package's own functions; `standard` or `pixels` (/16)."""
    import numpy as np
    from sklearn.datasets import load_digits

    from keras_recipes.data.splits import Normalizer, split_arrays

    x, y = load_digits(return_X_y=True)
    s = split_arrays(x.astype(np.float32), y, 0.1, 0.2, seed, True)
    norm = Normalizer(scaling if scaling == "standard" else "scale").fit(s.x_train)
    return [(norm(a), b) for a, b in ((s.x_train, s.y_train), (s.x_val, s.y_val),
                                      (s.x_test, s.y_test))]


def accuracy_marks(x_test, y_test, start: float):
    """A callback: after every epoch, test accuracy and the clock with its own time taken off."""
    import keras
    import numpy as np

    class AccuracyMarks(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.spent = 0.0
            self.marks = []  # (epochs done, seconds, val accuracy, test accuracy)

        def on_epoch_end(self, epoch, logs=None):
            now = time.perf_counter()
            probs = np.asarray(self.model(x_test, training=False))
            test = float((probs.argmax(-1) == np.asarray(y_test).reshape(-1)).mean())
            self.marks.append((epoch + 1, now - start - self.spent,
                               (logs or {}).get("val_accuracy"), test))
            self.spent += time.perf_counter() - now

    return AccuracyMarks()


def reached(marks, index: int, target: float, updates_per_epoch: int):
    """`(seconds, updates)` at the first mark whose value `index` reached target."""
    for mark in marks:
        if mark[index] is not None and mark[index] >= target - 1e-9:
            return mark[1], mark[0] * updates_per_epoch
    return None, None


def keras_child(name: str, args) -> dict:
    """A recipe or the hand-written CNN, with per-epoch accuracy marks."""
    import keras  # noqa: F401  (imported before the clock starts)

    from benchlib import fit_timer, train_recipe

    if name in RECIPES:
        from keras_recipes.config import load_recipe
        from keras_recipes.data.builder import build_data

        recipe = load_recipe(f"recipes/{RECIPES[name]}.yaml")
        arrays = build_data(recipe.data, recipe.seed, model_type=recipe.model.type).arrays
        start = time.perf_counter()
        marks = accuracy_marks(arrays.x_test, arrays.y_test, start)
        result = train_recipe(RECIPES[name], callbacks=[marks], early_stopping=True)
        batch = recipe.data.batch_size
    else:
        import handwritten

        (_, _), (_, _), (x_test, y_test) = handwritten.digits(images=True)
        start = time.perf_counter()
        marks = accuracy_marks(x_test, y_test, start)
        timer = fit_timer()
        out = handwritten.run(KERAS[name], 30, "tfdata", callbacks=[timer, marks])
        result = {"test_accuracy": out["test_accuracy"], "num_train": out["num_train"],
                  "val_accuracy": marks.marks[-1][2], "epochs_run": len(marks.marks)}
        batch = handwritten.BATCH
    result["wall_s"] = time.perf_counter() - start - marks.spent
    per_epoch = math.ceil(result["num_train"] / batch)
    result["updates"] = per_epoch * result["epochs_run"]
    result["s_to_test"], result["updates_to_test"] = reached(marks.marks, 3, args.test_target,
                                                             per_epoch)
    result["s_to_val"] = {f"{t:g}": reached(marks.marks, 2, t, per_epoch)[0]
                          for t in args.targets}
    result["marks"] = marks.marks
    result.pop("s_to_val_accuracy", None)
    return result


def sklearn_child(name: str, args) -> dict:
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.svm import SVC

    make = {"sklearn LogisticRegression": lambda: LogisticRegression(max_iter=2000),
            "sklearn MLPClassifier": lambda: MLPClassifier((256, 128), max_iter=200,
                                                           random_state=42),
            "sklearn SVC": SVC, "sklearn SVC, pixels/16": SVC}[name]
    (x, y), (xv, yv), (xt, yt) = digits_split(
        scaling="pixels" if name.endswith("pixels/16") else "standard")
    start = time.perf_counter()
    model = make().fit(x, y)
    fit_s = time.perf_counter() - start
    val = float((model.predict(xv) == yv).mean())
    test = float((model.predict(xt) == yt).mean())
    wall = time.perf_counter() - start
    return {"wall_s": wall, "fit_s": fit_s, "val_accuracy": val, "test_accuracy": test,
            "s_to_test": fit_s if test >= args.test_target - 1e-9 else None,
            "s_to_val": {f"{t:g}": fit_s if val >= t else None for t in args.targets}}


def summarize(results: list, args) -> dict:
    row = {key: median(r.get(key) for r in results)
           for key in ("wall_s", "val_accuracy", "test_accuracy", "peak_rss_mb")}
    for t in args.targets:
        times = [r["s_to_val"][f"{t:g}"] for r in results]
        row[f"s_to_val_{t:g}"] = median(times) if None not in times else None
    times = [r["s_to_test"] for r in results]
    row["s_to_test"] = median(times) if None not in times else None
    row["reached_test"] = f"{sum(t is not None for t in times)}/{len(times)}"
    if "updates" in results[0]:
        row["epochs"] = median(r["epochs_run"] for r in results)
        updates = [r["updates_to_test"] for r in results]
        row["updates_to_test"] = median(updates) if None not in updates else None
    return row


def main() -> None:
    parser = base_parser(__doc__, "bench_time_to_accuracy.json")
    parser.add_argument("--targets", nargs="+", type=float, default=[0.95, 0.97],
                        help="validation accuracy targets")
    parser.add_argument("--test-target", type=float, default=0.99)
    parser.add_argument("--child", default=None, help=argparse_hidden())
    args = parser.parse_args()
    if args.child:
        child = keras_child if args.child in RECIPES or args.child in KERAS else sklearn_child
        emit_child_result(child(args.child, args))
        return

    common = ["--test-target", str(args.test_target), "--targets", *map(str, args.targets)]
    jobs = {name: isolated_job(__file__, ["--child", name, *common], name)
            for name in [*RECIPES, *KERAS, *SKLEARN]}
    before = load()
    runs = alternate(jobs, args.reps, warmup=False)
    rows = {name: summarize(results, args) for name, results in runs.items()}
    target = f"{args.test_target:g}"
    columns = [("wall_s", "wall s", ".2f"), ("val_accuracy", "val acc", ".3f"),
               ("test_accuracy", "test acc", ".3f")]
    columns += [(f"s_to_val_{t:g}", f"s to val>={t:g}", ".2f") for t in args.targets]
    columns += [("s_to_test", f"s to test>={target}", ".2f"),
                ("updates_to_test", "updates", ".0f"), ("epochs", "epochs", ".0f"),
                ("peak_rss_mb", "peak RSS MB", ".0f")]
    text = table(rows, columns) + "\nreached test target in: " + json.dumps(
        {name: row["reached_test"] for name, row in rows.items()})
    finish(args, "time to accuracy on digits: recipes vs hand-written Keras vs scikit-learn",
           {"reps": args.reps, "targets": args.targets, "test_target": args.test_target,
            "split": "70/10/20 stratified, seed 42 (1257/180/360)"},
           rows, runs, text, before)


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    sys.exit(main())
