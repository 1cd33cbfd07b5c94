"""Diagnose step 6: the recipe's learning rate against an LR range test.

`keras_recipes.lr_finder.range_test` (the sweep `lr-find` runs, so both suggest
the same LR) sweeps the LR exponentially over the training pipeline's first
batches (the model and optimizer are restored after) and `suggest_lr` picks
the steepest descent. The LR where the smoothed loss
bottoms out is the edge: past it the loss climbs. The recipe's LR (after the
batch scaling rule) fails above that edge, warns more than `TOO_LOW`x below
the suggestion, and passes in between.
"""

from __future__ import annotations

import numpy as np

from keras_recipes.diagnostics.check import FAIL, PASS, WARN, CheckResult

STEP, NAME = 6, "learning rate"
TOO_LOW = 30.0


def check_learning_rate(ctx) -> CheckResult:
    """Step 6: FAIL when the recipe's LR lies past the range test's loss minimum."""
    from keras_recipes.lr_finder.recipe_range_test import END_LR, START_LR, range_test

    lr = ctx.prepared.plan.learning_rate
    result = range_test(ctx.prepared, num_steps=ctx.budget.range_test_steps)
    losses = np.asarray(result.losses, np.float64)
    finite = np.isfinite(losses)
    details = {"learning_rate": lr, "suggestion": result.suggestion, "flags": result.flags,
               "points": int(losses.size)}
    if not finite.any():
        return CheckResult(STEP, NAME, WARN, "the range test recorded no finite loss",
                           "fix steps 1-5 first", details)
    edge = float(np.asarray(result.lrs)[int(np.nanargmin(np.where(finite, losses, np.nan)))])
    details["loss_minimum_lr"] = edge
    suggestion = result.suggestion
    where = (f"range test {START_LR:g} -> {END_LR:g} over {losses.size} steps at "
             f"global batch {ctx.prepared.plan.global_batch}: loss "
             f"bottoms out at LR {edge:.3g}" +
             (f", suggested {suggestion:.3g}" if suggestion else ""))
    if lr > edge:
        return CheckResult(
            STEP, NAME, FAIL, f"recipe LR {lr:g} is past where the loss climbs ({where})",
            f"set optimizer.learning_rate near {suggestion or edge / 10:.2g} "
            "(`lr-find RECIPE --write OUT.yaml` writes it)", details)
    if suggestion and lr < suggestion / TOO_LOW:
        return CheckResult(
            STEP, NAME, WARN, f"recipe LR {lr:g} is far below the suggestion ({where})",
            f"a low LR trains slowly and stalls: try {suggestion:.2g}", details)
    if "too_flat" in result.flags or suggestion is None:
        return CheckResult(STEP, NAME, WARN, f"inconclusive ({where}; flags "
                           f"{', '.join(result.flags) or 'none'})",
                           "run `lr-find RECIPE --steps 200` for a longer sweep", details)
    return CheckResult(STEP, NAME, PASS, f"recipe LR {lr:g} is below the edge ({where})",
                       "", details)
