"""Benchmark: is the input pipeline (with augmentation) the bottleneck of the shipped recipes?

Part 1, for every recipe in `recipes/`: the training pipeline exactly as
`train` builds it (`trainer.prepare`: cache, shuffle, batch, augmentation,
prefetch) is run alone (batches/s over 200-1000 batches, counted inside
TensorFlow with `reduce`, after a warm-up pass that fills the cache); then
the compiled model is fitted on the same stream (training steps/s: epochs of
the same number of steps, median of those after the first). `headroom` =
pipeline batches/s / training steps/s: above 1 the pipeline keeps up
(prefetch overlaps it with training).
Recipes whose data cannot be had offline (TFDS downloads) are listed as skipped.

Part 2, image augmentation implementations: this package's `tf.data` batch ops
against the Keras preprocessing layers doing the same job, both mapped over
batches in `tf.data` (batches/s, same batch, implementations alternated over
the repetitions, medians). Not all are the same work: Keras' `RandomCrop`
draws ONE window offset per batch (the same shift for every image; ours draws
one per example).

Usage:
    python tools/bench_input_pipeline.py [--epochs 3] [--recipes quickstart digits_cnn]
        [--out tools/results/bench_input_pipeline.json]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _rate(ds, limit=None) -> tuple[float, int]:
    """(batches/s, batches) for one pass over dataset `ds` (the first `limit` batches),
    counted inside TensorFlow (`reduce`) so Python iteration costs nothing."""
    import tensorflow as tf

    if limit:
        ds = ds.take(limit)
    start = time.perf_counter()
    n = int(ds.reduce(tf.constant(0, tf.int64), lambda count, _: count + 1))
    return n / (time.perf_counter() - start), n


def bench_recipe(path: Path, epochs: int) -> dict:
    import keras

    from keras_recipes.config import load_recipe
    from keras_recipes.training.trainer import prepare

    recipe = load_recipe(path, ["training.verbose=0"])
    offline = _offline_problem(recipe)
    if offline:
        return {"recipe": path.stem, "skipped": offline}
    keras.backend.clear_session()
    try:
        prepared = prepare(recipe, echo=lambda _: None)
    except Exception as err:  # noqa: BLE001 - e.g. TFDS needs a download
        return {"recipe": path.stem, "skipped": f"{type(err).__name__}: {str(err)[:120]}"}
    train = prepared.data.train
    batches = _rate(train)[1]  # warm-up pass: fills the cache, traces the augmentation
    # Many epochs in one counted pass, so tracing `reduce` and Python cost nothing per batch.
    stream = train.repeat()
    count = min(1000, max(200, 10 * batches))
    pipeline_rate = statistics.median(_rate(stream, count)[0] for _ in range(3))

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self.start)

    timer = EpochTimer()
    timer.times = []
    # Epochs of `count` steps on the same stream: the first compiles, the rest are timed.
    prepared.model.fit(stream, epochs=epochs, steps_per_epoch=count, verbose=0,
                       callbacks=[timer])
    step_rate = count / statistics.median(timer.times[1:])
    return {"recipe": path.stem, "augment": [a.name for a in recipe.data.augment],
            "batch_size": recipe.data.batch_size, "batches_per_epoch": batches,
            "pipeline_batches_per_s": round(pipeline_rate, 1),
            "train_steps_per_s": round(step_rate, 1),
            "headroom": round(pipeline_rate / step_rate, 1)}


def _offline_problem(recipe) -> str:
    """Why the recipe's data cannot be had without a download, or ''."""
    if recipe.data.source != "tfds":
        return ""
    import tensorflow_datasets as tfds

    builder = tfds.builder(recipe.data.name, data_dir=recipe.data.data_dir)
    if Path(builder.data_dir).is_dir():
        return ""
    return f"TFDS {recipe.data.name!r} is not downloaded (no {builder.data_dir}); offline here"


def _keras_layer_ops(keras, size: int, pad: int, degrees: float) -> dict:
    """Keras preprocessing layers doing what each package op does."""
    pad_crop = keras.Sequential([keras.layers.ZeroPadding2D(pad),
                                 keras.layers.RandomCrop(size, size)])
    jitter = keras.Sequential([keras.layers.RandomBrightness(0.2, value_range=(0, 1)),
                               keras.layers.RandomContrast(0.2),
                               keras.layers.RandomSaturation((0.4, 0.6))])
    return {
        "flip": keras.layers.RandomFlip("horizontal"),
        "crop": pad_crop,
        "rotation": keras.layers.RandomRotation(degrees / 360, fill_mode="constant"),
        "color_jitter": jitter,
        "mixup": keras.layers.MixUp(alpha=0.2),
        "cutmix": keras.layers.CutMix(factor=1.0),
    }


