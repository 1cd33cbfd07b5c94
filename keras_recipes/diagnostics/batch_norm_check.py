"""Diagnose step 7: batch norm predicts the same in inference mode as in training.

A batch-norm layer normalizes by the batch's statistics in training and by
its moving averages in inference. When the moving averages are not those of
the data (a short run, a fast-changing network, non-representative batches),
a model that is right in training mode is wrong in inference mode, the mode
every evaluation and the hand-back model use. The recipe's compiled model
trains `Budget.decrease_steps` steps from its initial weights; then, as the
end of a run does, the precise-statistics pass recomputes the moving
statistics (unless `training.recompute_batch_norm` is false), and inference
mode is compared with training-mode batch norm on validation examples
(`keras_recipes.training.batch_norm_stats.mode_agreement`). FAIL names batch
norm when they disagree by more than 2 accuracy points (or 1.5x the MSE).
"""

from __future__ import annotations

import dataclasses

from keras_recipes.diagnostics.check import FAIL, PASS, CheckResult
from keras_recipes.diagnostics.context import initial_state

STEP, NAME = 7, "batch norm modes"
_EVAL_EXAMPLES = 512
_RECOMPUTE_BATCHES = 50


def check_batch_norm(ctx) -> CheckResult:
    """Step 7: FAIL when inference-mode predictions fall behind training-mode ones."""
    import tensorflow as tf

    from keras_recipes.training.batch_norm_stats import (batch_norm_layers, has_trainable_batch_norm,
                                                         mode_agreement, recompute_batch_norm)

    model = ctx.model
    if not has_trainable_batch_norm(model):
        return CheckResult(STEP, NAME, PASS, "no trainable batch norm in the model")
    split, x, y = ("val", ctx.x_val, ctx.y_val) if ctx.x_val is not None else \
        ("train", ctx.x_train, ctx.y_train)
    n = _EVAL_EXAMPLES
    batch = ctx.recipe.data.batch_size
    examples = tf.data.Dataset.from_tensor_slices((x[:n], y[:n])).batch(batch)
    recompute = getattr(ctx.recipe.training, "recompute_batch_norm", "auto") not in (False, "false")
    steps = ctx.budget.decrease_steps
    with initial_state(model):
        model.fit(ctx.prepared.data.train.repeat(), steps_per_epoch=steps, epochs=1, verbose=0,
                  shuffle=False)
        moving = mode_agreement(model, examples, ctx.spec.task, split=split)
        final = moving
        if recompute:
            recompute_batch_norm(model, ctx.prepared.data.train, _RECOMPUTE_BATCHES,
                                 group_size=batch)
            final = mode_agreement(model, examples, ctx.spec.task, split=split)
    layers = [layer.name for layer in batch_norm_layers(model) if layer.trainable]
    momentum = sorted({layer.momentum for layer in batch_norm_layers(model)})
    return judge(moving, final, recompute, layers, momentum, steps)


def judge(moving, final, recompute: bool, layers: list, momentum: list,
          steps: int) -> CheckResult:
    """The step's verdict from the agreement of the moving statistics (`moving`) and of
    the statistics the run would hand back (`final`: after the precise pass, if on)."""
    details = {"steps": steps, "layers": layers, "momentum": momentum, "recompute": recompute,
               "moving_statistics": dataclasses.asdict(moving),
               "final": dataclasses.asdict(final)}
    after = (f"after {steps} steps and the precise-statistics pass" if recompute else
             f"after {steps} steps (training.recompute_batch_norm: false)")
    reason = f"{final.describe()} {after}"
    if recompute and not moving.agree:
        reason += (f"; the moving averages alone gave {moving.inference:.3g} (momentum "
                   f"{momentum[0]:g})")
    if final.agree:
        return CheckResult(STEP, NAME, PASS, reason, "", details)
    advice = ("batch norm (" + ", ".join(layers[:3]) + (", ..." if len(layers) > 3 else "")
              + "): its statistics are not those of the data. "
              + ("Keep training.recompute_batch_norm on (auto); " if not recompute else "")
              + "larger or representative (shuffled, stratified) batches, synchronized batch "
                "norm across replicas, or normalization: layer")
    return CheckResult(STEP, NAME, FAIL, f"batch norm disagrees: {reason}", advice, details)
