"""Picking a learning rate from a learning-rate range test."""

from __future__ import annotations

import numpy as np


def suggest_lr(lrs, losses):
    """Suggests a learning rate from a range test's `(lrs, losses)` curve.

    The rule: the learning rate where the loss falls fastest, i.e. the point
    of steepest negative slope of the loss against `log10(lr)`, looked for
    only up to the loss minimum. That lies below the minimum (which is
    already at the edge of divergence, where the loss starts climbing
    sharply) while the loss is still improving fast, a common choice for the
    maximum learning rate of a schedule (`fastai`'s "steep" suggestion).

    Two guards against batch-to-batch noise:

    - the slope at point `i` is taken between points `i - w` and `i + w`
      (clipped to the searched range), with `w = max(2, n // 20)` for `n`
      usable points;
    - the first 10% of the `n` points are left out of both searches (minimum and
      slope): there the moving average has seen only a few batches.

    `losses` should already be smoothed (as `LRFinder` records them); this
    function does no smoothing. Only the points before the first non-finite
    loss are used, since a diverged run's later points are meaningless.

    Example:

    >>> import numpy as np
    >>> lrs = np.logspace(-5, 0, 51)
    >>> losses = 2.0 - np.tanh(2 * (np.log10(lrs) + 3)) + np.maximum(
    ...     0, np.log10(lrs) + 1) ** 2 * 10
    >>> suggest_lr(lrs, losses)
    0.001

    Args:
        lrs: 1-D array of learning rates, positive and strictly increasing.
        losses: 1-D array of (smoothed) losses, one per learning rate.

    Returns:
        The suggested learning rate as a float, or `None` when there is no
        decreasing part to choose from: fewer than 3 usable points up to the
        minimum, or a loss that never decreases.

    Raises:
        ValueError: If the arrays are not 1-D of the same length, or the
            learning rates are not finite, positive and strictly increasing.
    """
    lrs = np.asarray(lrs, dtype="float64")
    losses = np.asarray(losses, dtype="float64")
    if lrs.ndim != 1 or losses.ndim != 1 or lrs.shape != losses.shape:
        raise ValueError(
            "Arguments `lrs` and `losses` must be 1-D arrays of the same length. "
            f"Received: lrs.shape={lrs.shape}, losses.shape={losses.shape}"
        )
    if lrs.size and (not np.all(np.isfinite(lrs)) or np.any(lrs <= 0)
                     or np.any(np.diff(lrs) <= 0)):
        raise ValueError(
            "Argument `lrs` must hold finite, positive, strictly increasing "
            f"learning rates. Received: lrs={lrs}"
        )
    finite = np.isfinite(losses)
    end = int(np.argmin(finite)) if not finite.all() else losses.size
    lrs, losses = lrs[:end], losses[:end]
    start = losses.size // 10
    lrs, losses = lrs[start:], losses[start:]
    if losses.size < 3:
        return None
    lowest = int(np.argmin(losses))
    if lowest < 2:
        return None
    log_lrs = np.log10(lrs)
    width = max(2, (start + lrs.size) // 20)
    at = np.arange(lowest + 1)
    before = np.clip(at - width, 0, lowest)
    after = np.clip(at + width, 0, lowest)
    slopes = (losses[after] - losses[before]) / (log_lrs[after] - log_lrs[before])
    steepest = int(np.argmin(slopes))
    if not slopes[steepest] < 0:
        return None
    return float(lrs[steepest])
