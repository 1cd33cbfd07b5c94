"""What the step-time breakdown costs, and whether it tells the truth.

Overhead: the same `RecipeModel` on digits trained with Keras' own train
function (`keras`) and with the timed one plus `StepTimeBreakdown` (`timed`),
alternating in one process; the median steady epoch (all of `fit`'s work per
epoch, the first epoch left out) and its CPU time, for an MLP (steps of about
1 ms: the worst case) and a small CNN, with `steps_per_execution` 20 (one
call per epoch, the recipes' `auto`) and 1 (one call per step: the most
dispatches). `hooks` is the wall time spent inside the callback itself.

Truth: two constructed cases whose answer is known.
- input-bound: a tiny MLP fed by a pipeline that sleeps `--sleep-ms` per
  batch (a stand-in for heavy decoding/augmentation; sleeping holds no core,
  so the truth does not move with the machine's load). Each step can start
  only when its batch is there, so the truth is wait = sleep - step compute
  per step: input share about (sleep - compute) / sleep, compute measured
  on the same model with cached batches.
- compute-bound: three 1024-wide Dense layers on cached batches (the
  pipeline only hands over cached tensors): the truth is a wait near 0.

Usage: python tools/bench_step_breakdown.py [--reps 5] [--epochs 12]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (alternate, base_parser, clear_keras, finish, fit_timer, load,  # noqa: E402
                      median, table)

BATCH = 64


def _digits():
    import numpy as np
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    return x[:1280], y[:1280].astype("int64"), np  # 20 batches of 64


def _model(kind: str, width: int = 256):
    import keras

    from keras_recipes.training.recipe_model import RecipeModel

    keras.utils.set_random_seed(0)
    if kind == "cnn":
        inputs = keras.Input((8, 8, 1))
        h = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(inputs)
        h = keras.layers.Conv2D(64, 3, padding="same", activation="relu")(h)
        h = keras.layers.GlobalAveragePooling2D()(h)
    else:
        inputs = keras.Input((64,))
        h = inputs
        for _ in range(3 if kind == "wide" else 2):
            h = keras.layers.Dense(width, activation="relu")(h)
    return RecipeModel(inputs, keras.layers.Dense(10)(h))


def _dataset(kind: str, sleep_ms: float = 0.0):
    import tensorflow as tf

    x, y, _ = _digits()
    if kind == "cnn":
        x = x.reshape(-1, 8, 8, 1)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(BATCH)
    if sleep_ms:
        def slow(a):
            time.sleep(sleep_ms / 1000)
            return a
        ds = ds.map(lambda a, b: (tf.ensure_shape(tf.py_function(slow, [a], tf.float32),
                                                  a.shape), b))
    else:
        ds = ds.cache()
    return ds.repeat().prefetch(tf.data.AUTOTUNE)


class _TimedHooks:
    """Wraps a callback's methods to add up the wall time spent inside them."""

    def __init__(self, callback):
        self.seconds = 0.0
        """Per-epoch hooks (the once-per-fit `on_train_begin`, which counts the FLOPs, apart)."""
        self.once = 0.0
        # No batch hooks: wrapping them would make Keras run batch-end callbacks synchronously.
        for name in ("on_epoch_begin", "on_epoch_end", "on_test_begin", "on_test_end",
                     "on_train_begin"):
            setattr(callback, name, self._wrap(getattr(callback, name), name == "on_train_begin"))

    def _wrap(self, method, once: bool):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                if once:
                    self.once += time.perf_counter() - start
                else:
                    self.seconds += time.perf_counter() - start
        return timed


