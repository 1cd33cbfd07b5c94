"""Benchmark: recipe vs hand-written Keras training throughput (MLP, CNN, transformer).

For each recipe (quickstart: MLP, digits_cnn: CNN, sequence_transformer:
transformer) it trains, in one process with alternating repetitions:

- `recipe`: `keras_recipes` `train()` with its defaults (run directory,
  checkpoint, CSV, TensorBoard and NaN guard included);
- `keras_tfdata`: the hand-written script (tools/handwritten.py: same model,
  optimizer, schedule, loss, batch, epochs) fed a cached, prefetched
  `tf.data` pipeline;
- `keras_numpy`: the same script fed NumPy arrays (quickstart only by
  default: it is the slower of the two there; `--feeds numpy tfdata`);

and with `--ablations` also the recipe with one default changed:
`recipe_spe1` (`training.steps_per_execution=1`) and `recipe_xla`
(`training.jit_compile=true`).

Throughput is training samples per second of the training phase of each
epoch (validation and epoch-end callbacks excluded); `steady` leaves out the
first epoch, which traces the train function, and takes the median epoch.
The ratio is recipe / the faster hand-written script, on steady throughput
(median of the reps). `fit s` is the whole `fit` (tracing, validation,
callbacks included).

Usage:
    python tools/bench_throughput.py [--recipes quickstart digits_cnn sequence_transformer]
        [--epochs N] [--feeds numpy tfdata] [--reps 3] [--ablations] [--out tools/results/bench_throughput.json]
"""

from __future__ import annotations

from benchlib import (alternate, base_parser, clear_keras, finish, fit_timer, load, median,
                      table, throughput, train_recipe)

RECIPES = ["quickstart", "digits_cnn", "sequence_transformer"]
EPOCHS = {"quickstart": 20, "digits_cnn": 10, "sequence_transformer": 6}
KIND = {"quickstart": "MLP", "digits_cnn": "CNN", "sequence_transformer": "transformer"}
KEYS = ["steady_samples_per_s", "samples_per_s", "fit_s", "first_epoch_s", "test_accuracy"]
COLUMNS = [("steady_samples_per_s", "steady sam/s", ".0f"), ("samples_per_s", "sam/s", ".0f"),
           ("first_epoch_s", "1st epoch s", ".2f"), ("fit_s", "fit s", ".2f"),
           ("test_accuracy", "test acc", ".3f")]


def recipe_job(recipe: str, epochs: int, overrides=()):
    return lambda: train_recipe(recipe, [f"training.epochs={epochs}", *overrides])


def keras_job(recipe: str, epochs: int, feed: str):
    def job():
        import handwritten

        timer = fit_timer()
        result = handwritten.run(recipe, epochs, feed, callbacks=[timer])
        return {**throughput(timer, result["num_train"]), **result}
    return job


def jobs_for(recipe: str, epochs: int, feeds, ablations: bool) -> dict:
    jobs = {"recipe": recipe_job(recipe, epochs)}
    jobs.update({f"keras_{feed}": keras_job(recipe, epochs, feed) for feed in feeds})
    if ablations:
        jobs["recipe_spe1"] = recipe_job(recipe, epochs, ["training.steps_per_execution=1"])
        jobs["recipe_xla"] = recipe_job(recipe, epochs, ["training.jit_compile=true"])
    return jobs


def main() -> None:
    parser = base_parser(__doc__, "bench_throughput.json")
    parser.add_argument("--recipes", nargs="+", default=RECIPES, choices=RECIPES)
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs per run (>= 2); default: 20 MLP, 10 CNN, 6 transformer")
    parser.add_argument("--feeds", nargs="+", default=None, choices=["numpy", "tfdata"],
                        help="hand-written inputs; default: both for quickstart, tf.data "
                             "(the faster, measured on quickstart) for the others")
    parser.add_argument("--ablations", action="store_true",
                        help="also the recipe with steps_per_execution=1 and with XLA")
    args = parser.parse_args()
    if args.ablations and args.out.endswith("bench_throughput.json"):
        args.out = args.out.replace("bench_throughput.json", "bench_throughput_ablations.json")

    before = load()
    summary, runs, blocks = {}, {}, []
    # Warm-up: imports and first-call costs of the process, not timed.
    for job in jobs_for("quickstart", 3, ["tfdata"], False).values():
        clear_keras()
        job()
    for recipe in args.recipes:
        epochs = args.epochs or EPOCHS[recipe]
        feeds = args.feeds or (["numpy", "tfdata"] if recipe == "quickstart" else ["tfdata"])
        print(f"{recipe} ({KIND[recipe]}), {epochs} epochs")
        runs[recipe] = alternate(jobs_for(recipe, epochs, feeds, args.ablations), args.reps,
                                 warmup=False, before_each=clear_keras)
        rows = {name: {key: median(r[key] for r in results) for key in KEYS}
                for name, results in runs[recipe].items()}
        best_keras = max([f"keras_{feed}" for feed in feeds],
                         key=lambda name: rows[name]["steady_samples_per_s"])
        ratios = {name: rows[name]["steady_samples_per_s"]
                  / rows[best_keras]["steady_samples_per_s"] for name in rows}
        for name in rows:
            rows[name]["ratio"] = ratios[name]
        summary[recipe] = {"model": KIND[recipe], "epochs": epochs, "baseline": best_keras,
                           "ratio_recipe_vs_keras": ratios["recipe"], "jobs": rows}
        blocks.append(f"{recipe} ({KIND[recipe]}): ratio recipe / {best_keras} = "
                      f"{ratios['recipe']:.2f}\n"
                      + table(rows, COLUMNS + [("ratio", "ratio", ".2f")]))
    finish(args, "recipe vs hand-written Keras throughput",
           {"recipes": args.recipes, "epochs": args.epochs, "reps": args.reps,
            "ablations": args.ablations}, summary, runs, "\n\n".join(blocks), before)


if __name__ == "__main__":
    main()
