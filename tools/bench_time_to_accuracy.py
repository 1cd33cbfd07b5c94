"""Benchmark: time to accuracy on digits, recipes vs scikit-learn peers on the same split.

Keras side: the shipped `digits_baseline` (logistic regression), `quickstart`
(MLP, early stopping as shipped) and `digits_cnn` recipes, timed from the
`train` call (data, model, fit, evaluation, saving); `s to val>=T` is the
time at the end of the first epoch whose validation accuracy reached T.
scikit-learn side: `LogisticRegression`, `MLPClassifier` (256-128, like the
quickstart MLP) and `SVC` (RBF) on the same split (the package's own
stratified 70/10/20 split, seed 42, standardized with training statistics),
timed around `fit` + `predict`; they reach T when their validation accuracy
does, at the end of `fit`. Alternating repetitions, medians.

Usage:
    python tools/bench_time_to_accuracy.py [--reps 3] [--targets 0.95 0.97]
        [--out tools/results/bench_time_to_accuracy.json]
"""

from __future__ import annotations

import time

from benchlib import alternate, base_parser, clear_keras, finish, load, median, table, train_recipe

RECIPES = {"recipe digits_baseline": "digits_baseline", "recipe quickstart": "quickstart",
           "recipe digits_cnn": "digits_cnn"}


def digits_split(seed: int = 42):
    """The quickstart recipe's split and scaling, with the package's own functions."""
    import numpy as np
    from sklearn.datasets import load_digits

    from keras_recipes.data.splits import Normalizer, split_arrays

    x, y = load_digits(return_X_y=True)
    s = split_arrays(x.astype(np.float32), y, 0.1, 0.2, seed, True)
    norm = Normalizer("standard").fit(s.x_train)
    return [(norm(a), b) for a, b in ((s.x_train, s.y_train), (s.x_val, s.y_val),
                                      (s.x_test, s.y_test))]


def sklearn_job(make, targets):
    def run():
        (x, y), (xv, yv), (xt, yt) = digits_split()
        model = make()
        start = time.perf_counter()
        model.fit(x, y)
        fit_s = time.perf_counter() - start
        val = float((model.predict(xv) == yv).mean())
        test = float((model.predict(xt) == yt).mean())
        wall = time.perf_counter() - start
        return {"wall_s": wall, "fit_s": fit_s, "val_accuracy": val, "test_accuracy": test,
                "s_to_val_accuracy": {f"{t:g}": fit_s if val >= t else None for t in targets}}
    return run


def recipe_job(name, targets):
    return lambda: train_recipe(name, early_stopping=True, targets=targets)


def main() -> None:
    parser = base_parser(__doc__, "bench_time_to_accuracy.json")
    parser.add_argument("--targets", nargs="+", type=float, default=[0.95, 0.97])
    args = parser.parse_args()

    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.svm import SVC

    jobs = {label: recipe_job(name, args.targets) for label, name in RECIPES.items()}
    jobs.update({
        "sklearn LogisticRegression": sklearn_job(lambda: LogisticRegression(max_iter=2000),
                                                  args.targets),
        "sklearn MLPClassifier": sklearn_job(lambda: MLPClassifier(
            (256, 128), max_iter=200, random_state=42), args.targets),
        "sklearn SVC": sklearn_job(lambda: SVC(), args.targets),
    })
    before = load()
    train_recipe("quickstart", ["training.epochs=1"])  # imports and first-call costs, untimed
    runs = alternate(jobs, args.reps, warmup=False, before_each=clear_keras)
    rows = {}
    for name, results in runs.items():
        row = {key: median(r[key] for r in results)
               for key in ("wall_s", "val_accuracy", "test_accuracy")}
        for t in args.targets:
            times = [r["s_to_val_accuracy"][f"{t:g}"] for r in results]
            row[f"s_to_{t:g}"] = median(times) if None not in times else None
        if "epochs_run" in results[0]:
            row["epochs"] = median(r["epochs_run"] for r in results)
        rows[name] = row
    columns = [("wall_s", "wall s", ".2f"), ("val_accuracy", "val acc", ".3f"),
               ("test_accuracy", "test acc", ".3f")]
    columns += [(f"s_to_{t:g}", f"s to val>={t:g}", ".2f") for t in args.targets]
    columns.append(("epochs", "epochs", ".0f"))
    finish(args, "time to accuracy on digits: recipes vs scikit-learn",
           {"reps": args.reps, "targets": args.targets, "split": "70/10/20 stratified, seed 42"},
           rows, runs, table(rows, columns), before)


if __name__ == "__main__":
    main()
