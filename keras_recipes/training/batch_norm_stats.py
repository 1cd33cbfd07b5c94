"""Precise batch-norm statistics: recompute the moving mean and variance after training.

A `BatchNormalization` layer normalizes with the batch's statistics in training
mode and with its moving averages in inference mode. After a short run the
moving averages still hold much of their initial values (Keras' momentum 0.99
keeps 0.99^N of them after N updates) and lag weights that changed quickly
(one-cycle, high learning rates): a model that is right in training mode can
be at chance in inference mode. Following "precise BN" (Wu & Johnson,
"Rethinking Batch in BatchNorm", 2021; Detectron2, pycls), this module runs a
bounded number of training batches through the model with every batch-norm
layer normalizing by the batch's own statistics (as in training) and every
other layer in inference mode (no dropout), pools each layer's per-batch
statistics exactly (Chan et al.'s parallel mean/variance), and writes the
population statistics into the moving mean and variance:

```
mean = sum_b n_b * mean_b / N
var  = (sum_b M2_b + sum_b n_b * (mean_b - mean)^2) / N      # M2_b: centered sum of squares
```

The same probe (batch statistics in batch norm, inference elsewhere) also
measures how far inference-mode predictions are from training-mode ones:
`mode_agreement`, which the run report and `diagnose` use to name batch norm
when the two disagree.

Example:

>>> report = recompute_batch_norm(model, train_ds, max_batches=200)  # doctest: +SKIP
>>> report.describe()                                                 # doctest: +SKIP
'batch norm: statistics of 12 layer(s) recomputed over 38 training batches (1,200 examples)'
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Optional

import keras
import numpy as np

DEFAULT_MAX_BATCHES = 200
"""Batches the recompute pass reads at most (Detectron2's precise BN uses 200)."""

AGREEMENT_POINTS = 0.02
"""Inference- and training-mode accuracy may differ by this much (2 points)."""


def batch_norm_layers(model) -> list:
    """Every `BatchNormalization` layer in `model`, nested models included, in order."""
    found = []
    for layer in _flat_layers(model):
        if isinstance(layer, keras.layers.BatchNormalization) and layer not in found:
            found.append(layer)
    return found


def _flat_layers(model):
    for layer in getattr(model, "layers", []):
        if isinstance(layer, keras.Model) or getattr(layer, "layers", None):
            yield from _flat_layers(layer)
        yield layer


def has_trainable_batch_norm(model) -> bool:
    """True when some batch-norm layer learns its statistics (frozen ones keep theirs)."""
    return any(layer.trainable for layer in batch_norm_layers(model))


@dataclasses.dataclass(frozen=True)
class RecomputeReport:
    """What `recompute_batch_norm` did: layers updated, batches and examples read."""

    layers: int
    batches: int
    examples: int
    max_mean_shift: float = 0.0
    """Largest change of a moving mean, in units of that channel's new standard deviation."""

    def describe(self) -> str:
        if not self.layers:
            return "batch norm: no trainable batch-norm layer, statistics left as they are"
        return (f"batch norm: statistics of {self.layers} layer(s) recomputed over "
                f"{self.batches} training batches ({self.examples:,} examples); largest "
                f"moving-mean change {self.max_mean_shift:.2g} std")


class _Sink:
    """Where the taps leave their statistics during a call (a plain object: Keras would
    copy a dict assigned to a layer attribute into a tracked one)."""

    def __init__(self):
        self.values: dict = {}


class _BatchStatsTap(keras.layers.Layer):
    """Stands in for a batch-norm layer in the probe model: normalizes with the batch's
    statistics (as training mode does) and leaves its count, mean and centered sum of
    squares per channel in `sink[key]` for the step function to return."""

    def __init__(self, layer, sink: "_Sink", key: int, **kwargs):
        super().__init__(name=f"{layer.name}_tap", dtype=layer.dtype_policy, **kwargs)
        self.layer = layer
        self.sink = sink
        self.key = key

    def call(self, inputs, training=None, mask=None):
        from keras import ops

        layer = self.layer
        x = ops.cast(inputs, "float32")
        axis = layer.axis % len(x.shape)
        axes = [i for i in range(len(x.shape)) if i != axis]
        mean = ops.mean(x, axis=axes)
        shape = [1] * len(x.shape)
        shape[axis] = -1
        centered = x - ops.reshape(mean, shape)
        m2 = ops.sum(ops.square(centered), axis=axes)
        count = ops.cast(ops.size(x) // ops.shape(x)[axis], "float32")
        self.sink.values[self.key] = (count, mean, m2)
        variance = m2 / count
        outputs = ops.batch_normalization(
            x, mean, variance, axis=axis,
            offset=None if layer.beta is None else ops.cast(layer.beta, "float32"),
            scale=None if layer.gamma is None else ops.cast(layer.gamma, "float32"),
            epsilon=layer.epsilon)
        return ops.cast(outputs, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape


class BatchStatsProbe:
    """The model with its trainable batch-norm layers normalizing by batch statistics.

    Shares every weight with `model`. `__call__(x)` returns the predictions and,
    per tapped layer, `(count, mean, M2)` of that batch.
    """

    def __init__(self, model):
        import tensorflow as tf

        self.layers = [layer for layer in batch_norm_layers(model) if layer.trainable]
        self.sink = _Sink()
        keys = {id(layer): i for i, layer in enumerate(self.layers)}

        def call(layer, *args, **kwargs):
            if id(layer) in keys:
                return _BatchStatsTap(layer, self.sink, keys[id(layer)])(args[0])
            return layer(*args, **kwargs)

        with warnings.catch_warnings():  # Keras notes RecipeModel's custom compile; the
            # clone only runs forward passes, it is never compiled
            warnings.filterwarnings("ignore", message=r"`compile\(\)` was not called")
            self.model = keras.models.clone_model(model, clone_function=lambda layer: layer,
                                                  call_function=call, recursive=True)

        def step(x):
            self.sink.values.clear()
            y = self.model(x, training=False)
            return y, [self.sink.values[i] for i in range(len(self.layers))]

        self._step = tf.function(step, reduce_retracing=True)

    def __call__(self, x):
        return self._step(x)


def _pool(stats: list) -> tuple[np.ndarray, np.ndarray, int]:
    """Exact population mean and (biased) variance from per-batch `(n, mean, M2)`."""
    counts = np.array([float(n) for n, _, _ in stats], np.float64)
    means = np.stack([np.asarray(m, np.float64) for _, m, _ in stats])
    m2s = np.stack([np.asarray(s, np.float64) for _, _, s in stats])
    total = counts.sum()
    mean = (counts[:, None] * means).sum(0) / total
    m2 = m2s.sum(0) + (counts[:, None] * (means - mean) ** 2).sum(0)
    return mean, m2 / total, int(total)


def _inputs(batch):
    return batch[0] if isinstance(batch, (tuple, list)) else batch


def normalization_batches(dataset, group_size: Optional[int], max_batches: int):
    """`dataset` re-batched into the groups batch norm normalized over in training
    (`group_size` examples: one micro-batch, per replica or across replicas), at most
    `max_batches` of them (all whole when there are more)."""
    if group_size:
        dataset = dataset.unbatch().batch(group_size)
    return dataset.take(max_batches)


def recompute_batch_norm(model, dataset, max_batches: int = DEFAULT_MAX_BATCHES,
                         group_size: Optional[int] = None,
                         probe: Optional[BatchStatsProbe] = None) -> RecomputeReport:
    """Sets every trainable batch-norm layer's moving statistics to those of the data.

    Reads up to `max_batches` batches of `dataset` (training inputs; labels are
    ignored) with batch norm in training-mode normalization and everything else
    in inference mode, and assigns the pooled population mean and variance of
    each layer's inputs. Frozen (non-trainable) batch-norm layers keep theirs.
    Deterministic for the same weights and batches, so rerunning it (a resumed
    final phase) gives the same statistics.

    Example:

    >>> report = recompute_batch_norm(model, data.train, max_batches=100)  # doctest: +SKIP

    Args:
        model: a built Keras model (nested models are searched too).
        dataset: a `tf.data.Dataset` of batches `x` or `(x, y[, w])`.
        max_batches: batches read at most. Defaults to 200.
        group_size: re-batch to this many examples per normalization group (the
            micro-batch batch norm saw in training); default: the dataset's batches.
        probe: a `BatchStatsProbe` of `model` to reuse (it is traced once).

    Returns:
        A `RecomputeReport`.
    """
    if max_batches < 1:
        raise ValueError(f"Argument `max_batches` must be >= 1. Received: max_batches={max_batches}")
    if not has_trainable_batch_norm(model):
        return RecomputeReport(0, 0, 0)
    probe = probe or BatchStatsProbe(model)
    per_layer: list[list] = [[] for _ in probe.layers]
    batches = examples = 0
    for batch in normalization_batches(dataset, group_size, max_batches):
        x = _inputs(batch)
        _, stats = probe(x)
        batches += 1
        examples += int(np.shape(keras.tree.flatten(x)[0])[0])
        for collected, (n, mean, m2) in zip(per_layer, stats):
            collected.append((n.numpy(), mean.numpy(), m2.numpy()))
    if not batches:
        return RecomputeReport(0, 0, 0)
    shift = 0.0
    for layer, collected in zip(probe.layers, per_layer):
        mean, variance, _ = _pool(collected)
        old = np.asarray(keras.ops.convert_to_numpy(layer.moving_mean), np.float64)
        shift = max(shift, float(np.max(np.abs(old - mean) / np.sqrt(variance + layer.epsilon))))
        layer.moving_mean.assign(mean.astype(np.float32))
        layer.moving_variance.assign(variance.astype(np.float32))
    return RecomputeReport(len(probe.layers), batches, examples, shift)


@dataclasses.dataclass(frozen=True)
class ModeAgreement:
    """Inference-mode vs training-mode (batch-statistics) quality on the same batches.

    For classification the values are accuracies, for regression mean squared
    errors. `agree` is False when inference mode is worse by more than the
    tolerance: 2 accuracy points, or an MSE more than 1.5x the training-mode one.
    (Inference mode may be better: population statistics are steadier than a
    small batch's.)
    """

    metric: str
    inference: float
    training: float
    examples: int
    split: str = "val"

    @property
    def agree(self) -> bool:
        if self.metric == "accuracy":
            return self.training - self.inference <= AGREEMENT_POINTS + 1e-9
        return self.inference <= 1.5 * self.training + 1e-12

    def describe(self) -> str:
        return (f"{self.split} {self.metric} {self.inference:.4g} in inference mode vs "
                f"{self.training:.4g} with batch statistics (training mode) on "
                f"{self.examples:,} examples")


def mode_agreement(model, dataset, task: str = "classification",
                   max_batches: int = 50, split: str = "val") -> Optional[ModeAgreement]:
    """Compares `model`'s inference-mode predictions with training-mode batch norm.

    Both passes keep dropout and other layers in inference mode, so a gap is
    batch norm's alone: moving statistics that are not those of the data.
    Returns None when the model has no trainable batch norm or `dataset` is None.

    Example:

    >>> gap = mode_agreement(model, data.val)  # doctest: +SKIP
    >>> gap.agree, gap.describe()              # doctest: +SKIP
    (False, 'val accuracy 0.1 in inference mode vs 0.98 with batch statistics ...')
    """
    if dataset is None or not has_trainable_batch_norm(model):
        return None
    probe = BatchStatsProbe(model)
    scores = {"inference": 0.0, "training": 0.0}
    examples = 0
    for batch in dataset.take(max_batches):
        x, y = _inputs(batch), np.asarray(batch[1])
        for mode, predictions in (("inference", model(x, training=False)),
                                  ("training", probe(x)[0])):
            p = np.asarray(keras.ops.convert_to_numpy(predictions), np.float64)
            scores[mode] += _score(p, y, task)
        examples += len(y)
    if not examples:
        return None
    metric = "accuracy" if task == "classification" else "mse"
    return ModeAgreement(metric, scores["inference"] / examples,
                         scores["training"] / examples, examples, split)


def _score(predictions: np.ndarray, y: np.ndarray, task: str) -> float:
    """Correct predictions (classification) or summed squared error (regression)."""
    if task == "classification":
        truth = y.argmax(-1) if y.ndim == predictions.ndim else y.reshape(-1)
        return float(np.sum(predictions.argmax(-1) == truth))
    err = predictions.reshape(len(y), -1) - y.reshape(len(y), -1).astype(np.float64)
    return float(np.sum(np.mean(err ** 2, axis=1)))


def finish_batch_norm(model, data, recipe, plan, echo=print,
                      max_batches: int = DEFAULT_MAX_BATCHES) -> Optional[ModeAgreement]:
    """The trainer's final-phase hook: recompute the statistics, then check the modes.

    With `training.recompute_batch_norm` `auto` (the default: whenever the model
    has trainable batch norm) or `true`, the moving statistics are recomputed
    over up to `max_batches` training micro-batches of the size batch norm
    normalized over in training (per replica, or across replicas with
    synchronized batch norm). Then inference-mode and training-mode predictions
    are compared on the validation split (the training split when there is
    none); the run report names batch norm when they disagree.

    Returns:
        The `ModeAgreement` (None when the model has no trainable batch norm).
    """
    from keras_recipes.training.sync_batch_norm import unsynchronize

    unsynchronize(model)  # the hand-back model's batch norm carries no distribution setting
    if not has_trainable_batch_norm(model):
        return None
    mode = getattr(recipe.training, "recompute_batch_norm", "auto")
    if mode in ("auto", True, "true"):
        report = recompute_batch_norm(model, _training_stream(data, plan), max_batches,
                                      group_size=normalization_group(recipe, plan))
        echo(report.describe())
    split, dataset = ("val", data.val) if data.val is not None else ("train", data.train)
    return mode_agreement(model, dataset, data.spec.task, split=split)


def normalization_group(recipe, plan) -> int:
    """Examples one batch-norm normalization saw in training: the per-replica micro-batch,
    times the replicas when batch norm is synchronized across them."""
    synchronized = getattr(plan, "sync_batch_norm", False)
    return recipe.data.batch_size * (plan.replicas if synchronized else 1)


def _training_stream(data, plan):
    """Epoch 0's training batches (the same on every call: a resumed final phase
    recomputes the same statistics), or the training pipeline."""
    epochs = getattr(data, "epochs", None)
    if epochs is not None:
        return epochs.from_position(0, 0).take(plan.budget.updates_per_epoch)
    return data.train
