"""Diagnose step 5: the loss decreases over the first steps at the recipe's learning rate.

The recipe's compiled model (its optimizer, schedule and LR) trains for
`Budget.decrease_steps` steps on the training data from its initial weights.
The training-mode loss on a fixed sample of training examples is measured
before and after, and the loss on validation examples too: training loss
that does not fall (or becomes NaN) fails; training loss that falls while the
held-out loss does not is a warning (labels that do not follow the inputs, or
memorization from the first steps).
"""

from __future__ import annotations

import numpy as np

from keras_recipes.diagnostics.check import FAIL, PASS, WARN, CheckResult
from keras_recipes.diagnostics.context import initial_state, train_mode_loss

STEP, NAME = 5, "loss decreases"
MIN_DROP = 0.05      # the training loss must fall by at least 5% of its start
_EVAL_EXAMPLES = 512


def loss_trajectory(model, dataset, steps: int, train_xy, val_xy) -> dict[str, float]:
    """Training (and validation) loss before and after `steps` steps; the model is restored."""
    with initial_state(model):
        before = train_mode_loss(model, *train_xy)
        val_before = train_mode_loss(model, *val_xy) if val_xy else None
        model.fit(dataset.repeat(), steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False)
        after = train_mode_loss(model, *train_xy)
        val_after = train_mode_loss(model, *val_xy) if val_xy else None
    return {"train_before": before, "train_after": after, "val_before": val_before,
            "val_after": val_after, "steps": steps}


def check_loss_decreases(ctx) -> CheckResult:
    """Step 5: FAIL when the training loss does not fall (or turns non-finite)."""
    n = _EVAL_EXAMPLES
    train_xy = (ctx.x_train[:n], ctx.as_trained(ctx.y_train[:n]))
    val_xy = (ctx.x_val[:n], ctx.as_trained(ctx.y_val[:n])) if ctx.x_val is not None else None
    lr = ctx.prepared.plan.learning_rate
    t = loss_trajectory(ctx.model, ctx.prepared.data.train, ctx.budget.decrease_steps,
                        train_xy, val_xy)
    details = {"learning_rate": lr, **t}
    reason = (f"train loss {t['train_before']:.3g} -> {t['train_after']:.3g} in {t['steps']} "
              f"steps at LR {lr:g} ({ctx.recipe.schedule.name} schedule)")
    if val_xy is not None:
        reason += f", val {t['val_before']:.3g} -> {t['val_after']:.3g}"
    before, after = t["train_before"], t["train_after"]
    if not np.isfinite(after) or after > before * (1 - MIN_DROP):
        verdict = "became non-finite" if not np.isfinite(after) else "did not fall"
        return CheckResult(
            STEP, NAME, FAIL, f"the loss {verdict}: {reason}",
            "LR too high (loss rises or turns NaN: lower it 10x, add warmup or "
            "global_clipnorm: 1.0) or too low (flat: raise it); run `lr-find` (step 6)",
            details)
    if val_xy is not None and not t["val_after"] < t["val_before"]:
        return CheckResult(
            STEP, NAME, WARN, f"training loss falls but held-out loss does not: {reason}",
            "labels may not follow the inputs (step 1's probe), or the model memorizes: "
            "more data, more regularization", details)
    return CheckResult(STEP, NAME, PASS, reason, "", details)
