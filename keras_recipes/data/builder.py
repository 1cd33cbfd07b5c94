"""From the recipe's `data` section to train/val/test pipelines, a `DataSpec` and the
`Preprocessor` (fitted on the training split) that the hand-back model starts with."""

from __future__ import annotations

import dataclasses
from typing import Any, Optional

import numpy as np

from keras_recipes.data.cache import resolve_cache, shuffle_window
from keras_recipes.data.pipeline import EpochPipeline, make_pipeline
from keras_recipes.data.preprocessor import IdentityPreprocessor, Preprocessor
from keras_recipes.data.sources import SOURCES, SourceData
from keras_recipes.data.spec import DataSpec
from keras_recipes.data.splits import ArraySplits, split_indices
from keras_recipes.data.text_preprocessor import text_options
from keras_recipes.errors import UsageError

_STATS_EXAMPLES = 10_000
_ADAPT_ARRAYS = 1_000_000
_AUTOTUNE = -1  # tf.data.AUTOTUNE


@dataclasses.dataclass
class DataBundle:
    """Prepared data: batched pipelines, their spec, and the arrays when in memory."""

    train: Any
    """Epoch 0 of the training stream, `(x, y)` batches (finite; the same order each time)."""
    val: Any
    test: Any
    spec: DataSpec
    arrays: Optional[ArraySplits] = None
    epochs: Optional[EpochPipeline] = None
    """The training split addressed by `(epoch, step)`, for exact resume."""
    preprocessor: Preprocessor = None
    """Raw inputs -> network inputs, fitted on the training split (always set)."""
    class_weights: Optional[np.ndarray] = None
    """Per-class loss weights applied to training batches (`training.class_weight`)."""
    target_scale: Optional[tuple[np.ndarray, np.ndarray]] = None
    """Regression: `(mean, std)` of the training targets (float32, one per output); every
    pipeline yields `(y - mean) / std`, and the hand-back model undoes it."""


def build_data(config, seed: int, global_batch_size: Optional[int] = None,
               drop_remainder: bool = False, model_type: Optional[str] = None,
               class_weight=None) -> DataBundle:
    """Loads `config.source`, splits, fits the preprocessor (training split) and batches.

    Array sources are preprocessed once (their `arrays` hold what the network
    sees); tables, text and image folders keep raw examples and preprocess each
    batch in `tf.data`.

    Args:
        config: the recipe's `data` section.
        seed: split and shuffle seed.
        global_batch_size: batch size across replicas; default `config.batch_size`.
        drop_remainder: drop a last partial training batch (gradient accumulation
            splits each batch into equal micro-batches).
        model_type: the recipe's `model.type`: text becomes token ids for a
            `transformer`, a TF-IDF vector otherwise (`data.text_encoding: auto`).
        class_weight: `training.class_weight` (`balanced`, `{class: weight}` or None).
    """
    source = SOURCES.get(config.source)(config, seed)
    batch = global_batch_size or config.batch_size
    build = _from_datasets if source.datasets is not None else _from_arrays
    build = _from_stream if source.stream is not None else build
    return build(source, config, seed, batch, drop_remainder, model_type, class_weight)


def _class_weights(value, y_train: np.ndarray, spec: DataSpec):
    """`training.class_weight` as a weight per class (None when unset)."""
    if value is None:
        return None
    if spec.task != "classification":
        raise UsageError(f"training.class_weight: {value!r} -> only for classification "
                         f"(this data is {spec.task})")
    from keras_recipes.data.class_weights import class_weight_vector

    return class_weight_vector(value, y_train, spec.num_outputs, spec.class_names)


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


def _take(x, index: np.ndarray):
    """Rows `index` of an array or of every array in a dict (table columns)."""
    if isinstance(x, dict):
        return {k: v[index] for k, v in x.items()}
    return x[index]


def _length(x) -> int:
    return len(next(iter(x.values()))) if isinstance(x, dict) else len(x)


