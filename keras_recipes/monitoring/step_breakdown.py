"""Where each epoch's time goes: waiting for data, computing, dispatching, callbacks.

`step_time_callback.StepTimeBreakdown` measures and adds these keys to the
epoch logs; this module holds them, the verdict and the `report.md` section
(and imports no TensorFlow). An epoch's wall time, from one epoch end to the
next (so the previous epoch's end-of-epoch work is in it), is split into:

| key (epoch logs, `history.csv`, TensorBoard `epoch_<key>`) | what |
|---|---|
| `time_input_s` | the steps waiting for their batch (in the graph, see `training.timed_steps`) |
| `time_compute_s` | the steps computing: forward, backward, update |
| `time_dispatch_s` | launching the compiled calls and returning their outputs |
| `time_callbacks_s` | the host between calls: Keras' loop, every callback, epoch-end work |
| `time_validation_s` | the validation pass |
| `time_train_s` | instead of the four above when the steps are not timed (not a `RecipeModel`, or op determinism) |
| `input_share` | `time_input_s` / (input + compute + dispatch): the step time spent waiting |
| `samples_per_s`, `tokens_per_s` | training examples (token positions) per second of training time |
| `flops_per_s`, `mfu` | model FLOP/s (3 x forward FLOPs x samples/s) and its share of the accelerators' peak |

The split needs a `RecipeModel` (its train function is timed in the graph);
other models get `time_train_s`, `time_validation_s` and the rates, and no
verdict.

Example:

>>> b = Breakdown(input=6.2, compute=3.6, dispatch=0.2, callbacks=0.5, validation=1.0,
...               in_calls=10.0)
>>> verdict(b)
'input-bound: 62% of step time waiting for data -> cache, parallel decode, prefetch, fewer/cheaper augmentations'
"""

from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path
from typing import Optional

INPUT_BOUND = 0.3
"""An input share of step time at or above this is `input-bound`."""
HOST_BOUND = 0.3
"""Dispatch + callbacks at or above this share of training time is `host-bound`."""

TIME_KEYS = ("time_input_s", "time_compute_s", "time_dispatch_s", "time_callbacks_s",
             "time_validation_s", "time_train_s")
RATE_KEYS = ("input_share", "samples_per_s", "tokens_per_s", "flops_per_s", "mfu")
KEYS = TIME_KEYS + RATE_KEYS
"""Every key `StepTimeBreakdown` adds to the epoch logs."""
TIMING_FILE = "timing.csv"
"""The run directory's per-epoch breakdown (`epoch` and `KEYS`)."""


@dataclasses.dataclass(frozen=True)
class Breakdown:
    """Seconds of one epoch (or a sum of epochs) by where they went."""

    input: Optional[float]
    compute: Optional[float]
    dispatch: Optional[float]
    callbacks: Optional[float]
    """None (with input, compute and dispatch) when the steps are not timed."""
    validation: float
    in_calls: float
    """Inside the train function (input + compute + dispatch when those are known)."""
    samples: float = 0.0
    tokens: float = 0.0

    @property
    def training(self) -> float:
        """Wall time of the training part (everything but validation)."""
        return self.in_calls + (self.callbacks or 0.0)

    @property
    def input_share(self) -> Optional[float]:
        """Share of step time (input + compute + dispatch) spent waiting for data."""
        if self.input is None or self.in_calls <= 0:
            return None
        return self.input / self.in_calls

    @property
    def host_share(self) -> float:
        """Share of training time spent outside the compiled steps (dispatch, callbacks)."""
        if self.callbacks is None or not self.training:
            return 0.0
        return ((self.dispatch or 0.0) + self.callbacks) / self.training

    @classmethod
    def from_history(cls, history: dict, skip_first: bool = True) -> Optional["Breakdown"]:
        """The sum over `history`'s epochs (all but the first, which traces, when there are
        more), or None when the history has no timing."""
        if not history.get("time_callbacks_s"):
            return None
        first = 1 if skip_first and len(history["time_callbacks_s"]) > 1 else 0

        def total(key):
            values = [v for v in history.get(key, [])[first:] if _finite(v)]
            return sum(values) if values else None

        has_clock = total("time_input_s") is not None
        parts = ("time_input_s", "time_compute_s", "time_dispatch_s")
        in_calls = sum(total(k) or 0.0 for k in parts)
        samples = 0.0
        for i in range(first, len(history["time_callbacks_s"])):
            seconds = sum(_at(history, k, i) for k in parts + ("time_callbacks_s",))
            samples += _at(history, "samples_per_s", i) * seconds
        return cls(total("time_input_s") if has_clock else None,
                   total("time_compute_s"), total("time_dispatch_s") if has_clock else None,
                   total("time_callbacks_s") or 0.0, total("time_validation_s") or 0.0,
                   in_calls, samples=samples)


