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
    "plateaued": "Train and validation loss level off together: the data may allow no "
                 "better (noisy labels, uninformative features) or the model is too small. "
                 "Run `baseline`: if the simplest models get as close, more capacity will "
                 "not help; if not, try a bigger model or less regularization.",
    "diverged": "The learning rate is too high or there is numerical trouble: lower "
                "optimizer.learning_rate 3-10x, add a warmup, set optimizer.global_clipnorm: "
                "1.0, and check the data for NaN/Inf (`diagnose`).",
    "stalled": "The loss is flat: the learning rate is too low or too high, or gradients do "
               "not flow; run `lr-find` and `diagnose`.",
    "inconsistent": "Batch norm: its moving statistics are not those of the data, so the "
                    "model predicts differently in inference mode than in training. Keep "
                    "training.recompute_batch_norm on (auto), train longer or lower the "
                    "batch-norm momentum; with tiny or unrepresentative batches, use "
                    "normalization: layer.",
}

# Thresholds (fractions of a loss value), chosen to be conservative: a run is
# only called unhealthy when the curves leave little doubt.
STALL_DROP = 0.02        # train loss fell less than 2% from its first epoch
DIVERGE_RISE = 1.5       # last train loss > 1.5x its minimum and above the first
OVERFIT_RISE = 0.10      # val loss ended > 10% above its minimum ...
OVERFIT_GAP = 0.5        # ... or ended > 50% above the train loss and rose in the last epochs
UNDERFIT_LEVEL = 0.25    # final train loss > 25% of the chance-level (or first-epoch) loss
PLATEAU_DROP = 0.01      # ... and falling < 1% an epoch: plateaued, not underfitting
EXPLODE = 100.0          # a train or validation loss > 100x the loss scale: diverged
GAP_SHARE = 0.25         # a val/train loss gap counts when > 25% of the loss scale
ACCURACY_GAP = 0.10      # train accuracy > 0.10 above validation (and half its error)


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
    """Classifies a run from its per-epoch `history` (losses and accuracies).

    In order, each rule reading the curves against a scale (the first epoch's
    loss, chance level `ln(num_classes)`, chance accuracy `1 / num_classes`):

    - diverged: a non-finite loss; a train or validation loss that exploded
      (> 100x the loss scale at some epoch, NaN or not); or a train loss that
      ended > 1.5x its minimum and above its first value;
    - stalled: the train loss fell < 2% from its first epoch;
    - overfitting: the train/validation gap. The validation loss rose > 10%
      above its minimum while the train loss kept falling, or ended > 1.5x
      the train loss, rising, by more than a quarter of the loss scale; or the
      train accuracy is > 0.10 above the validation accuracy and its error is
      less than half the validation error (train 1.00 / validation 0.40);
    - underfitting: the final train loss is still above 25% of the loss scale
      (measured above the floor that label smoothing sets) and still falling
      (> 1% an epoch over the last epochs);
    - plateaued: as high, but train and validation loss have levelled off
      together: the data may allow no better (noisy labels) or the model is
      too small, which the curves alone cannot tell; `baseline` can;
    - else healthy.

    Example:

    >>> classify_run({"loss": [1.0, 0.5, 0.3, 0.2], "val_loss": [1.0, 0.6, 0.8, 0.9]}).state
    'overfitting'

    Args:
        history: `{"loss": [...], "val_loss": [...], "accuracy": [...], ...}`,
            one value per epoch.
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
    classes = num_classes if num_classes and num_classes > 1 else None
    first, low, last = loss[0], min(loss), loss[-1]
    scale = max(math.log(classes) if classes else 0.0, first)
    exploded = _exploded(loss, val, scale)
    if exploded:
        return RunState("diverged", exploded)
    if last > DIVERGE_RISE * low and last > first:
        return RunState("diverged", f"the train loss rose from {low:.4g} to {last:.4g}")
    if len(loss) > 1 and first - low < STALL_DROP * abs(first):
        return RunState("stalled", f"the train loss stayed near {first:.4g} over "
                                   f"{len(loss)} epochs")
    overfit = _overfitting(loss, val, scale) or _accuracy_gap(history, classes)
    if overfit:
        return RunState("overfitting", overfit)
    floor = loss_floor(classes, label_smoothing) if classes else 0.0
    reference = math.log(classes) if classes else first
    gap = f", validation {val[-1]:.4g}" if val else ""
    if last - floor > UNDERFIT_LEVEL * (reference - floor):
        what = f"chance level ln({classes}) = {reference:.4g}" if classes else \
            f"the first epoch's {reference:.4g}"
        share = f"{(last - floor) / (reference - floor):.0%} of "
        if floor:
            share += f"the way from the label-smoothing floor {floor:.4g} to "
        level = f"the final train loss {last:.4g}{gap} is {share}{what}"
        drop = _recent_drop(loss, floor)
        if drop is None or drop > PLATEAU_DROP:
            still = f", still falling {drop:.1%} an epoch" if drop is not None else ""
            return RunState("underfitting", f"{level}{still}")
        return RunState("plateaued", f"{level}, and it has levelled off "
                                     f"({drop:.1%} an epoch over the last epochs) with no "
                                     "train/validation gap")
    return RunState("healthy", f"the train loss fell from {first:.4g} to {last:.4g}{gap}")


def batch_norm_state(agreement) -> Optional[RunState]:
    """`inconsistent` when inference-mode and training-mode predictions disagree.

    Args:
        agreement: a `keras_recipes.training.batch_norm_stats.ModeAgreement`, or None.
    """
    if agreement is None or agreement.agree:
        return None
    return RunState("inconsistent", f"batch norm: {agreement.describe()}")


def _exploded(loss: list, val: list, scale: float) -> Optional[str]:
    """A loss far beyond anything training can reach honestly: > 100x the loss scale."""
    for name, values in (("train", loss), ("validation", val)):
        if values and max(values) > EXPLODE * scale:
            epoch = max(range(len(values)), key=values.__getitem__)
            return (f"the {name} loss reached {values[epoch]:.4g} in epoch {epoch + 1}, "
                    f"{values[epoch] / scale:.3g}x its scale {scale:.4g} (first train loss "
                    "or chance level)")
    return None


def _overfitting(loss: list, val: list, scale: float) -> Optional[str]:
    if len(val) < 2:
        return None
    best = min(range(len(val)), key=val.__getitem__)
    if val[-1] > (1 + OVERFIT_RISE) * val[best] and loss[-1] < loss[best]:
        return (f"the validation loss rose from {val[best]:.4g} (epoch {best + 1}) to "
                f"{val[-1]:.4g} while the train loss fell to {loss[-1]:.4g}")
    if (val[-1] > (1 + OVERFIT_GAP) * loss[-1] and val[-1] - loss[-1] > GAP_SHARE * scale
            and val[-1] > val[-2] and best < len(val) - 1):
        return (f"the validation loss {val[-1]:.4g} is {val[-1] / loss[-1]:.1f}x the train "
                f"loss {loss[-1]:.4g} and rising")
    return None


def _accuracy_gap(history: dict, classes: Optional[int]) -> Optional[str]:
    """Train accuracy far above validation accuracy (the first `*accuracy` metric logged)."""
    name = next((k for k in history if "accuracy" in k and not k.startswith("val_")
                 and history.get(f"val_{k}")), None)
    if name is None or not history[name]:
        return None
    train, val = float(history[name][-1]), float(history[f"val_{name}"][-1])
    if not (math.isfinite(train) and math.isfinite(val)):
        return None
    if train - val <= ACCURACY_GAP or (1 - train) >= 0.5 * (1 - val):
        return None
    reason = f"train {name} {train:.2f} against validation {val:.2f}"
    chance = 1 / classes if classes else None
    if chance is not None and val <= chance + ACCURACY_GAP / 2:
        return (f"{reason}, which is chance level (1/{classes}): the model memorizes the "
                "training set and nothing transfers; check first that validation labels "
                "follow the inputs (`diagnose`)")
    return f"{reason}: the model memorizes the training set"


def _recent_drop(loss: list, floor: float) -> Optional[float]:
    """Mean fall of the train loss per epoch over the last (up to 3) epochs, relative to
    its height above `floor`; None with a single epoch."""
    if len(loss) < 2:
        return None
    window = loss[-min(4, len(loss)):]
    height = max(window[-1] - floor, 1e-12)
    return (window[0] - window[-1]) / (len(window) - 1) / height