def _fit(kind, spe, epochs, timed: bool, sleep_ms: float = 0.0, width: int = 256) -> dict:
    import keras

    from keras_recipes.monitoring.step_time_callback import StepTimeBreakdown

    model = _model(kind, width)
    model.compile(keras.optimizers.Adam(1e-3),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  steps_per_execution=spe)
    timer = fit_timer()
    callbacks = [timer]
    breakdown = hooks = None
    if timed:
        breakdown = StepTimeBreakdown()
        hooks = _TimedHooks(breakdown)
        callbacks.append(breakdown)
    history = model.fit(_dataset(kind, sleep_ms), epochs=epochs, steps_per_epoch=20,
                        callbacks=callbacks, verbose=0).history
    steady = timer.epoch_seconds[1:]
    out = {"epoch_s": median(steady), "epoch_min_s": min(steady),
           "epoch_cpu_s": median(timer.epoch_cpu_seconds[1:]),
           "epoch_cpu_min_s": min(timer.epoch_cpu_seconds[1:]),
           "first_epoch_s": timer.epoch_seconds[0]}
    if timed:
        out["hooks_s_per_epoch"] = hooks.seconds / epochs
        out["train_begin_s"] = hooks.once
        for key in ("time_input_s", "time_compute_s", "time_dispatch_s", "time_callbacks_s",
                    "input_share", "samples_per_s"):
            if key in history:
                out[key] = median(history[key][1:])
    return out


def direct_cost(steps: int = 5000, reps: int = 7) -> dict:
    """The in-graph cost per step of the timing, measured directly: a `tf.while_loop` of
    `steps` tiny steps (a 64x64 matmul) with and without the timed loop's extra ops (two
    timestamps, their differences, two sums); the fastest of `reps` runs each, alternating,
    so that other processes' load (which only ever adds time) moves it least."""
    import tensorflow as tf

    w = tf.random.normal([64, 64])

    def loop(timed: bool):
        @tf.function
        def run():
            zero = tf.constant(0.0, tf.float64)

            def body(i, x, wait, compute, last):
                if timed:
                    with tf.control_dependencies([x, last]):
                        t0 = tf.timestamp()
                    with tf.control_dependencies([t0]):
                        x = tf.tanh(tf.matmul(x, w))
                    with tf.control_dependencies([x]):
                        t1 = tf.timestamp()
                    return i + 1, x, wait + (t0 - last), compute + (t1 - t0), t1
                return i + 1, tf.tanh(tf.matmul(x, w)), wait, compute, last

            return tf.while_loop(lambda i, *_: i < steps, body,
                                 [tf.constant(0), tf.ones([8, 64]), zero, zero, zero])
        return run

    runs = {"plain": loop(False), "timed": loop(True)}
    for run in runs.values():
        run()  # trace
    best = {name: float("inf") for name in runs}
    for rep in range(reps):
        for name in (list(runs) if rep % 2 == 0 else list(runs)[::-1]):
            start = time.perf_counter()
            runs[name]()
            best[name] = min(best[name], time.perf_counter() - start)
    return {"plain_us_per_step": 1e6 * best["plain"] / steps,
            "timed_us_per_step": 1e6 * best["timed"] / steps,
            "extra_us_per_step": 1e6 * (best["timed"] - best["plain"]) / steps}