def verdict(breakdown: Breakdown) -> str:
    """One line: what bounds the training speed, the number behind it, and what to try."""
    share = breakdown.input_share
    if share is not None and share >= INPUT_BOUND:
        also = (f"; also {breakdown.host_share:.0%} of training time outside the step "
                "(callbacks, epoch-end work, dispatch)"
                if breakdown.host_share >= HOST_BOUND else "")
        return (f"input-bound: {share:.0%} of step time waiting for data -> cache, parallel "
                f"decode, prefetch, fewer/cheaper augmentations{also}")
    if breakdown.host_share >= HOST_BOUND:
        if (breakdown.dispatch or 0.0) > breakdown.callbacks:
            return (f"host-bound: {breakdown.host_share:.0%} of training time outside the "
                    "compiled step, mostly launching calls -> a larger "
                    "training.steps_per_execution or batch")
        return (f"host-bound: {breakdown.host_share:.0%} of training time outside the compiled "
                "step, mostly in callbacks and epoch-end work (checkpoints, TensorBoard "
                "extras) -> longer epochs, fewer per-batch callbacks, "
                "callbacks.checkpoint.write_interval_s")
    if share is None:
        return "not measured: the steps of this model are not timed"
    compute = (breakdown.compute or 0.0) / breakdown.in_calls if breakdown.in_calls else 0.0
    return (f"compute-bound: {compute:.0%} of step time in the compiled step, {share:.0%} "
            "waiting for data -> mixed precision, XLA, a larger batch or a smaller model")


def report_lines(history: dict) -> list[str]:
    """The `report.md` section: the verdict and the steady epochs' breakdown."""
    b = Breakdown.from_history(history)
    if b is None:
        return []
    epochs = len(history["time_callbacks_s"])
    steady = epochs - 1 if epochs > 1 else epochs
    total = b.training + b.validation
    rows = [("waiting for data", b.input), ("computing (compiled step)", b.compute),
            ("dispatching calls", b.dispatch), ("callbacks and Keras' loop", b.callbacks),
            ("validation", b.validation)]
    lines = ["## Where the time goes", "", f"**{verdict(b)}**", "",
             f"Over {steady} epoch(s){' after the first (which traces)' if epochs > 1 else ''}:",
             "", "| part | s per epoch | share of epoch |", "|---|---|---|"]
    for name, seconds in rows:
        if seconds is not None:
            lines.append(f"| {name} | {seconds / steady:.4g} | "
                         f"{seconds / total if total else 0:.1%} |")
    last = {k: history[k][-1] for k in ("samples_per_s", "tokens_per_s", "flops_per_s", "mfu")
            if history.get(k)}
    rates = []
    if "samples_per_s" in last:
        rates.append(f"{last['samples_per_s']:.4g} samples/s")
    if "tokens_per_s" in last:
        rates.append(f"{last['tokens_per_s']:.4g} tokens/s")
    if "flops_per_s" in last:
        rates.append(f"{last['flops_per_s'] / 1e9:.4g} GFLOP/s of model FLOPs")
    if "mfu" in last:
        rates.append(f"MFU {last['mfu']:.1%}")
    if rates:
        lines += ["", "Throughput (last epoch): " + ", ".join(rates) + "."]
    lines += ["", "Measured in the graph at each step (`keras_recipes.monitoring.step_breakdown`;"
              " its cost is in docs/PERFORMANCE.md).", ""]
    return lines


def read_timing(path) -> dict:
    """`timing.csv` as `{key: [value per epoch]}` (the last row of an epoch logged twice,
    e.g. around a resume), or `{}` when there is none."""
    path = Path(path)
    if not path.exists():
        return {}
    rows: dict = {}
    try:
        with open(path, newline="") as handle:
            for row in csv.DictReader(handle):
                epoch = int(row.pop("epoch"))
                rows[epoch] = {k: float(v) for k, v in row.items()}
    except (OSError, ValueError, TypeError, KeyError):
        return {}
    keys = list(next(iter(rows.values()), {}))
    return {k: [rows[e].get(k, float("nan")) for e in sorted(rows)] for k in keys}


def _at(history: dict, key: str, index: int) -> float:
    """`history[key][index]` as a float, 0 when missing or not finite."""
    values = history.get(key) or []
    return float(values[index]) if index < len(values) and _finite(values[index]) else 0.0


def _finite(value) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
