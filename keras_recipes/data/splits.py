"""Seeded, stratified train/val/test splits and train-only feature scaling."""

from __future__ import annotations

import dataclasses

import numpy as np
from sklearn.model_selection import train_test_split


@dataclasses.dataclass
class ArraySplits:
    """In-memory train/val/test arrays."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def split_indices(y: np.ndarray, val_split: float, test_split: float, seed: int,
                  stratify: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row indices of the train, val and test splits (as `split_arrays` splits them).

    Works for any examples (table columns, file paths): only `y` and the
    count matter. The same seed always gives the same split.
    """
    index = np.arange(len(y))
    parts = split_arrays(index, y, val_split, test_split, seed, stratify)
    return parts.x_train, parts.x_val, parts.x_test


def split_arrays(x: np.ndarray, y: np.ndarray, val_split: float, test_split: float,
                 seed: int, stratify: bool) -> ArraySplits:
    """Splits off `test_split`, then `val_split` (both fractions of all examples).

    Stratified by `y` when `stratify` is true, so every split keeps the class
    proportions. The same seed always gives the same split.
    """

    def _split(xs, ys, fraction):
        if fraction <= 0:
            return xs, ys, xs[:0], ys[:0]
        strata = ys if stratify else None
        a_x, b_x, a_y, b_y = train_test_split(xs, ys, test_size=fraction, random_state=seed,
                                              stratify=strata)
        return a_x, a_y, b_x, b_y

    rest_x, rest_y, x_test, y_test = _split(x, y, test_split)
    relative_val = val_split / (1.0 - test_split) if test_split < 1 else 0.0
    x_train, y_train, x_val, y_val = _split(rest_x, rest_y, relative_val)
    return ArraySplits(x_train, y_train, x_val, y_val, x_test, y_test)


class Normalizer:
    """Feature scaling whose statistics come from the training split only.

    Methods: `standard` (per-feature mean/std), `minmax` (per feature to
    [0, 1]), `scale` (divide by the training maximum: images), `none`.

    Example:

    >>> norm = Normalizer("standard").fit(np.array([[0.0], [2.0]]))
    >>> norm(np.array([[2.0]]))
    array([[1.]], dtype=float32)
    """

    def __init__(self, method: str):
        self.method = method
        self.shift: np.ndarray | float = 0.0
        self.scale: np.ndarray | float = 1.0

    def fit(self, x_train: np.ndarray) -> "Normalizer":
        x = x_train.astype(np.float64)
        if self.method == "standard":
            self.shift = x.mean(axis=0)
            std = x.std(axis=0)
            self.scale = np.where(std > 1e-8, std, 1.0)
        elif self.method == "minmax":
            self.shift = x.min(axis=0)
            span = x.max(axis=0) - self.shift
            self.scale = np.where(span > 1e-8, span, 1.0)
        elif self.method == "scale":
            peak = float(np.abs(x).max()) if x.size else 1.0
            self.scale = peak if peak > 0 else 1.0
        return self

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.shift) / self.scale).astype(np.float32)