def main() -> None:
    parser = base_parser(__doc__, "bench_step_breakdown.json", reps=5)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--sleep-ms", type=float, default=20.0)
    parser.add_argument("--direct-only", action="store_true",
                        help="only the in-graph cost per step (writes bench_step_breakdown_direct.json)")
    args = parser.parse_args()
    load_before = load()
    if args.direct_only:
        result = direct_cost()
        print(f"in-graph timing cost: {result['extra_us_per_step']:.2f} us/step "
              f"({result['plain_us_per_step']:.2f} -> {result['timed_us_per_step']:.2f} us "
              "for a tiny step)")
        if args.out.endswith("bench_step_breakdown.json"):
            args.out = args.out.replace(".json", "_direct.json")
        finish(args, "step-time breakdown: in-graph cost per step", {}, result, {}, "",
               load_before)
        return
    runs, summary, rows = {}, {}, {}
    for kind in ("mlp", "cnn"):
        for spe in (20, 1):
            name = f"{kind} spe={spe}"
            print(f"{name}:")
            pair = alternate({"keras": lambda: _fit(kind, spe, args.epochs, False),
                              "timed": lambda: _fit(kind, spe, args.epochs, True)},
                             reps=args.reps, before_each=clear_keras)
            runs[name] = pair
            ratios = [t["epoch_s"] / k["epoch_s"] - 1 for k, t in zip(pair["keras"], pair["timed"])]
            cpu = [t["epoch_cpu_s"] / k["epoch_cpu_s"] - 1
                   for k, t in zip(pair["keras"], pair["timed"])]
            keras_s = median(r["epoch_s"] for r in pair["keras"])
            hooks = median(r["hooks_s_per_epoch"] for r in pair["timed"])
            fastest = {job: min(r["epoch_min_s"] for r in pair[job]) for job in pair}
            fastest_cpu = {job: min(r["epoch_cpu_min_s"] for r in pair[job]) for job in pair}
            rows[name] = {"keras_ms": 1000 * keras_s,
                          "timed_ms": 1000 * median(r["epoch_s"] for r in pair["timed"]),
                          "overhead": median(ratios), "overhead_cpu": median(cpu),
                          "overhead_min": fastest["timed"] / fastest["keras"] - 1,
                          "overhead_min_cpu": fastest_cpu["timed"] / fastest_cpu["keras"] - 1,
                          "hooks": hooks / keras_s,
                          "train_begin_s": median(r["train_begin_s"] for r in pair["timed"])}
            summary[name] = rows[name]
    print("\noverhead: median of the paired runs' median-epoch ratios, and the fastest epoch "
          "of all runs (min); hooks: time inside StepTimeBreakdown per epoch / keras epoch")
    print(table(rows, [("keras_ms", "keras ms/epoch", ".2f"), ("timed_ms", "timed ms/epoch", ".2f"),
                       ("overhead", "median wall", "+.2%"), ("overhead_cpu", "median CPU", "+.2%"),
                       ("overhead_min", "min wall", "+.2%"),
                       ("overhead_min_cpu", "min CPU", "+.2%"), ("hooks", "hooks", ".2%"),
                       ("train_begin_s", "once s", ".3f")],
                first="model"))

    print("\ntruth cases:")
    clear_keras()
    cached = _fit("mlp", 4, 4, True, width=16)
    clear_keras()
    slow = _fit("mlp", 4, 4, True, sleep_ms=args.sleep_ms, width=16)
    clear_keras()
    wide = _fit("wide", 4, 4, True, width=1024)
    from keras_recipes.monitoring.step_breakdown import Breakdown, verdict

    def verdict_of(r):
        return verdict(Breakdown(r["time_input_s"], r["time_compute_s"], r["time_dispatch_s"],
                                 r["time_callbacks_s"], 0.0,
                                 r["time_input_s"] + r["time_compute_s"] + r["time_dispatch_s"]))

    step = cached["time_compute_s"] / 20
    truth = max(0.0, (args.sleep_ms / 1000 - step) / (args.sleep_ms / 1000))
    truth_rows = {
        f"input-bound ({args.sleep_ms:g} ms/batch)": {
            "truth": truth, "measured": slow["input_share"],
            "wait_ms": 1000 * slow["time_input_s"] / 20, "verdict": verdict_of(slow)},
        "compute-bound (3 x Dense 1024)": {
            "truth": 0.0, "measured": wide["input_share"],
            "wait_ms": 1000 * wide["time_input_s"] / 20, "verdict": verdict_of(wide)}}
    for name, row in truth_rows.items():
        print(f"  {name}: input share truth {row['truth']:.1%}, measured {row['measured']:.1%} "
              f"(wait {row['wait_ms']:.2f} ms/step) -> {row['verdict']}")
    summary["truth"] = truth_rows
    finish(args, "step-time breakdown: overhead and truth",
           {"epochs": args.epochs, "reps": args.reps, "batch": BATCH, "steps_per_epoch": 20,
            "sleep_ms": args.sleep_ms}, summary, runs, "", load_before)


if __name__ == "__main__":
    main()
