"""A TensorFlow profiler trace of one training batch, for TensorBoard's Profile tab."""

from __future__ import annotations

from pathlib import Path

import keras


class ProfileBatch(keras.callbacks.Callback):
    """Traces the `batch`-th training batch of the run (counted from 1 over all
    epochs, as `keras.callbacks.TensorBoard(profile_batch=...)` counts) with
    `tf.profiler` into `<logdir>/train/plugins/profile`.

    With `steps_per_execution > 1` a batch callback covers a whole execution;
    recipes use 1 when profiling is on.

    Example:

    >>> ProfileBatch("logs", batch=5)  # doctest: +SKIP

    Args:
        logdir: the TensorBoard log directory.
        batch: the batch to profile (>= 1).
    """

    def __init__(self, logdir, batch: int):
        super().__init__()
        if int(batch) < 1:
            raise ValueError(f"ProfileBatch: batch must be >= 1, got {batch!r}")
        self.logdir = Path(logdir) / "train"
        self.batch = int(batch)
        self._seen = 0
        self._tracing = False

    def on_train_batch_begin(self, batch, logs=None):
        import tensorflow as tf

        self._seen += 1
        if self._seen == self.batch and not self._tracing:
            tf.profiler.experimental.start(str(self.logdir))
            self._tracing = True

    def on_train_batch_end(self, batch, logs=None):
        self._stop()

    def on_train_end(self, logs=None):
        self._stop()

    def _stop(self):
        import tensorflow as tf

        if self._tracing:
            self._tracing = False
            tf.profiler.experimental.stop()