def _output_spec(preprocessor: Preprocessor):
    """Shape (without batch) and dtype of what the preprocessor hands the network."""
    out = preprocessor(preprocessor.raw_inputs())
    return tuple(int(d) for d in out.shape[1:]), str(out.dtype)


def _preprocessed(preprocessor: Preprocessor, x: np.ndarray) -> np.ndarray:
    """`preprocessor` over in-memory arrays, in batches through `tf.data`."""
    import tensorflow as tf

    if not len(x):
        shape, dtype = _output_spec(preprocessor)
        return np.zeros((0,) + shape, dtype)
    ds = tf.data.Dataset.from_tensor_slices(x).batch(4096).map(preprocessor)
    return np.concatenate([np.asarray(b) for b in ds])


def _from_arrays(source: SourceData, config, seed: int, batch: int, drop_remainder: bool,
                 model_type: Optional[str], class_weight=None) -> DataBundle:
    x, y = source.x, np.asarray(source.y)
    if _length(x) != len(y):
        raise UsageError(f"data: {_length(x)} inputs but {len(y)} labels -> one label per input")
    task = _infer_task(config, source, y)
    y, num_outputs, names = _labels(y, task, source)
    # Numeric arrays are preprocessed once (`arrays` then hold what the network sees);
    # tables, texts and files keep raw examples, preprocessed batch by batch in tf.data.
    in_memory = isinstance(x, np.ndarray) and x.dtype.kind in "iufb" and source.transform is None
    if in_memory:
        x = _reshape(x, config.input_shape)
    if source.split is not None:
        parts = [np.flatnonzero(source.split == name) for name in ("train", "val", "test")]
    else:
        stratify = config.stratify and task == "classification"
        parts = split_indices(y, config.val_split, config.test_split, seed, stratify)
    x_train, x_val, x_test = (_take(x, p) for p in parts)
    y_train, y_val, y_test = (y[p] for p in parts)
    target_scale = _target_scale(y_train) if task == "regression" else None
    if target_scale is not None:
        y_train, y_val, y_test = (_standardized(part, target_scale)
                                  for part in (y_train, y_val, y_test))
    preprocessor = _fit_preprocessor(source, config, x_train, model_type)
    input_shape, _ = _output_spec(preprocessor)
    spec = DataSpec(
        input_shape=input_shape, task=task, num_outputs=num_outputs,
        num_train=len(y_train), num_val=len(y_val), num_test=len(y_test),
        vocab_size=_vocab_size(source, preprocessor), class_names=names)
    options = dict(preprocessor=preprocessor, cache=resolve_cache(config, source, len(y_train)),
                   example_bytes=source.example_bytes, target_scale=target_scale,
                   class_weights=_class_weights(class_weight, y_train, spec))
    if in_memory:
        if not isinstance(preprocessor, IdentityPreprocessor):
            x_train, x_val, x_test = (_preprocessed(preprocessor, part)
                                      for part in (x_train, x_val, x_test))
        splits = ArraySplits(x_train, y_train, x_val, y_val, x_test, y_test)
        return _bundle(config, seed, batch, drop_remainder, spec, arrays=splits,
                       train=(x_train, y_train), val=(x_val, y_val) if len(y_val) else None,
                       test=(x_test, y_test) if len(y_test) else None, **options)
    return _bundle(config, seed, batch, drop_remainder, spec, train=(x_train, y_train),
                   val=(x_val, y_val) if len(y_val) else None,
                   test=(x_test, y_test) if len(y_test) else None,
                   transform=source.transform, preprocess=preprocessor, **options)