def bench_image_ops(batch: int = 128, size: int = 32, batches: int = 30,
                    reps: int = 6) -> list[dict]:
    import keras
    import tensorflow as tf

    from keras_recipes.augment import build_augmenter
    from keras_recipes.config.schema import augment_config
    from keras_recipes.data.spec import DataSpec

    spec = DataSpec((size, size, 3), "classification", 10, batch, 0, 0)
    x = tf.random.stateless_uniform([batch, size, size, 3], [0, 1])
    y = tf.one_hot(tf.range(batch) % 10, 10)
    source = tf.data.Dataset.from_tensors((x, y)).repeat()
    entries = {"flip": {"probability": 0.5}, "crop": {"padding": 4}, "rotation": {"degrees": 15},
               "color_jitter": {}, "mixup": {}, "cutmix": {}}
    layers = _keras_layer_ops(keras, size, 4, 15.0)
    rows = []
    for name, args in entries.items():
        ours = build_augmenter([augment_config({"name": name, **args})], spec)
        mixing = name in ("mixup", "cutmix")

        def keras_map(xb, yb, layer=layers[name], mixing=mixing):
            if mixing:
                out = layer({"images": xb, "labels": yb}, training=True)
                return out["images"], out["labels"]
            return layer(xb, training=True), yb

        jobs = {
            "tf.data ops (keras_recipes)": source.enumerate().map(
                lambda i, b: ours(b[0], b[1], tf.stack([tf.constant(0, tf.int64), i])),
                num_parallel_calls=tf.data.AUTOTUNE),
            "keras preprocessing layers": source.map(keras_map,
                                                     num_parallel_calls=tf.data.AUTOTUNE),
        }
        rates = {impl: [] for impl in jobs}
        for impl, ds in jobs.items():
            _rate(ds, 5)  # trace and warm up
        for rep in range(reps):  # alternate, so a busy spell on a shared CPU hits both
            for impl in (list(jobs) if rep % 2 == 0 else list(jobs)[::-1]):
                rates[impl].append(_rate(jobs[impl], batches)[0])
        for impl, values in rates.items():
            rows.append({"op": name, "implementation": impl, "batch": f"{batch}x{size}x{size}x3",
                         "batches_per_s": round(statistics.median(values), 1),
                         "reps": [round(v, 1) for v in values]})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3, help="fit epochs per recipe (>= 2)")
    parser.add_argument("--recipes", nargs="*", help="recipe names (default: all in recipes/)")
    parser.add_argument("--skip-ops", action="store_true", help="skip part 2")
    parser.add_argument("--out", default=str(ROOT / "tools/results/bench_input_pipeline.json"))
    args = parser.parse_args()
    from keras_recipes.runtime import quiet_tensorflow_logs

    quiet_tensorflow_logs()
    paths = sorted((ROOT / "recipes").glob("*.yaml"))
    if args.recipes:
        paths = [p for p in paths if p.stem in args.recipes]
    recipes = [bench_recipe(p, max(2, args.epochs)) for p in paths]
    print(f"{'recipe':<22} {'augment':<26} {'pipeline batches/s':>18} {'train steps/s':>14} "
          f"{'headroom':>9}")
    for row in recipes:
        if "skipped" in row:
            print(f"{row['recipe']:<22} skipped: {row['skipped']}")
            continue
        print(f"{row['recipe']:<22} {','.join(row['augment']) or '-':<26} "
              f"{row['pipeline_batches_per_s']:>18} {row['train_steps_per_s']:>14} "
              f"{row['headroom']:>8}x")
    ops = [] if args.skip_ops else bench_image_ops()
    if ops:
        print(f"\n{'image op':<14} {'implementation':<30} {'batches/s':>10}")
        for row in ops:
            print(f"{row['op']:<14} {row['implementation']:<30} {row['batches_per_s']:>10}")
    import keras
    import tensorflow as tf

    report = {"measured": datetime.datetime.now().isoformat(timespec="seconds"),
              "machine": f"{platform.machine()}, {os.cpu_count()} CPUs (shared), "
                         f"load {os.getloadavg()[0]:.1f}",
              "versions": {"tensorflow": tf.__version__, "keras": keras.__version__},
              "recipes": recipes, "image_ops": ops}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
