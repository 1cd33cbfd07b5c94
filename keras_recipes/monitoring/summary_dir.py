"""Writes scalars, histograms, images and text into one TensorBoard log directory."""

from __future__ import annotations

import functools
import io
import itertools
import os
import time
from pathlib import Path

import numpy as np

# Most seconds a written value waits before it is flushed for TensorBoard to see.
FLUSH_SECS = 2.0
_FILE_IDS = itertools.count()


class SummaryDir:
    """TensorBoard event files for a log directory and its sub-runs, written without
    TensorFlow ops.

    Each value becomes a summary protobuf built in Python (the format
    `tf.summary` writes: tensors tagged with their plugin), appended to the
    run's event file by TensorFlow's C++ record writer on the calling thread:
    a few microseconds a record, no graph, no device work, no background
    thread competing for the GIL. Files are flushed at most every `FLUSH_SECS`
    seconds as records arrive, and by `flush()`/`close()`. An epoch's scalars
    cost tens of microseconds against ~0.3 ms per eager `tf.summary.scalar`
    (measured by `tools/bench_monitoring.py`).

    Runs are sub-folders: `train` and `validation` (what Keras' `TensorBoard`
    callback uses too) or `""` for the log directory itself. Several
    `SummaryDir`s (or processes) may write the same run: each has its own
    event file, and TensorBoard merges them.

    Example:

    >>> import tempfile
    >>> summaries = SummaryDir(tempfile.mkdtemp())
    >>> summaries.scalars({"grad_norm": 0.5, "learning_rate": 1e-3}, step=10, run="train")
    >>> summaries.close()

    Args:
        logdir: the folder TensorBoard reads (e.g. `<run>/tensorboard`).
    """

    def __init__(self, logdir: str | Path):
        self.logdir = Path(logdir)
        self._files = {}

    def _add(self, event, run: str) -> None:
        file = self._files.get(run)
        if file is None:
            file = self._files[run] = _EventFile(self.logdir / run)
        file.add(event)

    def write(self, summary, step: int, run: str = "") -> None:
        """Writes a `Summary` protobuf (e.g. from a TensorBoard plugin's `*_pb`) at `step`."""
        from tensorboard.compat.proto.event_pb2 import Event

        self._add(Event(wall_time=time.time(), step=int(step), summary=summary), run)

    def scalar(self, tag: str, value, step: int, run: str = "train") -> None:
        self.scalars({tag: value}, step, run)

    def scalars(self, values: dict, step: int, run: str = "train") -> None:
        """Several scalars at one step, in one event."""
        from tensorboard.compat.proto.summary_pb2 import Summary

        metadata = _scalar_metadata()
        self.write(Summary(value=[Summary.Value(tag=tag, metadata=metadata,
                                                tensor=_float_tensor(value))
                                  for tag, value in values.items()]), step, run)

    def histogram(self, tag: str, values, step: int, run: str = "train", buckets: int = 30):
        """The distribution of `values` (any shape) as a TensorBoard histogram."""
        from tensorboard.plugins.histogram.summary_v2 import histogram_pb

        data = np.asarray(values, dtype=np.float64).ravel()
        self.write(histogram_pb(tag, data, buckets=buckets), step, run)

    def image(self, tag: str, rgb: np.ndarray, step: int, run: str = "", description=None):
        """One RGB uint8 image (`H x W x 3`), PNG-encoded."""
        from PIL import Image
        from tensorboard.compat.proto.summary_pb2 import Summary
        from tensorboard.plugins.image.metadata import create_summary_metadata
        from tensorboard.util.tensor_util import make_tensor_proto

        pixels = np.asarray(rgb, np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format="PNG")
        height, width = pixels.shape[:2]
        tensor = make_tensor_proto([str(width).encode(), str(height).encode(),
                                    buffer.getvalue()], dtype=np.object_)
        metadata = create_summary_metadata(display_name=None, description=description or "")
        self.write(Summary(value=[Summary.Value(tag=tag, metadata=metadata, tensor=tensor)]),
                   step, run)

    def text(self, tag: str, markdown: str, step: int = 0, run: str = "") -> None:
        from tensorboard.plugins.text.summary import text_pb

        self.write(text_pb(tag, markdown), step, run)

    def hparams(self, values: dict, trial_id: str, run: str = "") -> None:
        """The run's hyperparameters for TensorBoard's HParams tab."""
        from tensorboard.plugins.hparams.api import hparams_pb

        self.write(hparams_pb(values, trial_id=trial_id), 0, run)

    def graph(self, graph_def: bytes, run: str = "train") -> None:
        """A serialized `GraphDef` for the Graphs tab."""
        from tensorboard.compat.proto.event_pb2 import Event

        self._add(Event(wall_time=time.time(), graph_def=graph_def), run)

    def flush(self) -> None:
        """Hands everything written so far to the operating system."""
        for file in self._files.values():
            file.flush()

    def close(self) -> None:
        """Flushes and closes the event files; a later write opens new ones."""
        for file in self._files.values():
            file.close()
        self._files = {}


class _EventFile:
    """One `events.out.tfevents.*` file: TFRecords of serialized `Event`s."""

    def __init__(self, folder: Path):
        import socket

        import tensorflow as tf
        from tensorboard.compat.proto.event_pb2 import Event

        folder.mkdir(parents=True, exist_ok=True)
        now = time.time()
        name = f"events.out.tfevents.{int(now):010d}.{socket.gethostname()}.{os.getpid()}."
        name += f"{next(_FILE_IDS):06d}.keras_recipes"  # sorts in creation order
        self._records = tf.io.TFRecordWriter(str(folder / name))
        self._flushed = now
        self.add(Event(wall_time=now, file_version="brain.Event:2"))

    def add(self, event) -> None:
        self._records.write(event.SerializeToString())
        if time.time() - self._flushed > FLUSH_SECS:
            self.flush()

    def flush(self) -> None:
        self._records.flush()
        self._flushed = time.time()

    def close(self) -> None:
        self._records.close()


@functools.lru_cache(maxsize=None)
def _scalar_metadata():
    from tensorboard.plugins.scalar.metadata import create_summary_metadata

    return create_summary_metadata(display_name=None, description=None)


def _float_tensor(value):
    from tensorboard.compat.proto.tensor_pb2 import TensorProto
    from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
    from tensorboard.compat.proto.types_pb2 import DT_FLOAT

    return TensorProto(dtype=DT_FLOAT, float_val=[float(value)], tensor_shape=TensorShapeProto())
