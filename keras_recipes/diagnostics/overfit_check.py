"""Diagnose step 3: overfit a tiny subset (about 10 examples) to near-zero loss.

A model that cannot memorize 10 examples has a broken architecture, loss or
gradient path. The recipe's compiled model trains on one fixed batch of the
first `Budget.overfit_examples` training examples, in chunks, until the
training loss falls to `TARGET_FRACTION` of its start (and, for
classification, every example is predicted right), the loss diverges (beyond
`DIVERGED` times its start) or the step budget ends.
If the recipe's learning rate fails, the playbook default LR for the
optimizer is tried on a freshly prepared copy: a pass there points at the LR
(steps 5 and 6), not at the model.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from keras_recipes.diagnostics.check import FAIL, PASS, WARN, CheckResult
from keras_recipes.diagnostics.context import initial_state, train_mode_loss

STEP, NAME = 3, "overfit 10 examples"
TARGET_FRACTION = 0.1
DIVERGED = 10.0  # stop early once the loss is this many times its start
_CHUNKS = 5


@dataclasses.dataclass
class OverfitResult:
    """Loss at the start and end, steps taken, and the loss floor (label smoothing)."""

    start: float
    end: float
    steps: int
    all_correct: bool
    floor: float = 0.0

    @property
    def passed(self) -> bool:
        return bool(np.isfinite(self.end) and self.all_correct and
                    self.end - self.floor <= TARGET_FRACTION * (self.start - self.floor))


def loss_floor(label_smoothing: float, classes: int) -> float:
    """The lowest cross-entropy reachable with smoothed targets: their entropy.

    >>> round(loss_floor(0.1, 10), 3)
    0.501
    """
    if label_smoothing <= 0 or classes < 2:
        return 0.0
    high = 1.0 - label_smoothing + label_smoothing / classes
    low = label_smoothing / classes
    return float(-high * np.log(high) - (classes - 1) * low * np.log(low))


def overfit(model, x: np.ndarray, y: np.ndarray, steps: int, task: str,
            floor: float = 0.0) -> OverfitResult:
    """Trains `model` on the batch `(x, y)` for up to `steps`, then restores it."""
    import tensorflow as tf

    batch = tf.data.Dataset.from_tensors((x, y)).repeat()
    chunk = max(1, steps // _CHUNKS)
    with initial_state(model):
        start = train_mode_loss(model, x, y)
        done, end, correct = 0, start, False
        while done < steps:
            history = model.fit(batch, steps_per_epoch=chunk, epochs=1, verbose=0,
                                shuffle=False)
            done += chunk
            end = float(history.history["loss"][-1])
            correct = _all_correct(model, x, y, task)
            result = OverfitResult(start, end, done, correct, floor)
            if not np.isfinite(end) or result.passed or end > DIVERGED * start:
                break
    return OverfitResult(start, end, done, correct, floor)


def _all_correct(model, x, y, task: str) -> bool:
    if task != "classification":
        return True
    predicted = np.argmax(np.asarray(model(x, training=False)), axis=-1)
    labels = np.argmax(y, axis=-1) if np.ndim(y) == 2 else np.asarray(y).reshape(-1)
    return bool(np.all(predicted == labels))


def check_overfit(ctx, retry_model=None) -> CheckResult:
    """Step 3. `retry_model()` returns a compiled model at the playbook default LR, or None."""
    n = ctx.budget.overfit_examples
    x, y = ctx.x_train[:n], ctx.as_trained(ctx.y_train[:n])
    task = ctx.spec.task
    floor = loss_floor(ctx.recipe.training.label_smoothing, ctx.spec.num_outputs) \
        if task == "classification" else 0.0
    first = overfit(ctx.model, x, y, ctx.budget.overfit_steps, task, floor)
    details = {"examples": len(x), "recipe_lr": dataclasses.asdict(first)}
    summary = _summary(first, len(x))
    if first.passed:
        return CheckResult(STEP, NAME, PASS, summary, "", details)
    retry = retry_model() if retry_model is not None else None
    if retry is not None:
        model, lr = retry
        second = overfit(model, x, y, ctx.budget.overfit_steps, task, floor)
        details["default_lr"] = {"learning_rate": lr, **dataclasses.asdict(second)}
        if second.passed:
            return CheckResult(
                STEP, NAME, WARN, f"at the recipe's LR {summary}; at the playbook default "
                f"LR {lr:g} it fits ({_summary(second, len(x))})",
                "the model can learn: the learning rate is the problem (see steps 5 and 6)",
                details)
    return CheckResult(
        STEP, NAME, FAIL, summary,
        "the model cannot memorize a handful of examples: check the output layer and loss "
        "match the task (softmax + sparse cross-entropy for class ids), the gradient flow "
        "(step 4) and the initialization (step 2); for regression, unscaled targets "
        "(step 1)", details)


def _summary(result: OverfitResult, n: int) -> str:
    text = f"loss {result.start:.3g} -> {result.end:.3g} on {n} examples in {result.steps} steps"
    return text if result.all_correct else text + ", not all predicted right"
