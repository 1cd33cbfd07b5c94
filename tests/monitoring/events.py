"""Reading TensorBoard event files in tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def read_events(logdir: Path) -> dict:
    """`{tag: (plugin, [(step, value), ...])}` for one TensorBoard run folder."""
    from tensorboard.backend.event_processing import event_accumulator as ea

    acc = ea.EventAccumulator(str(logdir), size_guidance={ea.TENSORS: 0})
    acc.Reload()
    out = {}
    for tag in acc.Tags()["tensors"]:
        plugin = acc.SummaryMetadata(tag).plugin_data.plugin_name
        values = []
        for event in acc.Tensors(tag):
            import tensorflow as tf

            array = tf.make_ndarray(event.tensor_proto)
            values.append((event.step, array.item() if array.size == 1 and
                           array.dtype != object else array))
        out[tag] = (plugin, values)
    return out


def decode_png(encoded: bytes) -> np.ndarray:
    import tensorflow as tf

    return tf.io.decode_png(encoded).numpy()
