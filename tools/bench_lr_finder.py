"""Benchmark: LR finder steps and wall time, and its suggestion vs the best LR of a grid.

Runs the LR range test on a recipe (`lr-find`'s code path: `prepare()` then
`find_lr` on the repeated training pipeline, 100 steps at most) `--reps`
times (median wall time), then trains the recipe as shipped at the suggested
learning rate and at each learning rate of a small grid, and reports the
validation and test accuracy of each. The grid's best is picked by
validation accuracy.

Usage:
    python tools/bench_lr_finder.py [--recipe quickstart] [--reps 3]
        [--grid 3e-4 1e-3 3e-3 1e-2 3e-2] [--out tools/results/bench_lr_finder.json]
"""

from __future__ import annotations

import time

from benchlib import (ROOT, alternate, base_parser, clear_keras, finish, load, median, table,
                      train_recipe)


def find(recipe_name: str, steps: int):
    def run():
        from keras_recipes.config import load_recipe
        from keras_recipes.lr_finder import find_lr
        from keras_recipes.training.trainer import prepare

        start = time.perf_counter()
        recipe = load_recipe(ROOT / "recipes" / f"{recipe_name}.yaml",
                             ["training.steps_per_execution=1"])
        prepared = prepare(recipe, echo=lambda _: None)
        found = time.perf_counter()
        result = find_lr(prepared.model, prepared.data.train.repeat(), num_steps=steps)
        end = time.perf_counter()
        return {"steps": len(result.lrs), "find_s": end - found, "wall_s": end - start,
                "suggestion": float(f"{result.suggestion:.3g}"), "flags": result.flags,
                "stop_reason": result.stop_reason}
    return run


def main() -> None:
    parser = base_parser(__doc__, "bench_lr_finder.json")
    parser.add_argument("--recipe", default="quickstart")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--grid", nargs="+", type=float, default=[3e-4, 1e-3, 3e-3, 1e-2, 3e-2])
    args = parser.parse_args()

    before = load()
    finds = alternate({"lr-find": find(args.recipe, args.steps)}, args.reps,
                      before_each=clear_keras)["lr-find"]
    suggestion = finds[0]["suggestion"]
    trained = {}
    for lr in [suggestion, *args.grid]:
        clear_keras()
        result = train_recipe(args.recipe, [f"optimizer.learning_rate={lr}"], early_stopping=True)
        trained[f"{lr:g}"] = result
        print(f"  lr {lr:g}: val {result['val_accuracy']:.4f} test {result['test_accuracy']:.4f}")
    best = max(args.grid, key=lambda lr: trained[f"{lr:g}"]["val_accuracy"])
    rows = {f"suggested {suggestion:g}": trained[f"{suggestion:g}"]}
    rows.update({f"grid {lr:g}" + (" (best)" if lr == best else ""): trained[f"{lr:g}"]
                 for lr in args.grid})
    summary = {"steps": median(f["steps"] for f in finds),
               "find_s": median(f["find_s"] for f in finds),
               "wall_s": median(f["wall_s"] for f in finds),
               "suggestion": suggestion, "suggestions": [f["suggestion"] for f in finds],
               "flags": finds[0]["flags"], "grid_best_lr": best,
               "suggestion_test_accuracy": trained[f"{suggestion:g}"]["test_accuracy"],
               "grid_best_test_accuracy": trained[f"{best:g}"]["test_accuracy"],
               "accuracy": {name: {k: row[k] for k in ("val_accuracy", "test_accuracy",
                                                       "epochs_run")}
                            for name, row in rows.items()}}
    text = (f"lr-find on {args.recipe}: {summary['steps']:.0f} steps, "
            f"{summary['find_s']:.2f} s (with prepare {summary['wall_s']:.2f} s), suggests "
            f"{suggestion:g}; flags: {', '.join(summary['flags']) or 'none'}\n"
            + table(rows, [("val_accuracy", "val acc", ".4f"), ("test_accuracy", "test acc", ".4f"),
                           ("epochs_run", "epochs", "d"), ("wall_s", "wall s", ".2f")],
                    first="learning rate"))
    finish(args, "LR finder vs grid", {"recipe": args.recipe, "steps": args.steps,
                                       "reps": args.reps, "grid": args.grid},
           summary, {"lr-find": finds, "trained": trained}, text, before)


if __name__ == "__main__":
    main()
