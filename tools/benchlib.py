"""Shared pieces of the `tools/bench_*.py` benchmarks.

Every benchmark compares jobs side by side in one process: a warm-up run of
each, then repetitions in alternating (rotating) order so that a slow spell
on a shared machine hits every job alike, and medians of the repetitions.
Each prints a table and writes a JSON report to `tools/results/` with the
time of measurement, the load average (`uptime`) before and after, the
machine and the library versions.

Example:

    from benchlib import alternate, base_parser, finish, median_rows

    runs = alternate({"a": job_a, "b": job_b}, reps=3)
    rows = median_rows(runs, ["fit_s"])
    finish(args, "my benchmark", {"a vs b": ...}, rows, runs, ["fit_s"])
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Keras warns that `fit(dataset)` ignores its default `shuffle=True`: noise in the tables.
warnings.filterwarnings("ignore", message=".*`shuffle=True` was passed.*")
ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "tools" / "results"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def base_parser(doc: str, out_name: str, reps: int = 3) -> argparse.ArgumentParser:
    """`--reps` and `--out` (default `tools/results/<out_name>`), with the module doc as help."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=doc.split("\n\n", 1)[-1])
    parser.add_argument("--reps", type=int, default=reps, help="repetitions of each job")
    parser.add_argument("--out", default=str(RESULTS / out_name), help="JSON report path")
    return parser


def load() -> dict:
    """The machine's load: `os.getloadavg()` and the `uptime` line."""
    try:
        line = subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        line = ""
    return {"loadavg": [round(v, 2) for v in os.getloadavg()], "uptime": line}


