"""Diagnose step 4, gradient flow: every trainable variable gets a finite, non-zero gradient.

One training batch goes through the model in training mode; the compiled loss
(with the optimizer's loss scale under mixed precision) is differentiated with
respect to every trainable variable. A variable whose gradient is missing (cut
off from the loss: a `stop_gradient`, an unused branch), non-finite, or zero
everywhere cannot learn; offenders are listed by layer.
"""

from __future__ import annotations

import numpy as np

from keras_recipes.diagnostics.check import FAIL, PASS, CheckResult
from keras_recipes.diagnostics.context import initial_state

STEP, NAME = 4, "gradient flow"


def gradient_report(model, x, y) -> tuple[dict[str, str], dict[str, float]]:
    """`({variable path: problem}, {layer: gradient norm})` for one batch."""
    import tensorflow as tf

    variables = model.trainable_variables
    with initial_state(model):
        with tf.GradientTape() as tape:
            y_pred = model(x, training=True)
            loss = model.compute_loss(x=x, y=y, y_pred=y_pred, training=True)
            scale = getattr(model.optimizer, "scale_loss", None)
            scaled = scale(loss) if scale is not None else loss
        gradients = tape.gradient(scaled, variables)
    problems, norms = {}, {}
    for variable, gradient in zip(variables, gradients):
        layer = variable.path.rsplit("/", 1)[0]
        if gradient is None:
            problems[variable.path] = "no gradient (not connected to the loss)"
            continue
        value = np.asarray(tf.convert_to_tensor(gradient), np.float64)
        if not np.all(np.isfinite(value)):
            problems[variable.path] = "non-finite gradient"
        elif not np.any(value):
            problems[variable.path] = "zero gradient"
        norms[layer] = float(np.sqrt(norms.get(layer, 0.0) ** 2 + np.sum(value * value)))
    return problems, norms


def check_gradients(ctx) -> CheckResult:
    """Step 4: FAIL when any trainable variable gets no, a non-finite or a zero gradient."""
    batch = min(len(ctx.x_train), ctx.recipe.data.batch_size)
    x, y = ctx.x_train[:batch], ctx.as_trained(ctx.y_train[:batch])
    problems, norms = gradient_report(ctx.model, x, y)
    details = {"offenders": problems, "layer_gradient_norms": norms}
    count = len(ctx.model.trainable_variables)
    if problems:
        layers = sorted({path.rsplit("/", 1)[0] for path in problems})
        listed = "; ".join(f"{path}: {why}" for path, why in list(problems.items())[:4])
        return CheckResult(
            STEP, NAME, FAIL, f"{len(problems)} of {count} trainable variables cannot learn, "
            f"in layer(s) {', '.join(layers)} ({listed})",
            "find what cuts these layers off the loss (stop_gradient, a detached or unused "
            "branch, an integer cast, a constant-zero path) or what makes the gradient "
            "NaN; freeze them on purpose with trainable=False", details)
    return CheckResult(STEP, NAME, PASS, f"all {count} trainable variables get finite, "
                       "non-zero gradients", "", details)
