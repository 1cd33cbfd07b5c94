"""`training.class_weight`: per-class loss weights for imbalanced classes."""

from __future__ import annotations

from typing import Mapping, Optional, Sequence, Union

import numpy as np

from keras_recipes.errors import UsageError


def balanced_weights(labels: np.ndarray, num_classes: int) -> np.ndarray:
    """`n / (k * count_c)` per class, `k` the classes present (scikit-learn's
    "balanced": every class then weighs the same in total); absent classes get 1.

    Example:

    >>> balanced_weights(np.array([0, 0, 0, 1]), 2)
    array([0.6666667, 2.       ], dtype=float32)
    """
    counts = np.bincount(np.asarray(labels, np.int64), minlength=num_classes).astype(np.float64)
    present = max(int((counts > 0).sum()), 1)
    weights = np.where(counts > 0, counts.sum() / (present * np.maximum(counts, 1)), 1.0)
    return weights.astype(np.float32)


def class_weight_vector(value: Union[str, Mapping], labels: np.ndarray, num_classes: int,
                        class_names: Optional[Sequence[str]] = None) -> np.ndarray:
    """`training.class_weight` as one weight per class id.

    Args:
        value: `"balanced"`, or `{class: weight}` keyed by class name or id
            (classes not named keep weight 1).
        labels: training class ids (for `balanced`).
        num_classes: number of classes.
        class_names: names the mapping may use.

    Raises:
        UsageError: a class the data does not have, or a weight <= 0.
    """
    if value == "balanced":
        return balanced_weights(labels, num_classes)
    names = [str(n) for n in (class_names or range(num_classes))]
    weights = np.ones(num_classes, np.float32)
    for key, weight in dict(value).items():
        text = str(key)
        if text in names:
            index = names.index(text)
        elif text.isdigit() and int(text) < num_classes:
            index = int(text)
        else:
            raise UsageError(f"training.class_weight.{key}: not a class -> one of "
                             f"{', '.join(names)}")
        if not float(weight) > 0:
            raise UsageError(f"training.class_weight.{key}: {weight} -> a weight > 0")
        weights[index] = float(weight)
    return weights


def weigher(weights: np.ndarray):
    """`y -> per-example weight`: class ids index `weights`; one-hot or mixed labels
    (mixup, cutmix) weigh by their class proportions (`y @ weights`)."""
    import tensorflow as tf

    table = tf.constant(weights, tf.float32)

    def weigh(y):
        if y.shape.rank is not None and y.shape.rank >= 2 and y.shape[-1] == len(weights):
            return tf.linalg.matvec(tf.cast(y, tf.float32), table)
        return tf.gather(table, tf.cast(tf.reshape(y, [-1]), tf.int32))

    return weigh
