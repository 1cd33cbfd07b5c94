"""Model outputs to class predictions, and a dataset's inputs and labels as arrays."""

from __future__ import annotations

import numpy as np


def predicted_classes(probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`(class, confidence)` per example: argmax of a softmax, or a sigmoid at 0.5.

    Example:

    >>> predicted_classes(np.array([[0.2, 0.8], [0.9, 0.1]]))[0].tolist()
    [1, 0]
    """
    p = np.asarray(probabilities, np.float64)
    if p.ndim == 1 or p.shape[-1] == 1:
        p = p.reshape(len(p))
        classes = (p > 0.5).astype(np.int64)
        return classes, np.where(classes == 1, p, 1 - p)
    classes = np.argmax(p, axis=-1)
    return classes, np.take_along_axis(p, classes[:, None], axis=-1)[:, 0]


def class_labels(y: np.ndarray) -> np.ndarray:
    """Sparse integer labels from sparse or one-hot targets."""
    y = np.asarray(y)
    if y.ndim > 1 and y.shape[-1] > 1:
        return np.argmax(y, axis=-1)
    return y.reshape(len(y)).astype(np.int64)


def dataset_arrays(dataset, with_inputs: bool = True, limit=None):
    """Concatenates a batched `(x, y[, w])` dataset into `(x or None, y)` NumPy arrays."""
    xs, ys, seen = [], [], 0
    for element in dataset:
        x, y = element[0], element[1]
        if with_inputs:
            xs.append(np.asarray(x))
        ys.append(np.asarray(y))
        seen += len(ys[-1])
        if limit is not None and seen >= limit:
            break
    x = np.concatenate(xs)[:limit] if with_inputs else None
    return x, np.concatenate(ys)[:limit]
