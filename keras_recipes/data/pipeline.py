"""`tf.data` input pipelines: cached, seeded reshuffle every epoch, batched, prefetched."""

from __future__ import annotations

from typing import Any, Optional


def make_pipeline(data: Any, batch_size: int, training: bool, seed: int,
                  shuffle_buffer: Optional[int] = None, cache: bool = True,
                  prefetch: bool = True, transform=None, drop_remainder: bool = False):
    """Builds a batched `tf.data.Dataset` from `(x, y)` arrays or an unbatched dataset.

    Training pipelines shuffle with `seed` and `reshuffle_each_iteration=True`:
    each epoch sees a new order, and the sequence of orders is the same on every
    run with the same seed (Keras' `fit(numpy, shuffle=True)` under a global
    seed reuses one permutation every epoch).

    Args:
        data: `(x, y)` NumPy arrays or a `tf.data.Dataset` of single examples.
        batch_size: global batch size (per-replica size x replicas).
        training: shuffle when true.
        seed: shuffle seed.
        shuffle_buffer: buffer size; defaults to the whole split (or 10,000).
        cache: cache examples after `transform` (in memory).
        prefetch: prefetch with AUTOTUNE.
        transform: optional function `(x, y) -> (x, y)` mapped per example.
        drop_remainder: drop a last partial batch.

    Returns:
        A `tf.data.Dataset` of `(x_batch, y_batch)`.
    """
    import tensorflow as tf

    if isinstance(data, tuple):
        size = len(data[0])
        ds = tf.data.Dataset.from_tensor_slices(data)
    else:
        ds = data
        cardinality = int(ds.cardinality())
        size = cardinality if cardinality > 0 else 10_000
    if transform is not None:
        ds = ds.map(transform, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    if cache:
        ds = ds.cache()
    if training:
        ds = ds.shuffle(shuffle_buffer or max(size, 1), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    if prefetch:
        ds = ds.prefetch(tf.data.AUTOTUNE)
    return ds
