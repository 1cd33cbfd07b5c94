"""Benchmark: cost of full monitoring (LR logger + grad-norm logger + TensorBoard) per step.

For the quickstart (MLP) and digits_cnn (CNN) recipes it trains, in one
process with alternating repetitions:

- `none`: TensorBoard, the learning-rate logger and the gradient-norm logger off;
- `full`: all three on as a recipe gets them by default (TensorBoard per
  epoch with its extras, the loggers every `every_n_steps`, or `--every`),
  `training.steps_per_execution: auto`;
- `loggers`: the two loggers only (TensorBoard off);
- `full_spe1`: `full` with `steps_per_execution=1`, which `auto` used to
  pick whenever a logger was on;
- `loggers_keras_tb`: the two loggers with `keras.callbacks.TensorBoard`
  (epoch scalars) in place of the recipe's TensorBoard writers.

The cost per step is the steady-state wall time of an epoch (from one epoch's
start to the next: training, validation and every callback's epoch-end work;
the first epoch, which traces, is left out) divided by its training steps.
Overhead = cost(job) / cost(none) - 1, medians of the repetitions, for the
median epoch (`ms/step`, the acceptance figure), for the mean epoch
(`mean ms/step`: work done on some epochs only, such as per-class metrics
within their `max_overhead` budget, shows there) and for the training phase
alone (`train ms/step`). One-off costs (tracing, the sample grid, the final
confusion matrix) are in `1st epoch s` and `fit s`, not per step.

On a shared 2-CPU machine two runs of the same job differ by 10-20%, more
than the overhead sought, so the difference of medians is backed by a direct
measure: `hooks ms/step` is the wall time spent inside the monitoring
callbacks' epoch and batch hooks (steady epochs; timed around each call on
the training thread) per training step, and `hooks %` that time relative to
the `none` job's mean epoch. `CPU ovh %` compares the median epoch's CPU time
of this process (all threads), which other processes' load moves less. What
the hook timing leaves out is work inside the compiled
train step (the loggers' in-graph taps), which the `loggers_unread` job
isolates: the loggers attached but reading nothing after the first step.

Usage:
    python tools/bench_monitoring.py [--recipes quickstart digits_cnn] [--reps 4]
        [--every N] [--out tools/results/bench_monitoring.json]
"""

from __future__ import annotations

import contextlib
import math
import time

from benchlib import alternate, base_parser, clear_keras, finish, load, median, table, train_recipe

RECIPES = ["quickstart", "digits_cnn"]
OFF = ["callbacks.tensorboard.enabled=false", "callbacks.learning_rate_logger.enabled=false",
       "callbacks.gradient_norm_logger.enabled=false"]


def full(every: int | None) -> list:
    on = ["callbacks.tensorboard.enabled=true", "callbacks.tensorboard.update_freq=epoch",
          "callbacks.learning_rate_logger.enabled=true",
          "callbacks.gradient_norm_logger.enabled=true"]
    if every is not None:
        on += [f"callbacks.learning_rate_logger.every_n_steps={every}",
               f"callbacks.gradient_norm_logger.every_n_steps={every}"]
    return on


MONITORING = {"LearningRateLogger", "GradientNormLogger", "LossScaleLogger", "StepScalars",
              "RecipeSummary", "SampleInputs", "ValidationSummaries", "MetricScalars",
              "WeightHistograms", "ProfileBatch", "TensorBoard"}
HOOKS = ("on_epoch_begin", "on_train_batch_begin", "on_train_batch_end", "on_test_begin",
         "on_test_batch_end", "on_test_end", "on_epoch_end")


class HookClock:
    """Times the monitoring callbacks' hooks on the training thread, from the second
    epoch on (`on_train_begin`/`on_train_end`, one-off work, are left out)."""

    def __init__(self):
        self.seconds, self.epochs = 0.0, 0
        self._steady = False

    def wrap(self, callback):
        if type(callback).__name__ not in MONITORING:
            return callback
        for hook in HOOKS:
            method = getattr(callback, hook)

            def timed(*args, _method=method, _hook=hook, **kwargs):
                if _hook == "on_epoch_begin":
                    self._steady = args[0] >= 1
                started = time.perf_counter()
                result = _method(*args, **kwargs)
                if self._steady:
                    self.seconds += time.perf_counter() - started
                return result

            setattr(callback, hook, timed)
        return callback


@contextlib.contextmanager
def timed_monitoring(clock: HookClock):
    """Wraps the callbacks the recipe builds with `clock`."""
    from keras_recipes.training import callback_factory

    build = callback_factory.build_callbacks
    callback_factory.build_callbacks = lambda *a, **k: [clock.wrap(c) for c in build(*a, **k)]
    try:
        yield
    finally:
        callback_factory.build_callbacks = build


