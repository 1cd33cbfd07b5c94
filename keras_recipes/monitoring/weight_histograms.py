"""Histograms of the model's weights in TensorBoard every few epochs."""

from __future__ import annotations

import keras
import numpy as np


class WeightHistograms(keras.callbacks.Callback):
    """Writes a histogram of every weight (`train/<weight path>/histogram`, the tag
    Keras' `TensorBoard(histogram_freq=...)` uses) at epochs 0, `freq`, `2 freq`, ...

    Copies each weight to the host once per written epoch (the cost grows with
    the model), so it is off unless a recipe asks for it.

    Example:

    >>> WeightHistograms(SummaryDir("logs"), freq=5)  # doctest: +SKIP

    Args:
        summaries: a `SummaryDir`.
        freq: epochs between histograms (>= 1).
        buckets: histogram buckets. Defaults to `30`.
    """

    def __init__(self, summaries, freq: int, buckets: int = 30):
        super().__init__()
        if int(freq) < 1:
            raise ValueError(f"WeightHistograms: freq must be >= 1, got {freq!r}")
        self.summaries = summaries
        self.freq = int(freq)
        self.buckets = buckets

    def on_epoch_end(self, epoch, logs=None):
        if epoch % self.freq:
            return
        for weight in self.model.weights:
            tag = f"{weight.path.replace(':', '_')}/histogram"
            self.summaries.histogram(tag, np.asarray(keras.ops.convert_to_numpy(weight)),
                                     epoch, run="train", buckets=self.buckets)
