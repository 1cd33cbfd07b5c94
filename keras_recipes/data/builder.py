"""From the recipe's `data` section to train/val/test pipelines and a `DataSpec`."""

from __future__ import annotations

import dataclasses
from typing import Any, Optional

import numpy as np

from keras_recipes.data.pipeline import EpochPipeline, make_pipeline
from keras_recipes.data.sources import SOURCES, SourceData
from keras_recipes.data.spec import DataSpec
from keras_recipes.data.splits import ArraySplits, Normalizer, split_arrays
from keras_recipes.errors import UsageError

_STATS_EXAMPLES = 10_000


@dataclasses.dataclass
class DataBundle:
    """Prepared data: batched pipelines, their spec, and the arrays when in memory."""

    train: Any
    val: Any
    test: Any
    spec: DataSpec
    arrays: Optional[ArraySplits] = None
    epochs: Optional[EpochPipeline] = None
    """The training split addressed by `(epoch, step)`, for exact resume."""


def build_data(config, seed: int, global_batch_size: Optional[int] = None,
               drop_remainder: bool = False) -> DataBundle:
    """Loads `config.source`, splits, normalizes (train statistics) and batches.

    Args:
        config: the recipe's `DataConfig`.
        seed: split and shuffle seed.
        global_batch_size: batch size across replicas; default `config.batch_size`.
        drop_remainder: drop a last partial training batch (gradient accumulation
            splits each batch into equal micro-batches).
    """
    source = SOURCES.get(config.source)(config, seed)
    batch = global_batch_size or config.batch_size
    build = _from_datasets if source.datasets is not None else _from_arrays
    return build(source, config, seed, batch, drop_remainder)


def _labels(y: np.ndarray, task: str, source: SourceData):
    """Classification labels as int32 0..K-1 (remapped if needed), regression as float32."""
    if task == "regression":
        y = y.astype(np.float32)
        return y, (1 if y.ndim == 1 else y.shape[-1]), None
    values = np.unique(y)
    names = source.class_names
    if not (np.issubdtype(values.dtype, np.integer) and values.min() >= 0
            and (source.num_classes or 0) > values.max()):
        if not np.array_equal(values, np.arange(len(values))):
            names = tuple(str(v) for v in values)
            y = np.searchsorted(values, y)
    count = source.num_classes or int(np.max(y)) + 1
    return y.astype(np.int32), count, names


def _mixable_labels(transform, augment, spec: DataSpec):
    """With a label-mixing augmentation (mixup, cutmix), every split's class ids become
    one-hot float labels (val/test match the mixed training labels; the loss and
    metrics read either format); `transform` is applied first."""
    if augment is None or not augment.mixes_labels or spec.task != "classification":
        return transform

    def one_hot(x, y):
        import tensorflow as tf

        if transform is not None:
            x, y = transform(x, y)
        return x, tf.one_hot(tf.cast(tf.reshape(y, []), tf.int32), spec.num_outputs)

    return one_hot


def _infer_task(config, source: SourceData, y: np.ndarray) -> str:
    if config.task != "auto":
        return config.task
    if source.task:
        return source.task
    if y.dtype.kind in "iub" or y.dtype.kind in "US":
        return "classification"
    integral = np.all(np.equal(np.mod(y, 1), 0))
    return "classification" if integral and len(np.unique(y)) <= 100 else "regression"


def _reshape(x: np.ndarray, shape, key: str = "data.input_shape") -> np.ndarray:
    if not shape:
        return x
    per_example = int(np.prod(x.shape[1:]))
    if int(np.prod(shape)) != per_example:
        raise UsageError(f"{key}: {list(shape)} -> a shape with {per_example} values "
                         f"(each example has shape {list(x.shape[1:])})")
    return x.reshape((len(x),) + tuple(shape))


