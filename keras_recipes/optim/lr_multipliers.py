"""Per-variable learning-rate multipliers and phase-fresh optimizer state, on one optimizer.

Keras 3 optimizers have one learning rate. Discriminative learning rates
(layer groups, layer-wise decay) need one per variable, and scaling the
gradient is not the same thing for adaptive optimizers (Adam divides the
scale out again). Every Keras optimizer applies its learning rate linearly
inside `update_step(gradient, variable, learning_rate)`: SGD (with momentum:
the velocity accumulates `lr * g`), Adam/AdamW, RMSprop and Lion all move a
variable by `learning_rate` times a function of its gradients and slots. So
calling the original `update_step` with `learning_rate * multiplier` is
exactly that optimizer run at the multiplied rate; this hook does that on
this optimizer instance (the inner one of a `LossScaleOptimizer`), and makes
decoupled weight decay use the multiplied rate too (`_keras_compat`).

Phases (`training.phases`) restart the optimizer's state at a phase's first
update, as compiling a fresh optimizer would: `reset_slots()` zeroes the
moments, and Adam's bias correction counts from the phase's first update
(`phase_start`), while the step counter, the schedule and the plateau factor
run on. Adam's update is `lr * sqrt(1 - b2**t) / (1 - b1**t) * m / (sqrt(v) +
eps)`; a phase that started at update `s` passes the rate times
`c(t - s) / c(t)` with `c(n) = sqrt(1 - b2**n) / (1 - b1**n)`, so its first
update moves each variable by `lr * multiplier * |g| / (|g| + eps)`.

Example:

>>> hook = MultiplierHook(optimizer, {id(v): 0.1 for v in backbone.weights})  # doctest: +SKIP
>>> hook.install()                                                          # doctest: +SKIP
"""

from __future__ import annotations

import keras
from keras import ops

from keras_recipes import _keras_compat as compat


def unwrap(optimizer):
    """The optimizer that owns the slots and the update step (inside a LossScaleOptimizer)."""
    while hasattr(optimizer, "inner_optimizer"):
        optimizer = optimizer.inner_optimizer
    return optimizer


class MultiplierHook:
    """Scales `optimizer`'s learning rate per variable; restarts its state per phase.

    Args:
        optimizer: a Keras optimizer (a `LossScaleOptimizer` is looked through).
        multipliers: `{id(keras.Variable): float}` for the model's variables; others 1.
        variables: the model variables `multipliers` refers to.
    """

    def __init__(self, optimizer, multipliers: dict, variables):
        self.optimizer = unwrap(optimizer)
        self.phase_start = 0
        self._by_key = {}
        for variable in variables:
            value = float(multipliers.get(id(variable), 1.0))
            self._by_key[compat.variable_key(self.optimizer, variable)] = value
        self._installed = False

    def multiplier(self, variable) -> float:
        """The multiplier of `variable` (a Keras or backend variable, any replica)."""
        return self._by_key.get(compat.variable_key(self.optimizer, variable), 1.0)

    def install(self) -> None:
        """Wraps this optimizer instance's `update_step` and weight decay (once)."""
        if self._installed:
            return
        optimizer = self.optimizer
        original = optimizer.update_step

        def update_step(gradient, variable, learning_rate):
            factor = self.multiplier(variable)
            if factor != 1.0:
                learning_rate = learning_rate * factor
            if self.phase_start and isinstance(optimizer, keras.optimizers.Adam):
                learning_rate = learning_rate * self._adam_restart(variable.dtype)
            return original(gradient, variable, learning_rate)

        optimizer.update_step = update_step
        if optimizer.weight_decay:
            compat.scale_weight_decay(optimizer, self.multiplier)
        self._installed = True

    def _adam_restart(self, dtype):
        """`c(t - phase_start) / c(t)`: Adam's bias correction counted from the phase start."""
        optimizer = self.optimizer
        t = ops.cast(optimizer.iterations + 1, dtype)
        local = ops.maximum(t - float(self.phase_start), 1.0)
        b1 = ops.cast(optimizer.beta_1, dtype)
        b2 = ops.cast(optimizer.beta_2, dtype)

        def correction(n):
            return ops.sqrt(1 - ops.power(b2, n)) / (1 - ops.power(b1, n))

        return correction(local) / correction(t)

    def reset_slots(self) -> int:
        """Zeroes the optimizer's moments and accumulators (not its step counter or
        learning rate): the state a freshly compiled optimizer starts from.

        Returns:
            The number of variables zeroed.
        """
        optimizer = self.optimizer
        keep = {id(optimizer.iterations), id(compat.iterations_variable(optimizer))}
        rate = compat.schedule_object(optimizer)
        if isinstance(rate, keras.Variable):
            keep.add(id(rate))
        zeroed = 0
        for variable in optimizer.variables:
            if id(variable) not in keep:
                variable.assign(ops.zeros(variable.shape, variable.dtype))
                zeroed += 1
        return zeroed
