"""Do the labels follow the inputs? A k-nearest-neighbour probe against chance.

A model can only learn labels that depend on the inputs. Labels shuffled
against their inputs (a misaligned join, a sort applied to one array only)
leave a nearest-neighbour classifier at chance on held-out examples, while
any learnable dataset lifts it well above. "Above chance" means more than
three binomial standard errors above the majority-class rate (classification)
or a correlation above `3 / sqrt(n)` (regression).

Example:

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=(400, 5)); y = (x[:, 0] > 0).astype(int)
>>> probe_labels(x[:300], y[:300], x[300:], y[300:], "classification").passed
True
>>> probe_labels(x[:300], rng.permutation(y[:300]), x[300:], y[300:],
...              "classification").passed
False
"""

from __future__ import annotations

import dataclasses

import numpy as np

NEIGHBOURS = 5
SIGMAS = 3.0


@dataclasses.dataclass
class ProbeResult:
    """`score` (accuracy or correlation) against `chance` and the `threshold` to pass."""

    score: float
    chance: float
    threshold: float
    examples: int

    @property
    def passed(self) -> bool:
        return self.score > self.threshold


def _neighbours(x_train: np.ndarray, x_query: np.ndarray, k: int) -> np.ndarray:
    a = x_train.reshape(len(x_train), -1).astype(np.float64)
    b = x_query.reshape(len(x_query), -1).astype(np.float64)
    distances = (b * b).sum(1)[:, None] + (a * a).sum(1)[None, :] - 2.0 * b @ a.T
    return np.argsort(distances, axis=1)[:, :k]


def probe_labels(x_train, y_train, x_val, y_val, task: str,
                 k: int = NEIGHBOURS) -> ProbeResult:
    """k-NN predictions for `x_val` from `(x_train, y_train)`, scored against chance."""
    k = max(1, min(k, len(x_train)))
    nearest = _neighbours(x_train, x_val, k)
    n = len(x_val)
    if task == "classification":
        votes = np.asarray(y_train).reshape(-1)[nearest]
        predicted = np.array([np.bincount(row).argmax() for row in votes])
        truth = np.asarray(y_val).reshape(-1)
        score = float(np.mean(predicted == truth))
        chance = float(np.bincount(truth).max() / n)
        threshold = chance + SIGMAS * float(np.sqrt(chance * (1 - chance) / n))
        return ProbeResult(score, chance, min(threshold, 1.0 - 1e-9), n)
    targets = np.asarray(y_train, np.float64).reshape(len(y_train), -1)[:, 0]
    predicted = targets[nearest].mean(axis=1)
    truth = np.asarray(y_val, np.float64).reshape(n, -1)[:, 0]
    if predicted.std() == 0 or truth.std() == 0:
        score = 0.0
    else:
        score = float(np.corrcoef(predicted, truth)[0, 1])
    return ProbeResult(score, 0.0, SIGMAS / float(np.sqrt(n)), n)
