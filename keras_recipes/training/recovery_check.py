"""A run rescued by rollbacks must end better than a constant prediction, or it failed.

`training.on_nan: rollback` restores the last good state and lowers the
learning rate after a fault. A run can recover that way (even on its last
allowed rollback) and still hand back a useless model: weights ruined before
the last saved state, or a learning rate now too small to learn. Calling that
run "completed" would let a script or CI take it for a success. So a run that
rolled back is checked once its metrics are known: its evaluated model must
beat the best constant prediction on the same split, i.e. for classification
always answering the most frequent class (by more than two standard errors of
that accuracy), for regression the loss of predicting the split's mean
target. When it does not, the run fails (exit 1) with the numbers; its
artifacts stay in the run directory for inspection.

Example:
    >>> check = constant_baseline(model, data.val, "classification", metrics["val"])
    >>> check.describe()
    'val accuracy 0.1056 vs 0.1111 always predicting the most frequent class'
"""

from __future__ import annotations

import dataclasses
import math
from typing import Optional

import numpy as np

from keras_recipes.errors import TrainingError


@dataclasses.dataclass(frozen=True)
class ConstantBaseline:
    """The evaluated model's score next to the best constant prediction's.

    `metric` is `accuracy` (higher is better) or `loss` (lower is better);
    `margin` is what the model must beat the constant by.
    """

    split: str
    metric: str
    model: float
    constant: float
    margin: float = 0.0

    @property
    def useless(self) -> bool:
        if self.metric == "accuracy":
            return self.model <= self.constant + self.margin
        return self.model >= self.constant - self.margin

    def describe(self) -> str:
        what = ("always predicting the most frequent class" if self.metric == "accuracy"
                else "predicting the mean target")
        return f"{self.split} {self.metric} {self.model:.4g} vs {self.constant:.4g} {what}"


def _targets(dataset) -> np.ndarray:
    parts = []
    for batch in dataset:
        y = batch[1] if isinstance(batch, (tuple, list)) and len(batch) > 1 else None
        if y is None:
            return np.zeros((0,))
        parts.append(np.asarray(y))
    return np.concatenate(parts) if parts else np.zeros((0,))


def constant_baseline(model, dataset, task: str, split_metrics: dict,
                      split: str = "val") -> Optional[ConstantBaseline]:
    """Compares `split_metrics` (the model's evaluated values) with a constant prediction.

    Args:
        model: the compiled model (its loss scores the constant, for regression).
        dataset: the evaluated split's batches `(x, y[, w])`.
        task: `classification` or `regression`.
        split_metrics: the model's metrics on that split (`accuracy`, `loss`).
        split: the split's name, for the message.

    Returns:
        A `ConstantBaseline`, or None when the split has no labels or no metric to compare.
    """
    y = _targets(dataset)
    if not len(y):
        return None
    if task == "classification":
        if "accuracy" not in split_metrics:
            return None
        labels = y.argmax(-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(-1)
        share = float(np.bincount(labels.astype(np.int64)).max() / len(labels))
        margin = 2.0 * math.sqrt(share * (1.0 - share) / len(labels))
        return ConstantBaseline(split, "accuracy", float(split_metrics["accuracy"]), share,
                                margin)
    import keras

    loss_fn = getattr(model, "loss", None)
    loss_fn = keras.losses.get(loss_fn) if isinstance(loss_fn, str) else loss_fn
    if "loss" not in split_metrics or not callable(loss_fn):
        return None
    y = y.astype(np.float32).reshape(len(y), -1)
    constant = np.broadcast_to(y.mean(axis=0, keepdims=True), y.shape)
    loss = float(np.mean(keras.ops.convert_to_numpy(loss_fn(y, constant))))
    return ConstantBaseline(split, "loss", float(split_metrics["loss"]), loss)


def check_recovered_run(guard, model, data, metrics: dict, lr_factor: float) -> None:
    """Raises TrainingError when a run that rolled back ends no better than a constant.

    Args:
        guard: the run's `NonFiniteGuard` (its `rollbacks`), or None.
        model: the final (evaluated) model.
        data: the run's `DataBundle` (`val`/`test` and `spec.task`).
        metrics: `{"val": {...}, "test": {...}}` as written to metrics.json.
        lr_factor: the learning-rate factor the rollbacks left.
    """
    rollbacks = getattr(guard, "rollbacks", 0)
    if not rollbacks:
        return
    split = "val" if data.val is not None and "val" in metrics else "test"
    dataset = data.val if split == "val" else data.test
    if dataset is None or split not in metrics:
        return
    baseline = constant_baseline(model, dataset, data.spec.task, metrics[split], split)
    if baseline is None or not baseline.useless:
        return
    raise TrainingError(
        f"the run recovered from its faults by {rollbacks} rollback(s) (learning-rate factor "
        f"now {lr_factor:g}) but its model is no better than a constant: "
        f"{baseline.describe()}; the artifacts are kept for inspection. Lower "
        "optimizer.learning_rate (try lr-find), add a warmup or set "
        "optimizer.global_clipnorm: 1.0, and train again")
