"""Benchmark: float32 vs mixed_bfloat16 vs mixed_float16, XLA off/on (meant for a GPU).

Trains the CNN (`digits_cnn`), a ResNet (the same recipe with
`model.type: resnet`) and the transformer (`sequence_transformer`) recipes on
generated data large enough to keep a GPU busy (32x32x3 images, 10 classes;
token sequences of length 64), under each precision policy with
`training.jit_compile` off and on, alternating repetitions, and reports the
steady training throughput (samples/s, first epoch left out) relative to
float32 without XLA.

Without a GPU it runs `--size tiny` (a few hundred examples, 2 epochs, one
repetition, XLA with float32 on the first model only): that checks the code path, and its
numbers are CPU numbers, not GPU figures. `--size full` on a GPU gives the
figures.

Usage:
    python tools/bench_precision.py [--size auto|tiny|full] [--models cnn resnet transformer]
        [--reps 3] [--out tools/results/bench_precision.json]
"""

from __future__ import annotations

from benchlib import alternate, base_parser, clear_keras, finish, load, median, table, train_recipe

PRECISIONS = ["float32", "mixed_bfloat16", "mixed_float16"]
SIZES = {  # samples, epochs, batch
    "full": (20000, 4, 256),
    "tiny": (256, 2, 64),
}


def workload(model: str, size: str) -> tuple[str, list[str]]:
    """The recipe and overrides of one model at one size."""
    samples, epochs, batch = SIZES[size]
    common = [f"training.epochs={epochs}", f"data.batch_size={batch}",
              "schedule.warmup={fraction: 0.1}", "callbacks.tensorboard.enabled=false"]
    if model == "transformer":
        return "sequence_transformer", [
            *common, f"data.synthetic={{samples: {samples}, seq_len: 64, vocab_size: 64, "
                     "classes: 4}"]
    images = ["data.source=synthetic", "data.name=images", "data.input_shape=null",
              "data.normalize=none",
              f"data.synthetic={{samples: {samples}, image_size: 32, channels: 3, classes: 10}}"]
    return "digits_cnn", [*common, *images, f"model.type={model}"]


def gpu_present() -> bool:
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def job(recipe: str, overrides: list[str], precision: str, xla: bool):
    def run():
        result = train_recipe(recipe, [*overrides, f"training.precision={precision}",
                                       f"training.jit_compile={str(xla).lower()}"])
        return {k: result[k] for k in ("steady_samples_per_s", "first_epoch_s", "fit_s",
                                       "test_accuracy")}
    return run


def main() -> None:
    parser = base_parser(__doc__, "bench_precision.json")
    parser.add_argument("--size", choices=["auto", "tiny", "full"], default="auto")
    parser.add_argument("--models", nargs="+", default=["cnn", "resnet", "transformer"],
                        choices=["cnn", "resnet", "transformer"])
    args = parser.parse_args()
    gpu = gpu_present()
    size = args.size if args.size != "auto" else ("full" if gpu else "tiny")
    reps = args.reps if size == "full" else 1
    if not gpu:
        print("no GPU visible: these are CPU numbers (a code-path check), not GPU figures")

    before = load()
    summary, runs, blocks = {}, {}, []
    for model in args.models:
        recipe, overrides = workload(model, size)
        # Tiny (CPU) runs check each path once: XLA only with float32 on the first
        # model (on CPU, XLA compiling takes most of a minute per job).
        combos = [(p, x) for p in PRECISIONS for x in (False, True)
                  if size == "full" or not x or (p == "float32" and model == args.models[0])]
        jobs = {f"{precision}{' +XLA' if xla else ''}": job(recipe, overrides, precision, xla)
                for precision, xla in combos}
        runs[model] = alternate(jobs, reps, warmup=size == "full", before_each=clear_keras)
        rows = {name: {k: median(r[k] for r in results)
                       for k in ("steady_samples_per_s", "first_epoch_s", "test_accuracy")}
                for name, results in runs[model].items()}
        base = rows["float32"]["steady_samples_per_s"]
        for row in rows.values():
            row["speedup"] = row["steady_samples_per_s"] / base
        summary[model] = rows
        blocks.append(f"{model} ({recipe}, {size})\n" + table(rows, [
            ("steady_samples_per_s", "steady sam/s", ".0f"), ("speedup", "vs fp32", ".2f"),
            ("first_epoch_s", "1st epoch s", ".2f"), ("test_accuracy", "test acc", ".3f")],
            first="policy"))
    finish(args, "precision and XLA throughput", {"size": size, "reps": reps,
                                                  "models": args.models, "gpu": gpu},
           summary, runs, "\n\n".join(blocks), before,
           extra={"note": None if gpu else "CPU run: not GPU figures"})


if __name__ == "__main__":
    main()
