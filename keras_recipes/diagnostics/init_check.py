"""Diagnose step 2, initialization: constant weight tensors and activation scale at init.

A kernel whose entries are all equal (zeros, or any constant) gives every unit
of the layer the same gradient, so the units never differ: the symmetry trap.
Biases and normalization scales/offsets start constant on purpose and are not
checked (only tensors of rank 2 or more whose name is not a bias, e.g. kernels
and embeddings; attention biases are rank 2). Then one batch goes through the model in
inference mode and the standard deviation of every layer's output is
measured: below 1e-3 the signal vanishes, above 1e3 it explodes.
"""

from __future__ import annotations

import numpy as np

from keras_recipes.diagnostics.check import FAIL, PASS, WARN, CheckResult

STEP, NAME = 2, "initialization"
VANISH, EXPLODE = 1e-3, 1e3
_CONSTANT_ON_PURPOSE = ("bias", "beta", "gamma", "offset", "scale")
_PROBE_EXAMPLES = 256


def constant_tensors(model) -> list[str]:
    """`path (value)` of the trainable tensors of rank >= 2 whose entries are all equal."""
    found = []
    for variable in model.trainable_variables:
        if any(word in variable.name for word in _CONSTANT_ON_PURPOSE):
            continue
        value = np.asarray(variable)
        if value.ndim >= 2 and value.size > 1 and np.all(value == value.flat[0]):
            found.append(f"{variable.path} (all {float(value.flat[0]):g})")
    return found


def activation_scales(model, x: np.ndarray) -> dict[str, float]:
    """Standard deviation of every layer's output on `x`; empty for non-functional models."""
    import keras

    try:
        layers = [layer for layer in model.layers
                  if not isinstance(layer, keras.layers.InputLayer)]
        outputs = [layer.output for layer in layers]
        probe = keras.Model(model.inputs, outputs)
    except (AttributeError, ValueError):
        return {}
    values = probe(x[:_PROBE_EXAMPLES], training=False)
    values = values if isinstance(values, (list, tuple)) else [values]
    scales = {}
    for layer, value in zip(layers, values):
        array = np.asarray(keras.ops.convert_to_numpy(value), np.float64)
        scales[layer.name] = float(array.std()) if np.all(np.isfinite(array)) else float("nan")
    return scales


def check_initialization(ctx) -> CheckResult:
    """Step 2: FAIL on constant weight tensors, WARN on vanishing/exploding activations."""
    model = ctx.model
    constant = constant_tensors(model)
    scales = activation_scales(model, ctx.x_train)
    off = {name: s for name, s in scales.items()
           if not np.isfinite(s) or s < VANISH or s > EXPLODE}
    details = {"constant_tensors": constant, "activation_std": scales}
    if constant:
        return CheckResult(
            STEP, NAME, FAIL, f"{len(constant)} constant weight tensor(s): "
            f"{', '.join(constant[:4])}{' ...' if len(constant) > 4 else ''}",
            "the symmetry trap: units that start equal stay equal. Use random kernels "
            "(He for ReLU, Glorot for tanh/sigmoid); zeros only for biases", details)
    if off:
        listed = ", ".join(f"{name} std {s:.2g}" for name, s in list(off.items())[:4])
        return CheckResult(
            STEP, NAME, WARN, f"activations vanish or explode at init: {listed}",
            "use the initializer that matches the activation (kernel_initializer: auto), "
            "normalization layers, and scaled inputs", details)
    reason = f"{len(model.trainable_variables)} trainable tensors, none constant"
    if scales:
        reason += (f"; layer output std {min(scales.values()):.2g} to "
                   f"{max(scales.values()):.2g} at init")
    return CheckResult(STEP, NAME, PASS, reason, "", details)
