"""`tf.data` input pipelines: cached, seeded reshuffle every epoch, batched, prefetched.

Two kinds of training pipeline share one construction:

- `make_pipeline(..., training=True)`: one epoch per iteration, reshuffled on
  every iteration (for `model.fit(ds, epochs=...)` in tools and the tuner).
- `EpochPipeline.from_position(epoch, step)`: an endless stream in which epoch
  `e` is a pure function of `(seed, e)`. The trainer fits it with
  `steps_per_epoch`, so an interrupted run restarts exactly at the batch it
  stopped at (plain Keras restarts a seeded shuffle from its first order).

Per example, `transform` (decoding, reshaping) runs before the cache; with
`cache="none"` it runs after the shuffle instead, so only the small raw
elements (file paths, rows) are shuffled and memory stays bounded (streaming).
Per batch, `preprocess` (the run's `Preprocessor`: Keras layers adapted on the
training split) runs on the inputs, then augmentation
(`augment(x, y, seed) -> (x, y)`, stateless random ops only) on training
batches, never on validation or test. `weigh(y) -> w` adds per-example
weights (class weights) to training batches.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

# Epoch e's shuffle seed is seed * _SEED_STRIDE + e; its batch i augments with the
# stateless seed [seed, e * _BATCHES_PER_EPOCH_MAX + i].
_SEED_STRIDE = 1_000_003
_BATCHES_PER_EPOCH_MAX = 1 << 24
_ENDLESS = 1 << 40


def _cached(ds, cache):
    """`cache`: `"memory"` (or True), `"disk"` (a file in a fresh temporary folder,
    removed when the process exits), `"none"` (or False/None): decode every epoch."""
    if cache in (True, "memory"):
        return ds.cache()
    if cache == "disk":
        import atexit
        import shutil
        import tempfile

        folder = tempfile.mkdtemp(prefix="keras_recipes_cache_")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)  # removed at exit
        return ds.cache(folder + "/examples")
    return ds


class Chunks:
    """Examples that arrive in batches of any size (a streamed table's decoded lines).

    Pipelines shuffle, batch and skip them with `Dataset.rebatch` instead of one
    example at a time; the order of examples is the same as if they were
    unbatched first.

    Args:
        dataset: a `tf.data.Dataset` of `(x, y)` batches (leading dimension: examples).
        count: the number of examples.
    """

    def __init__(self, dataset, count: int):
        self.dataset = dataset
        self.count = int(count)


def _examples(data: Any, transform, cache):
    """Raw examples (cached after `transform`), their count (or a guess), and the
    per-example function still to apply after shuffling (streaming: `cache="none"`)."""
    import tensorflow as tf

    if isinstance(data, Chunks):
        return _cached(data.dataset, cache), data.count, None
    if isinstance(data, tuple):
        size = len(tf.nest.flatten(data[0])[0])
        ds = tf.data.Dataset.from_tensor_slices(data)
    else:
        ds = data
        cardinality = int(ds.cardinality())
        size = cardinality if cardinality > 0 else 10_000
    streaming = cache in (False, None, "none")
    if transform is not None and not streaming:
        ds = ds.map(transform, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return _cached(ds, cache), size, (transform if streaming else None)


def _batched(ds, batch_size: int, drop_remainder: bool, late_transform, preprocess,
             chunked: bool = False, skip_batches=0, count: Optional[int] = None):
    """The late per-example transform, batching (`rebatch` of chunks: `count` examples
    make the batch count known, as for arrays), the first `skip_batches` of chunks
    dropped, then the per-batch preprocessing."""
    import tensorflow as tf

    if late_transform is not None:
        ds = ds.map(late_transform, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    if chunked:
        ds = ds.rebatch(batch_size, drop_remainder=drop_remainder).skip(skip_batches)
        if count is not None and isinstance(skip_batches, int):
            batches = count // batch_size if drop_remainder else -(-count // batch_size)
            ds = ds.apply(tf.data.experimental.assert_cardinality(
                max(0, batches - skip_batches)))
    else:
        ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    if preprocess is not None:
        ds = ds.map(lambda x, y: (preprocess(x), y), num_parallel_calls=tf.data.AUTOTUNE,
                    deterministic=True)
    return ds


def _weighted(ds, weigh):
    """`(x, y) -> (x, y, weigh(y))`: per-example weights that Keras' loss reads."""
    if weigh is None:
        return ds
    return ds.map(lambda x, y: (x, y, weigh(y)))


def _augmented(ds, augment: Optional[Callable], seeds):
    """Maps `augment` over `(seed, (x, y))` pairs: `seeds` is a dataset of shape-[2] seeds."""
    import tensorflow as tf

    if augment is None:
        return ds
    return tf.data.Dataset.zip(seeds, ds).map(
        lambda seed, batch: augment(batch[0], batch[1], seed),
        num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)


def make_pipeline(data: Any, batch_size: int, training: bool, seed: int,
                  shuffle_buffer: Optional[int] = None, cache="memory",
                  prefetch: bool = True, transform=None, drop_remainder: bool = False,
                  augment: Optional[Callable] = None, preprocess: Optional[Callable] = None,
                  weigh: Optional[Callable] = None):
    """Builds a batched `tf.data.Dataset` from `(x, y)` arrays or an unbatched dataset.

    Training pipelines shuffle with `seed` and `reshuffle_each_iteration=True`:
    each epoch sees a new order, and the sequence of orders is the same on every
    run with the same seed (Keras' `fit(numpy, shuffle=True)` under a global
    seed reuses one permutation every epoch).

    Args:
        data: `(x, y)` NumPy arrays or a `tf.data.Dataset` of single examples.
        batch_size: global batch size (per-replica size x replicas).
        training: shuffle (and augment) when true.
        seed: shuffle and augmentation seed.
        shuffle_buffer: buffer size; defaults to the whole split (or 10,000).
        cache: `"memory"`, `"disk"` or `"none"` (stream: transform after shuffling).
        prefetch: prefetch with AUTOTUNE.
        transform: optional function `(x, y) -> (x, y)` mapped per example.
        drop_remainder: drop a last partial batch.
        augment: optional `(x, y, seed) -> (x, y)` on training batches.
        preprocess: optional function of an input batch (the run's `Preprocessor`).
        weigh: optional `y -> sample weights`, added to training batches.

    Returns:
        A `tf.data.Dataset` of `(x_batch, y_batch)`.

    Example:
        >>> ds = make_pipeline((x, y), 32, training=True, seed=0)
    """
    import tensorflow as tf

    ds, size, late = _examples(data, transform, cache)
    chunked = isinstance(data, Chunks)
    if training:
        if chunked:  # a per-example shuffle buffer
            ds, chunked = ds.unbatch(), False
        ds = ds.shuffle(shuffle_buffer or max(size, 1), seed=seed, reshuffle_each_iteration=True)
    ds = _batched(ds, batch_size, drop_remainder, late, preprocess, chunked, count=size)
    if training and augment is not None:
        draws = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
        ds = _augmented(ds, augment, draws.map(lambda r: tf.stack([tf.constant(seed, tf.int64), r])))
    if training:
        ds = _weighted(ds, weigh)
    return ds.prefetch(tf.data.AUTOTUNE) if prefetch else ds


def _stateless_shuffle(examples, window: int, seed, chunked: bool = False):
    """Shuffles `examples` within windows of `window` with stateless ops keyed by `seed`
    (`chunked`: batches of examples in, windows out).

    With the default window (the whole split) this is a uniform permutation.
    Unlike `Dataset.shuffle(seed=tensor)`, it does not depend on TensorFlow's
    global seed (which fails for a global seed of 0 inside `flat_map`).
    """
    import tensorflow as tf

    def permute(index, batch):
        size = tf.shape(tf.nest.flatten(batch)[0])[0]
        order = tf.random.experimental.stateless_shuffle(tf.range(size),
                                                         seed=tf.stack([seed, index]))
        return tf.nest.map_structure(lambda t: tf.gather(t, order), batch)

    if chunked:  # the next window is read while this one trains
        return examples.rebatch(window).enumerate().map(permute).prefetch(1)
    return examples.batch(window).enumerate().map(permute).unbatch()


class EpochPipeline:
    """Training batches addressed by `(epoch, step)`: exact restarts mid-epoch.

    Example:
        >>> pipeline = EpochPipeline((x, y), batch_size=32, seed=0)
        >>> model.fit(pipeline.from_position(0, 0), steps_per_epoch=n, epochs=10)
        >>> # after a kill in epoch 3 at step 5:
        >>> model.fit(pipeline.from_position(3, 5), steps_per_epoch=n - 5, ...)
    """

    def __init__(self, data: Any, batch_size: int, seed: int,
                 shuffle_buffer: Optional[int] = None, cache="memory",
                 prefetch: bool = True, transform=None, drop_remainder: bool = False,
                 augment: Optional[Callable] = None, preprocess: Optional[Callable] = None,
                 weigh: Optional[Callable] = None):
        self._examples, size, self._late = _examples(data, transform, cache)
        self._chunked = isinstance(data, Chunks)
        self._count = size
        self._preprocess = preprocess
        self._weigh = weigh
        self._buffer = shuffle_buffer or max(size, 1)
        self._batch_size = batch_size
        self._seed = int(seed)
        self._drop_remainder = drop_remainder
        self._prefetch = prefetch
        self._augment = augment

    def epoch(self, epoch, skip=0, weighted: bool = True):
        """The batches of one epoch (a function of seed and epoch), the first `skip` dropped;
        with `weighted=False` as `(x, y)` even when class weights are set."""
        import tensorflow as tf

        epoch = tf.cast(epoch, tf.int64)
        order_seed = tf.constant(self._seed * _SEED_STRIDE, tf.int64) + epoch
        ds = _stateless_shuffle(self._examples, self._buffer, order_seed, self._chunked)
        if self._chunked:
            ds = _batched(ds, self._batch_size, self._drop_remainder, None, self._preprocess,
                          chunked=True, count=self._count,
                          skip_batches=skip if isinstance(skip, int) else tf.cast(skip, tf.int64))
        else:
            skipped = tf.cast(skip, tf.int64) * self._batch_size
            ds = _batched(ds.skip(skipped), self._batch_size, self._drop_remainder,
                          self._late, self._preprocess)
        if self._augment is not None:
            first = epoch * _BATCHES_PER_EPOCH_MAX + tf.cast(skip, tf.int64)
            seeds = tf.data.Dataset.range(first, first + _BATCHES_PER_EPOCH_MAX).map(
                lambda i: tf.stack([tf.constant(self._seed, tf.int64), i]))
            ds = _augmented(ds, self._augment, seeds)
        return _weighted(ds, self._weigh) if weighted else ds

    def from_position(self, epoch: int, step: int = 0):
        """Endless batches starting at batch `step` of epoch `epoch`."""
        import tensorflow as tf

        first_epoch = self.epoch(epoch, step)
        rest = tf.data.Dataset.range(epoch + 1, _ENDLESS).flat_map(self.epoch)
        ds = first_epoch.concatenate(rest)
        return ds.prefetch(tf.data.AUTOTUNE) if self._prefetch else ds
