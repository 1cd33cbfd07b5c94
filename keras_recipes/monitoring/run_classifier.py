"""Reads a run's training curves and names its state, with the playbook's advice."""

from __future__ import annotations

import dataclasses
import math
from typing import Optional

ADVICE = {
    "healthy": "Nothing to fix; to improve further, change one variable at a time and "
               "compare runs.",
    "overfitting": "More regularization (dropout, weight decay, augmentation), more data, or "
                   "a smaller model; keep early stopping on so the best checkpoint is used.",
    "underfitting": "A bigger model, longer training, less regularization or a higher "
                    "learning rate (run `lr-find`).",
    "diverged": "The learning rate is too high or there is numerical trouble: lower "
                "optimizer.learning_rate 3-10x, add a warmup, set optimizer.global_clipnorm: "
                "1.0, and check the data for NaN/Inf (`diagnose`).",
    "stalled": "The loss is flat: the learning rate is too low or too high, or gradients do "
               "not flow; run `lr-find` and `diagnose`.",
}

# Thresholds (fractions of a loss value), chosen to be conservative: a run is
# only called unhealthy when the curves leave little doubt.
STALL_DROP = 0.02        # train loss fell less than 2% from its first epoch
DIVERGE_RISE = 1.5       # last train loss > 1.5x its minimum and above the first
OVERFIT_RISE = 0.10      # val loss ended > 10% above its minimum ...
OVERFIT_GAP = 0.5        # ... or ended > 50% above the train loss and rose in the last epochs
UNDERFIT_LEVEL = 0.25    # final train loss > 25% of the chance-level (or first-epoch) loss


@dataclasses.dataclass(frozen=True)
class RunState:
    """A run's state: one of `ADVICE`'s keys, why, and what to do."""

    state: str
    reason: str

    @property
    def advice(self) -> str:
        return ADVICE[self.state]

    def line(self) -> str:
        return f"run looks {self.state}: {self.reason}. Advice: {self.advice}"


def _finite(values) -> bool:
    return all(math.isfinite(v) for v in values)


def loss_floor(num_classes: int, label_smoothing: float = 0.0) -> float:
    """The lowest cross-entropy reachable with smoothed labels (0 without smoothing).

    The entropy of the target `1 - e + e/K` on the true class and `e/K` on the
    others.

    Example:

    >>> round(loss_floor(10, 0.1), 4)
    0.5003
    """
    if not label_smoothing:
        return 0.0
    hit, miss = 1 - label_smoothing + label_smoothing / num_classes, label_smoothing / num_classes
    return -(hit * math.log(hit) + (num_classes - 1) * miss * math.log(miss))


def classify_run(history: dict, num_classes: Optional[int] = None,
                 label_smoothing: float = 0.0) -> RunState:
    """Classifies a run from its per-epoch `history` (`loss`, optional `val_loss`).

    In order: diverged (a non-finite loss, or the train loss blew up), stalled
    (train loss fell < 2%), overfitting (validation loss rose > 10% above its
    minimum while the train loss kept falling, or ended > 50% above the train
    loss and still rising), underfitting (train loss still above 25% of the
    chance level `ln(num_classes)` for classification, or of the first
    epoch's loss otherwise; both measured above the floor that label
    smoothing sets), else healthy.

    Example:

    >>> classify_run({"loss": [1.0, 0.5, 0.3, 0.2], "val_loss": [1.0, 0.6, 0.8, 0.9]}).state
    'overfitting'

    Args:
        history: `{"loss": [...], "val_loss": [...], ...}`, one value per epoch.
        num_classes: classes of a classification run; `None` for regression.
        label_smoothing: the run's label smoothing (raises the reachable loss).
    """
    loss = [float(v) for v in history.get("loss", [])]
    val = [float(v) for v in history.get("val_loss", [])]
    if not loss:
        return RunState("stalled", "no epoch finished")
    if not _finite(loss) or not _finite(val):
        bad = next(i for i in range(max(len(loss), len(val)))
                   if not _finite(loss[i:i + 1] + val[i:i + 1]))
        return RunState("diverged", f"the loss became non-finite in epoch {bad + 1}")
    first, low, last = loss[0], min(loss), loss[-1]
    if last > DIVERGE_RISE * low and last > first:
        return RunState("diverged", f"the train loss rose from {low:.4g} to {last:.4g}")
    if len(loss) > 1 and first - low < STALL_DROP * abs(first):
        return RunState("stalled", f"the train loss stayed near {first:.4g} over "
                                   f"{len(loss)} epochs")
    overfit = _overfitting(loss, val)
    if overfit:
        return RunState("overfitting", overfit)
    classes = num_classes if num_classes and num_classes > 1 else None
    floor = loss_floor(classes, label_smoothing) if classes else 0.0
    reference = math.log(classes) if classes else first
    if last - floor > UNDERFIT_LEVEL * (reference - floor):
        what = f"chance level ln({classes}) = {reference:.4g}" if classes else \
            f"the first epoch's {reference:.4g}"
        share = f"{(last - floor) / (reference - floor):.0%} of "
        if floor:
            share += f"the way from the label-smoothing floor {floor:.4g} to "
        gap = f", validation {val[-1]:.4g}" if val else ""
        return RunState("underfitting", f"the final train loss {last:.4g}{gap} is still "
                                        f"{share}{what}")
    gap = f", validation {val[-1]:.4g}" if val else ""
    return RunState("healthy", f"the train loss fell from {first:.4g} to {last:.4g}{gap}")


def _overfitting(loss: list, val: list) -> Optional[str]:
    if len(val) < 2:
        return None
    best = min(range(len(val)), key=val.__getitem__)
    if val[-1] > (1 + OVERFIT_RISE) * val[best] and loss[-1] < loss[best]:
        return (f"the validation loss rose from {val[best]:.4g} (epoch {best + 1}) to "
                f"{val[-1]:.4g} while the train loss fell to {loss[-1]:.4g}")
    if val[-1] > (1 + OVERFIT_GAP) * loss[-1] and val[-1] > val[-2] and best < len(val) - 1:
        return (f"the validation loss {val[-1]:.4g} is {val[-1] / loss[-1]:.1f}x the train "
                f"loss {loss[-1]:.4g} and rising")
    return None