def _target_scale(y_train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation (1 where constant) of regression targets, per output."""
    y = np.asarray(y_train, np.float64).reshape(len(y_train), -1)
    mean = y.mean(axis=0) if len(y) else np.zeros(y.shape[1])
    std = y.std(axis=0) if len(y) else np.ones(y.shape[1])
    return mean.astype(np.float32), np.where(std > 1e-8, std, 1.0).astype(np.float32)


def _standardized(y: np.ndarray, scale) -> np.ndarray:
    mean, std = scale
    shape = y.shape
    return ((y.reshape(len(y), -1) - mean) / std).reshape(shape).astype(np.float32)


def _fit_preprocessor(source: SourceData, config, x_train, model_type: Optional[str]):
    """The source's own preprocessor, else identity for token ids, else `data.normalize`
    as Keras layers (statistics of at most `_ADAPT_ARRAYS` training examples)."""
    if source.fit_preprocessor is not None:
        return source.fit_preprocessor(x_train, text_options(config, model_type))
    if source.vocab_size is not None:
        return IdentityPreprocessor(x_train.shape[1:], dtype="int32")
    from keras_recipes.data.array_preprocessor import ArrayPreprocessor

    return ArrayPreprocessor(x_train[:_ADAPT_ARRAYS], config.normalize)


def _vocab_size(source: SourceData, preprocessor) -> Optional[int]:
    """Token-id inputs: the source's vocabulary, or the fitted `TextVectorization`'s."""
    options = getattr(preprocessor, "options", None)
    if options is not None and getattr(options, "is_tokens", False):
        return int(preprocessor.vocab_size)
    return source.vocab_size


def _from_datasets(source: SourceData, config, seed: int, batch: int, drop_remainder: bool,
                   model_type: Optional[str], class_weight=None) -> DataBundle:
    """Ready-split datasets: statistics from (up to 10k) training examples."""
    import tensorflow as tf

    from keras_recipes.data.array_preprocessor import ArrayPreprocessor

    sample_x, sample_y = [], []
    for x, y in source.datasets["train"].take(_STATS_EXAMPLES).as_numpy_iterator():
        sample_x.append(x)
        sample_y.append(y)
    xs, ys = np.stack(sample_x), np.asarray(sample_y)
    task = _infer_task(config, source, ys)
    num_outputs = source.num_classes or (int(ys.max()) + 1 if task == "classification" else
                                         (1 if ys.ndim == 1 else ys.shape[-1]))
    is_tokens = source.vocab_size is not None
    shape = tuple(config.input_shape) if config.input_shape else xs.shape[1:]
    if source.fit_preprocessor is not None:  # e.g. a `python:` source's "preprocessed"
        preprocessor = source.fit_preprocessor(_reshape(xs, config.input_shape),
                                               text_options(config, model_type))
    elif is_tokens:
        preprocessor = IdentityPreprocessor(shape, dtype="int32")
    else:
        preprocessor = ArrayPreprocessor(
            _reshape(xs.astype(np.float32), config.input_shape), config.normalize)
    label_dtype = tf.int32 if task == "classification" else tf.float32
    x_dtype = tf.int32 if is_tokens else tf.float32

    target_scale = _target_scale(ys) if task == "regression" else None

    def transform(x, y):
        y = tf.cast(y, label_dtype)
        if target_scale is not None:  # statistics of the (<= 10k example) training sample
            y = (y - tf.reshape(target_scale[0], tf.shape(y))) / tf.reshape(
                target_scale[1], tf.shape(y))
        return tf.reshape(tf.cast(x, x_dtype), shape), y

    counts = {k: _count(ds) for k, ds in source.datasets.items()}
    spec = DataSpec(input_shape=tuple(int(d) for d in shape), task=task,
                    num_outputs=num_outputs, num_train=counts.get("train"),
                    num_val=counts.get("val"), num_test=counts.get("test"),
                    vocab_size=source.vocab_size, class_names=source.class_names)
    example_bytes = int(np.prod(shape)) * 4
    cache = resolve_cache(config, source, counts.get("train") or 0, example_bytes)
    weights = _class_weights(class_weight, ys.reshape(-1) if task == "classification" else ys,
                             spec)  # balanced: counted on the statistics sample
    identity = isinstance(preprocessor, IdentityPreprocessor)
    return _bundle(config, seed, batch, drop_remainder, spec, transform=transform,
                   preprocessor=preprocessor, preprocess=None if identity else preprocessor,
                   cache=cache, class_weights=weights, example_bytes=example_bytes,
                   target_scale=target_scale,
                   **{split: source.datasets.get(split) for split in ("train", "val", "test")})


def _from_stream(source: SourceData, config, seed: int, batch: int, drop_remainder: bool,
                 model_type: Optional[str], class_weight=None) -> DataBundle:
    """A streamed table: split over its labels as `_from_arrays` splits, statistics from the
    same training rows, rows read by `tf.data` every epoch (`data.cache: auto` -> none)."""
    from keras_recipes.data.table_stream import SAMPLE, TEST, TRAIN, VAL, shuffle_rows, split_codes
    from keras_recipes.data.text_preprocessor import ADAPT_SAMPLE

    table = source.stream
    task = _infer_task(config, source, table.labels)
    y, num_outputs, names = _labels(table.labels, task, source)
    stratify = config.stratify and task == "classification"
    parts = split_indices(y, config.val_split, config.test_split, seed, stratify)
    target_scale = _target_scale(y[parts[0]]) if task == "regression" else None
    if target_scale is not None:
        y = _standardized(y, target_scale)
    codes, order = split_codes(len(y), parts, ADAPT_SAMPLE)
    preprocessor = table.fit_preprocessor(codes, order, text_options(config, model_type))
    del order
    spec = DataSpec(
        input_shape=_output_spec(preprocessor)[0], task=task, num_outputs=num_outputs,
        num_train=len(parts[0]), num_val=len(parts[1]), num_test=len(parts[2]),
        vocab_size=_vocab_size(source, preprocessor), class_names=names)
    splits = [table.rows(codes, keep, y, len(part)) if len(part) else None
              for keep, part in zip(((SAMPLE, TRAIN), (VAL,), (TEST,)), parts)]
    cache = getattr(config, "cache", "auto")
    cache = "none" if cache in ("auto", None, False) else ("memory" if cache is True else cache)
    return _bundle(config, seed, batch, drop_remainder, spec, *splits, preprocessor=preprocessor,
                   preprocess=preprocessor, cache=cache, target_scale=target_scale,
                   class_weights=_class_weights(class_weight, y[parts[0]], spec),
                   shuffle_buffer=shuffle_rows(config, len(parts[0])))


def _bundle(config, seed: int, batch: int, drop_remainder: bool, spec: DataSpec, train,
            val, test, preprocessor: Preprocessor, transform=None,
            arrays: Optional[ArraySplits] = None, preprocess=None, cache="memory",
            class_weights: Optional[np.ndarray] = None,
            example_bytes: Optional[int] = None, target_scale=None,
            shuffle_buffer: Optional[int] = None) -> DataBundle:
    """Batched pipelines for the splits; training batches shuffled, preprocessed, augmented
    (and weighted by class when `class_weights` is set)."""
    augment = _augmenter(config, spec)
    weigh = None
    if class_weights is not None:
        from keras_recipes.data.class_weights import weigher

        weigh = weigher(class_weights)
    transform = _mixable_labels(transform, augment, spec)
    options = dict(shuffle_buffer=shuffle_buffer or shuffle_window(config, cache, example_bytes),
                   cache=cache,
                   prefetch=config.prefetch, transform=transform, preprocess=preprocess)

    def evaluation(data):
        return None if data is None else make_pipeline(data, batch, False, seed, **options)

    epochs = EpochPipeline(train, batch, seed, drop_remainder=drop_remainder,
                           augment=augment, weigh=weigh, **options)
    # One training pipeline per run: `train` is epoch 0 of the same stream (as `(x, y)`).
    return DataBundle(
        train=epochs.epoch(0, weighted=False).prefetch(_AUTOTUNE),
        val=evaluation(val), test=evaluation(test), spec=spec, arrays=arrays, epochs=epochs,
        preprocessor=preprocessor, class_weights=class_weights, target_scale=target_scale)


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