def job(recipe: str, epochs: int, overrides: list, keras_tensorboard: bool = False):
    def run():
        import tempfile

        import keras

        clock = HookClock()
        with tempfile.TemporaryDirectory() as logs, timed_monitoring(clock):
            extra = [clock.wrap(keras.callbacks.TensorBoard(logs))] if keras_tensorboard else []
            result = train_recipe(recipe, [f"training.epochs={epochs}", *overrides], extra)
        steps = math.ceil(result["num_train"] / 64)
        steady_epochs = result["epochs_run"] - 1
        return {**result, "ms_per_step": 1000 * result["steady_epoch_s"] / steps,
                "hooks_ms_per_step": 1000 * clock.seconds / (steady_epochs * steps),
                "mean_ms_per_step": 1000 * result["mean_epoch_s"] / steps,
                "cpu_ms_per_step": 1000 * result["steady_epoch_cpu_s"] / steps,
                "train_ms_per_step": 1000 * result["num_train"]
                / (result["steady_samples_per_s"] * steps)}
    return run


def main() -> None:
    parser = base_parser(__doc__, "bench_monitoring.json", reps=4)
    parser.add_argument("--recipes", nargs="+", default=RECIPES)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--every", type=int, default=None,
                        help="loggers' every_n_steps (default: the recipe's)")
    args = parser.parse_args()

    before = load()
    summary, runs, blocks = {}, {}, []
    for recipe in args.recipes:
        print(f"{recipe}, {args.epochs} epochs")
        loggers = [o for o in full(args.every) if "tensorboard" not in o]
        jobs = {"none": job(recipe, args.epochs, OFF),
                "loggers": job(recipe, args.epochs,
                               ["callbacks.tensorboard.enabled=false", *loggers]),
                "full": job(recipe, args.epochs, full(args.every)),
                "full_spe1": job(recipe, args.epochs,
                                 [*full(args.every), "training.steps_per_execution=1"]),
                "loggers_unread": job(recipe, args.epochs, [
                    "callbacks.tensorboard.enabled=false",
                    "callbacks.learning_rate_logger.every_n_steps=1000000",
                    "callbacks.gradient_norm_logger.every_n_steps=1000000"]),
                "loggers_keras_tb": job(recipe, args.epochs,
                                        ["callbacks.tensorboard.enabled=false", *loggers],
                                        keras_tensorboard=True)}
        runs[recipe] = alternate(jobs, args.reps, before_each=clear_keras)
        rows = {name: {key: median(r[key] for r in results)
                       for key in ("ms_per_step", "mean_ms_per_step", "cpu_ms_per_step",
                                   "train_ms_per_step",
                                   "hooks_ms_per_step", "first_epoch_s", "fit_s")}
                for name, results in runs[recipe].items()}
        none = rows["none"]
        for row in rows.values():
            for key, base in (("overhead_pct", "ms_per_step"),
                              ("mean_overhead_pct", "mean_ms_per_step"),
                              ("cpu_overhead_pct", "cpu_ms_per_step"),
                              ("train_overhead_pct", "train_ms_per_step")):
                row[key] = 100 * (row[base] / none[base] - 1)
            row["hooks_pct"] = 100 * row["hooks_ms_per_step"] / none["mean_ms_per_step"]
        summary[recipe] = {key: rows["full"][key] for key in
                           ("overhead_pct", "mean_overhead_pct", "cpu_overhead_pct",
                            "train_overhead_pct", "hooks_pct")}
        summary[recipe]["jobs"] = rows
        blocks.append(f"{recipe}: full monitoring costs {rows['full']['overhead_pct']:+.1f}% "
                      f"per step (its callbacks' own time: {rows['full']['hooks_pct']:.1f}%)\n"
                      + table(rows, [
                          ("ms_per_step", "ms/step", ".3f"),
                          ("mean_ms_per_step", "mean ms/step", ".3f"),
                          ("train_ms_per_step", "train ms/step", ".3f"),
                          ("first_epoch_s", "1st epoch s", ".2f"), ("fit_s", "fit s", ".2f"),
                          ("overhead_pct", "overhead %", "+.1f"),
                          ("mean_overhead_pct", "mean ovh %", "+.1f"),
                          ("cpu_overhead_pct", "CPU ovh %", "+.1f"),
                          ("train_overhead_pct", "train ovh %", "+.1f"),
                          ("hooks_ms_per_step", "hooks ms/step", ".4f"),
                          ("hooks_pct", "hooks %", ".2f")]))
    finish(args, "full monitoring overhead per step",
           {"recipes": args.recipes, "epochs": args.epochs, "reps": args.reps,
            "every_n_steps": args.every}, summary, runs, "\n\n".join(blocks), before)


if __name__ == "__main__":
    main()