def _from_arrays(source: SourceData, config, seed: int, batch: int,
                 drop_remainder: bool) -> DataBundle:
    x, y = source.x, np.asarray(source.y)
    if len(x) != len(y):
        raise UsageError(f"data: {len(x)} inputs but {len(y)} labels -> one label per input")
    task = _infer_task(config, source, y)
    y, num_outputs, names = _labels(y, task, source)
    x = _reshape(x, config.input_shape)
    stratify = config.stratify and task == "classification"
    splits = split_arrays(x, y, config.val_split, config.test_split, seed, stratify)
    is_tokens = source.vocab_size is not None
    if not is_tokens:
        norm = Normalizer(config.normalize).fit(splits.x_train)
        for name in ("x_train", "x_val", "x_test"):
            setattr(splits, name, norm(getattr(splits, name)))
    spec = DataSpec(
        input_shape=tuple(x.shape[1:]), task=task, num_outputs=num_outputs,
        num_train=len(splits.x_train), num_val=len(splits.x_val), num_test=len(splits.x_test),
        vocab_size=source.vocab_size, class_names=names)

    return _bundle(config, seed, batch, drop_remainder, spec, arrays=splits,
                   train=(splits.x_train, splits.y_train),
                   val=(splits.x_val, splits.y_val) if len(splits.x_val) else None,
                   test=(splits.x_test, splits.y_test) if len(splits.x_test) else None)


def _from_datasets(source: SourceData, config, seed: int, batch: int,
                   drop_remainder: bool) -> DataBundle:
    """Ready-split datasets: statistics from (up to 10k) training examples."""
    import tensorflow as tf

    sample_x, sample_y = [], []
    for x, y in source.datasets["train"].take(_STATS_EXAMPLES).as_numpy_iterator():
        sample_x.append(x)
        sample_y.append(y)
    xs, ys = np.stack(sample_x), np.asarray(sample_y)
    task = _infer_task(config, source, ys)
    num_outputs = source.num_classes or (int(ys.max()) + 1 if task == "classification" else
                                         (1 if ys.ndim == 1 else ys.shape[-1]))
    is_tokens = source.vocab_size is not None
    norm = Normalizer("none" if is_tokens else config.normalize).fit(
        _reshape(xs.astype(np.float32), config.input_shape))
    shift = np.asarray(norm.shift, np.float32)
    scale = np.asarray(norm.scale, np.float32)
    shape = tuple(config.input_shape) if config.input_shape else xs.shape[1:]
    label_dtype = tf.int32 if task == "classification" else tf.float32

    def transform(x, y):
        if not is_tokens:
            x = (tf.reshape(tf.cast(x, tf.float32), shape) - shift) / scale
        return x, tf.cast(y, label_dtype)

    counts = {k: _count(ds) for k, ds in source.datasets.items()}
    spec = DataSpec(input_shape=tuple(int(d) for d in shape), task=task,
                    num_outputs=num_outputs, num_train=counts.get("train"),
                    num_val=counts.get("val"), num_test=counts.get("test"),
                    vocab_size=source.vocab_size, class_names=source.class_names)

    return _bundle(config, seed, batch, drop_remainder, spec, transform=transform,
                   **{split: source.datasets.get(split) for split in ("train", "val", "test")})


def _bundle(config, seed: int, batch: int, drop_remainder: bool, spec: DataSpec, train,
            val, test, transform=None, arrays: Optional[ArraySplits] = None) -> DataBundle:
    """Batched pipelines for the splits; training batches shuffled and augmented."""
    augment = _augmenter(config, spec)
    transform = _mixable_labels(transform, augment, spec)
    options = dict(shuffle_buffer=config.shuffle_buffer, cache=config.cache,
                   prefetch=config.prefetch, transform=transform)

    def evaluation(data):
        return None if data is None else make_pipeline(data, batch, False, seed, **options)

    return DataBundle(
        train=make_pipeline(train, batch, True, seed, drop_remainder=drop_remainder,
                            augment=augment, **options),
        val=evaluation(val), test=evaluation(test), spec=spec, arrays=arrays,
        epochs=EpochPipeline(train, batch, seed, drop_remainder=drop_remainder,
                             augment=augment, **options))


def _augmenter(config, spec: DataSpec):
    """The recipe's `data.augment` as one batch function, or None."""
    steps = getattr(config, "augment", None)
    if not steps:
        return None
    from keras_recipes.augment import build_augmenter

    return build_augmenter(steps, spec)


def _count(ds) -> Optional[int]:
    cardinality = int(ds.cardinality())
    if cardinality >= 0:
        return cardinality
    return int(ds.reduce(0, lambda n, _: n + 1))
