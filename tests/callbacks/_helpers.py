"""Shared pieces of the callback tests: tiny data and models, a log recorder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def regression_data(n=32, features=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    w = rng.normal(size=(features, 1)).astype("float32")
    y = (x @ w + 0.1 * rng.normal(size=(n, 1))).astype("float32")
    return x, y


def mlp(features=4, hidden=8, output_dtype=None):
    return keras.Sequential(
        [
            keras.Input((features,)),
            keras.layers.Dense(hidden, activation="tanh"),
            keras.layers.Dense(1, dtype=output_dtype),
        ]
    )


class Recorder(keras.callbacks.Callback):
    """Keeps a copy of every batch's and epoch's logs (put it last)."""

    def __init__(self):
        super().__init__()
        self.batches = []
        self.epochs = []

    def on_train_batch_end(self, batch, logs=None):
        self.batches.append(dict(logs or {}))

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(dict(logs or {}))

    def column(self, key, where="batches"):
        return [logs.get(key) for logs in getattr(self, where)]


class Scripted(keras.callbacks.Callback):
    """Puts `values[epoch]` into the epoch logs as `score` (put it first)."""

    def __init__(self, values):
        super().__init__()
        self.values = list(values)

    def on_epoch_end(self, epoch, logs=None):
        logs["score"] = float(self.values[epoch])


def schedule_values(schedule, steps):
    return np.asarray(keras.ops.convert_to_numpy(schedule(np.asarray(steps, "float32"))), "float64")


def run_python(script: Path, *args: str, timeout: float = 300) -> dict:
    """Runs a script in a fresh interpreter; returns the JSON its last line prints."""
    env = {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "CUDA_VISIBLE_DEVICES": "",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.run(
        [sys.executable, str(script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise AssertionError(f"{script.name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


class ImpliedLearningRate(keras.callbacks.Callback):
    """Measures the learning rate plain SGD really applied at each step.

    Before a batch it computes the batch's gradient by hand (mean squared
    error; `x`, `y` in the order `fit` sees them, i.e. `shuffle=False`);
    after it, the weight change `dw`; the applied rate is
    `-sum(dw * g) / sum(g * g)` (exact for SGD without momentum). `norms`
    keeps each batch's gradient norm `sqrt(sum(g * g))`.
    """

    def __init__(self, x, y, batch_size):
        super().__init__()
        self.x, self.y, self.batch_size = x, y, batch_size
        self.values = []
        self.norms = []
        self._before = None

    def on_train_batch_begin(self, batch, logs=None):
        import tensorflow as tf

        start = batch * self.batch_size
        xb, yb = self.x[start:start + self.batch_size], self.y[start:start + self.batch_size]
        with tf.GradientTape() as tape:
            loss = keras.losses.MeanSquaredError()(yb, self.model(xb, training=True))
        grads = tape.gradient(loss, self.model.trainable_variables)
        self._before = (
            [np.array(keras.ops.convert_to_numpy(v)) for v in self.model.trainable_variables],
            [np.array(g) for g in grads],
        )
        self.norms.append(float(np.sqrt(sum(np.sum(np.square(g)) for g in self._before[1]))))

    def on_train_batch_end(self, batch, logs=None):
        weights, grads = self._before
        after = [np.array(keras.ops.convert_to_numpy(v)) for v in self.model.trainable_variables]
        num = sum(float(np.sum((a - w) * g)) for a, w, g in zip(after, weights, grads))
        den = sum(float(np.sum(g * g)) for g in grads)
        self.values.append(-num / den)