def environment() -> dict:
    """Where and when: UTC time, machine, CPUs, GPUs seen, versions (no TensorFlow import)."""
    versions = {}
    for package in ("tensorflow", "keras", "numpy", "scikit-learn"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return {
        "measured_at_utc": datetime.datetime.now(datetime.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU(s), {platform.platform()}",
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "versions": versions,
    }


def alternate(jobs: Mapping[str, Callable[[], dict]], reps: int, warmup: bool = True,
              before_each: Callable[[], None] | None = None, echo=print) -> dict:
    """Runs every job once to warm up (discarded), then `reps` rounds in rotating order.

    Round `r` starts with job `r mod len(jobs)`, so with two jobs the order
    alternates. `before_each` runs before every job (e.g. to clear Keras'
    session). Returns `{name: [result dict per repetition]}`.
    """
    names = list(jobs)
    if warmup:
        for name in names:
            if before_each:
                before_each()
            jobs[name]()
    runs = {name: [] for name in names}
    for rep in range(reps):
        order = names[rep % len(names):] + names[:rep % len(names)]
        for name in order:
            if before_each:
                before_each()
            result = jobs[name]()
            runs[name].append(result)
            if echo:
                shown = {k: round(v, 4) if isinstance(v, float) else v
                         for k, v in result.items() if not isinstance(v, (list, dict))}
                echo(f"  rep {rep + 1}/{reps} {name}: {shown}")
    return runs


def median(values: Iterable[float]) -> float:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def median_rows(runs: Mapping[str, list], keys: Sequence[str]) -> dict:
    """`{job: {key: median over repetitions}}`."""
    return {name: {key: median(r.get(key) for r in results) for key in keys}
            for name, results in runs.items()}


def table(rows: Mapping[str, Mapping], columns: Sequence[tuple[str, str, str]],
          first: str = "job") -> str:
    """A text table: one line per row name; `columns` are `(key, header, format)`."""
    width = max([len(first)] + [len(name) for name in rows]) + 2
    widths = [max(len(header), 9) + 2 for _, header, _ in columns]
    lines = [first.ljust(width) + "".join(h.rjust(w) for (_, h, _), w in zip(columns, widths))]
    for name, row in rows.items():
        cells = []
        for (key, _, fmt), w in zip(columns, widths):
            value = row.get(key)
            cells.append(("-" if value is None else format(value, fmt)).rjust(w))
        lines.append(name.ljust(width) + "".join(cells))
    return "\n".join(lines)


def finish(args, benchmark: str, config: Mapping, summary: Mapping, runs: Mapping,
           text: str, load_before: dict, extra: Mapping | None = None) -> dict:
    """Prints `text`, writes the JSON report to `args.out`; returns the report."""
    report = {"benchmark": benchmark, **environment(), "load_before": load_before,
              "load_after": load(), "config": dict(config), "summary": summary,
              **(extra or {}), "runs": runs}
    print(text)
    print(f"load before: {load_before['loadavg']}, after: {report['load_after']['loadavg']}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=float) + "\n")
    print(f"wrote {out}")
    return report


def fit_timer():
    """A Keras callback timing `fit`: total seconds, each epoch, and its training phase.

    The training phase of an epoch runs from `on_epoch_begin` to the start of
    validation (`on_test_begin`) or the epoch's end, so validation, checkpoints
    and epoch-end logging are left out of `train_seconds`. `epoch_seconds`
    run from one `on_epoch_begin` to the next (the last to `on_train_end`):
    everything an epoch costs, every callback's epoch-end work included;
    `epoch_cpu_seconds` the same spans in CPU time of this process (all its
    threads), which other processes' load moves less than wall time.
    Put the timer first in the callback list.
    """
    import keras

    class FitTimer(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start = time.perf_counter()
            self.train_seconds = []
            self.epoch_starts = []
            self.cpu_starts = []
            self.val_accuracy = []  # (value, perf_counter) at each epoch's end
            self._epoch = None

        def on_epoch_begin(self, epoch, logs=None):
            self._epoch = time.perf_counter()
            self.epoch_starts.append(self._epoch)
            self.cpu_starts.append(time.process_time())

        def _close_epoch(self):
            if self._epoch is not None:
                self.train_seconds.append(time.perf_counter() - self._epoch)
                self._epoch = None

        def on_test_begin(self, logs=None):
            self._close_epoch()

        def on_epoch_end(self, epoch, logs=None):
            self._close_epoch()
            self.val_accuracy.append(((logs or {}).get("val_accuracy"), time.perf_counter()))

        def on_train_end(self, logs=None):
            end = time.perf_counter()
            self.seconds = end - self.start
            marks = self.epoch_starts + [end]
            self.epoch_seconds = [b - a for a, b in zip(marks, marks[1:])]
            cpu = self.cpu_starts + [time.process_time()]
            self.epoch_cpu_seconds = [b - a for a, b in zip(cpu, cpu[1:])]

    return FitTimer()


def throughput(timer, samples_per_epoch: int) -> dict:
    """Samples/s over all epochs, and in steady state.

    Steady state leaves out the first epoch (it traces the train function)
    and takes the median epoch, so a burst of load from other processes on a
    shared machine moves it less than a mean would. `steady_epoch_s` is the
    median whole epoch (training, validation, epoch-end callbacks), `mean_epoch_s`
    their mean (work done on some epochs only, such as budgeted summaries, shows
    there).
    """
    epochs = timer.train_seconds
    steady = epochs[1:] or epochs
    whole = timer.epoch_seconds[1:] or timer.epoch_seconds
    return {"fit_s": timer.seconds, "train_s": sum(epochs),
            "samples_per_s": samples_per_epoch * len(epochs) / sum(epochs),
            "steady_samples_per_s": samples_per_epoch / median(steady),
            "first_epoch_s": epochs[0], "steady_epoch_s": median(whole),
            "mean_epoch_s": sum(whole) / len(whole),
            "steady_epoch_cpu_s": median(timer.epoch_cpu_seconds[1:] or timer.epoch_cpu_seconds)}


def clear_keras() -> None:
    """Fresh Keras state before a job (names, graphs), the same for every job."""
    import gc

    import keras

    keras.backend.clear_session()
    gc.collect()


def train_recipe(name: str, overrides: Sequence[str] = (), callbacks: Sequence = (),
                 early_stopping: bool = False, targets: Sequence[float] = ()) -> dict:
    """Trains `recipes/<name>.yaml` in a temporary run directory; timings and test metrics.

    Keras prints nothing; early stopping is off unless asked for, so every
    run trains every epoch. `s_to_val_accuracy` maps each of `targets` to the
    seconds from the `train` call (data, model, fit) to the end of the first epoch
    whose validation accuracy reached it (None if none did).
    """
    import tempfile

    from keras_recipes.config import load_recipe
    from keras_recipes.training.trainer import train

    quiet = ["training.verbose=0"] + ([] if early_stopping else ["callbacks.early_stopping=false"])
    recipe = load_recipe(ROOT / "recipes" / f"{name}.yaml", [*quiet, *overrides])
    timer = fit_timer()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        result = train(recipe, Path(tmp), echo=lambda _: None,
                       extra_callbacks=[timer, *callbacks])
        timing = read_timing(Path(tmp))
    reached = {f"{t:g}": next((at - start for acc, at in timer.val_accuracy
                                if acc is not None and acc >= t), None) for t in targets}
    return {"wall_s": time.perf_counter() - start,
            **throughput(timer, result.spec.num_train), "s_to_val_accuracy": reached,
            "test_accuracy": result.metrics.get("test", {}).get("accuracy"),
            "val_accuracy": result.metrics.get("val", {}).get("accuracy"),
            "epochs_run": len(timer.epoch_seconds), "num_train": result.spec.num_train,
            **({"timing": timing} if timing else {})}


def read_timing(run_dir: Path) -> dict:
    """The run's step-time breakdown (`timing.csv`, when the product writes one): the
    median of each key over the epochs after the first (which traces), and the
    product's verdict over those epochs (`keras_recipes.monitoring.step_breakdown`)."""
    try:
        from keras_recipes.monitoring.step_breakdown import Breakdown, read_timing as read, verdict
    except ImportError:  # a version of the product without the breakdown
        return {}
    history = read(Path(run_dir) / "timing.csv")
    if not history:
        return {}
    out = {key: median(v for v in (values[1:] or values) if v == v)  # NaN: not measured
           for key, values in history.items()}
    breakdown = Breakdown.from_history(history)
    if breakdown is not None:
        out["verdict"] = verdict(breakdown)
    return out


CHILD_MARK = "BENCH_RESULT "
"""Prefix of the one stdout line in which a child process hands its result back."""


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (`ru_maxrss`; Linux reports KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit_child_result(result: Mapping) -> None:
    """Prints a child job's result (with its process's peak RSS) for `isolated_job`."""
    print(CHILD_MARK + json.dumps({**result, "peak_rss_mb": peak_rss_mb()}, default=float),
          flush=True)


def isolated_job(script: str | Path, args: Sequence[str], label: str = "") -> Callable[[], dict]:
    """A job for `alternate` that runs `python script *args` in a fresh process.

    The child does its work and calls `emit_child_result`; a fresh process per
    job gives each its own peak resident memory and no state left by another
    job (Keras names, tf.data threads, caches). The child's start-up (Python,
    TensorFlow import) is outside whatever the child times.
    """
    def job():
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
        done = subprocess.run([sys.executable, str(script), *args], capture_output=True,
                              text=True, env=env, cwd=ROOT)
        lines = [line for line in done.stdout.splitlines() if line.startswith(CHILD_MARK)]
        if done.returncode or not lines:
            raise RuntimeError(f"{label or args} failed (exit {done.returncode}):\n"
                               f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
        return json.loads(lines[-1][len(CHILD_MARK):])
    return job
