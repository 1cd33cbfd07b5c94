"""`StepTimeBreakdown`: the epoch's time breakdown and throughput, in `timing.csv` and the logs.

The keys and what they mean are in `keras_recipes.monitoring.step_breakdown`;
the in-graph step timing in `keras_recipes.training.timed_steps`. Wall-clock
values differ from run to run, so they stay out of `history.csv` (which an
exact resume reproduces byte for byte): `DropLogKeys` takes them out of the
logs after TensorBoard has them.

Example:

>>> model.fit(ds, epochs=5, callbacks=[
...     StepTimeBreakdown("timing.csv"), MetricScalars(SummaryDir("logs")),
...     DropLogKeys(), keras.callbacks.CSVLogger("history.csv")])  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Optional

import keras

from keras_recipes.monitoring.step_breakdown import KEYS, Breakdown


class StepTimeBreakdown(keras.callbacks.Callback):
    """Adds the epoch's time breakdown and throughput to the epoch logs and `path`.

    Put it before the callbacks that write the logs (`MetricScalars`); with a
    `RecipeModel` it switches on the timed train function (retracing it once).
    Other models, and TensorFlow's op determinism (which refuses
    `tf.timestamp`), get `time_train_s`, `time_validation_s` and the rates only.
    It has no per-batch hook, so Keras keeps dispatching batch-end callbacks
    asynchronously.

    Args:
        path: a CSV file to append one row per epoch to (`epoch` and the keys), or None.
        flops_per_example: training FLOPs per example (`flops.train_flops`), or
            `"auto"` (counted from the model at the start of training), or None.
        peak_flops: the accelerators' peak FLOP/s (`device_peaks.local_peak_flops`),
            or None (no `mfu`).
    """

    def __init__(self, path=None, flops_per_example="auto", peak_flops: Optional[float] = None):
        super().__init__()
        self.path = None if path is None else Path(path)
        self.flops_per_example = flops_per_example
        self.peak_flops = peak_flops
        self.clock = None
        self._mark = None
        self._validation = 0.0
        self._test_begin = None
        self._in_fit = False
        self._examples = None
        self._tokens_per_example = 0
        self.last: Optional[Breakdown] = None
        """The last epoch's breakdown."""

    def set_model(self, model):
        super().set_model(model)
        if hasattr(model, "step_clock"):  # a RecipeModel: time the steps in the graph
            if model.step_clock is None:
                from keras_recipes.training.timed_steps import StepClock

                model.step_clock = StepClock()
                model.train_function = None  # fit rebuilds it, timed
            self.clock = model.step_clock

    def on_train_begin(self, logs=None):
        self._in_fit = True
        self._mark = None
        if self.flops_per_example == "auto":
            from keras_recipes.monitoring.flops import train_flops

            self.flops_per_example = train_flops(self.model)
        self._tokens_per_example = _sequence_length(self.model)

    def on_train_end(self, logs=None):
        self._in_fit = False

    def on_epoch_begin(self, epoch, logs=None):
        if self._mark is None:
            self._mark = time.time()
        self._validation = 0.0
        self._examples = None
        if self.clock is not None:
            self.clock.take()  # nothing from before this epoch

    def on_test_begin(self, logs=None):
        if self._in_fit:
            self._test_begin = time.time()
            if self._examples is None:  # before validation resets the loss tracker
                self._examples = _examples_seen(self.model)

    def on_test_end(self, logs=None):
        if self._in_fit and self._test_begin is not None:
            self._validation += time.time() - self._test_begin
            self._test_begin = None

    def on_epoch_end(self, epoch, logs=None):
        now = time.time()
        cycle, self._mark = now - (self._mark or now), now
        examples = self._examples if self._examples is not None else _examples_seen(self.model)
        tokens = examples * self._tokens_per_example
        reading = self.clock.take() if self.clock is not None else None
        if reading is not None and reading.calls:
            breakdown = Breakdown(reading.wait, reading.compute, reading.dispatch,
                                  max(cycle - self._validation - reading.in_calls, 0.0),
                                  self._validation, reading.in_calls, examples, tokens)
        else:  # not a RecipeModel (or op determinism): training and validation time only
            breakdown = Breakdown(None, None, None, None, self._validation,
                                  max(cycle - self._validation, 0.0), examples, tokens)
        self.last = breakdown
        values = self._logs(breakdown)
        if logs is not None:
            logs.update(values)
        if self.path is not None:
            self._append(epoch, values)

    def _append(self, epoch: int, values: dict) -> None:
        new = not self.path.exists()
        with open(self.path, "a", newline="") as handle:
            writer = csv.writer(handle)
            if new:
                writer.writerow(["epoch", *values])
            writer.writerow([epoch, *(f"{v:.6g}" for v in values.values())])

    def _logs(self, b: Breakdown) -> dict:
        """The same keys every epoch (CSVLogger fixes its columns at the first)."""
        nan = float("nan")
        logs = {"time_validation_s": b.validation}
        if b.input is not None:
            share = b.input_share
            logs.update(time_input_s=b.input, time_compute_s=b.compute,
                        time_dispatch_s=b.dispatch, time_callbacks_s=b.callbacks,
                        input_share=nan if share is None else share)
        else:
            logs["time_train_s"] = b.training
        rate = b.samples / b.training if b.training > 0 else nan
        logs["samples_per_s"] = rate
        if self._tokens_per_example:
            logs["tokens_per_s"] = rate * self._tokens_per_example
        if self.flops_per_example:
            logs["flops_per_s"] = self.flops_per_example * rate
            if self.peak_flops:
                logs["mfu"] = logs["flops_per_s"] / self.peak_flops
        return {k: float(v) for k, v in logs.items()}


class DropLogKeys(keras.callbacks.Callback):
    """Takes `keys` (default: the timing keys) out of the epoch logs: put it after the
    callbacks that should see them and before `CSVLogger`."""

    def __init__(self, keys=KEYS):
        super().__init__()
        self.keys = tuple(keys)

    def on_epoch_end(self, epoch, logs=None):
        for key in self.keys:
            (logs or {}).pop(key, None)


def _examples_seen(model) -> float:
    """Training examples in the epoch so far: the `loss` tracker's count (each step adds its
    batch size; summed over replicas), read once per epoch. 0 when there is none."""
    from keras_recipes import _keras_compat as compat

    try:
        return float(keras.ops.convert_to_numpy(compat.loss_tracker(model).count))
    except (AttributeError, compat.KerasCompatError, TypeError, ValueError):
        return 0.0


def _sequence_length(model) -> int:
    """Token positions per example: the length of an integer input of rank 2 (token ids),
    0 for other inputs or an unknown length."""
    inputs = getattr(model, "inputs", None) or []
    if len(inputs) != 1 or len(inputs[0].shape) != 2 or inputs[0].shape[1] is None:
        return 0
    return int(inputs[0].shape[1]) if "int" in str(inputs[0].dtype) else 0
