"""Taps: code a callback runs inside the optimizer's update, in the traced train step.

Used by `GradientNormLogger` and `LearningRateLogger` to record, in a
non-trainable variable, a value only the train step knows (the all-reduced
gradients, the learning rate really applied), so that reading it on the host
costs one variable read instead of a recomputation.

A `Tap` holds up to two functions, called while Keras traces the train step:

- `before_apply()`: in the model optimizer's `apply`, before the real one
  (under a `LossScaleOptimizer`, before it decides whether to skip the step);
- `on_reduced(grads_and_vars)`: with the all-reduced (and unscaled, clipped)
  gradients, just before the TensorFlow optimizer applies them. Only steps
  that really update the weights get there, before `iterations` is
  incremented.

The hooks are instance attributes of this optimizer only (`apply` on the
model's optimizer, `_all_reduce_sum_gradients` on the TensorFlow optimizer
inside any `LossScaleOptimizer`), installed with the first tap and removed
with the last; each change makes Keras trace a fresh train function.

An optimizer holds at most one tap per `kind`: attaching another one replaces
it. Attaching also drops every tap that a train function was already traced
with: callbacks attach at the start of `fit`, before its first step traces
the train function, so such a tap is left from an earlier `fit` that ended in
an exception (Keras then skips `on_train_end`, where callbacks detach).
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import Any, Callable, Optional

import keras

from keras_recipes._keras_compat import OPTIMIZER_ALL_REDUCE, require, supports_gradient_taps
from keras_recipes.callbacks import _optimizer_access

# The optimizer attribute holding its `_Registry` while taps are attached.
_REGISTRY_ATTR = "_keras_recipes_taps"
_MISSING = object()


@dataclasses.dataclass(eq=False)
class Tap:
    """One callback's trace-time functions (see the module docstring).

    `attached` is true from `attach` until the tap is detached or replaced;
    `traced` once a train step has been traced with it.
    """

    owner: Any
    kind: str
    _: dataclasses.KW_ONLY
    before_apply: Optional[Callable[[], None]] = None
    on_reduced: Optional[Callable[[list], None]] = None
    attached: bool = dataclasses.field(default=False, init=False)
    traced: bool = dataclasses.field(default=False, init=False)
    _registry: Any = dataclasses.field(default=None, init=False, repr=False)


def supported(optimizer) -> bool:
    """Whether taps can be attached: a TensorFlow-backend Keras optimizer."""
    inner = _optimizer_access.unwrap_optimizer(optimizer)
    return supports_gradient_taps(inner)


def attach(model, tap: Tap) -> Tap | None:
    """Attaches `tap` to `model.optimizer`.

    Returns the tap of the same kind it took the place of (another callback's,
    or one left by an aborted `fit`), or None.
    """
    optimizer = model.optimizer
    registry = getattr(optimizer, _REGISTRY_ATTR, None)
    if registry is None:
        registry = _Registry(optimizer)
        registry.install()
    replaced = None
    for old in list(registry.taps.values()):
        if old.kind == tap.kind or old.traced:
            registry.remove(old)
            replaced = old if old.kind == tap.kind else replaced
    registry.taps[tap.kind] = tap
    tap.attached, tap.traced, tap._registry = True, False, registry
    _optimizer_access.retrace_train_function(model)
    return replaced


def detach(model, tap: Tap) -> None:
    """Detaches `tap` if it is still attached; the last one removes the hooks."""
    if not tap.attached:
        return
    registry = tap._registry
    registry.remove(tap)
    if not registry.taps:
        registry.uninstall()
    _optimizer_access.retrace_train_function(model)


def tap_variable(model, value, name: str):
    """A non-trainable float32 variable a tap may assign in the train step.

    Created in the model's distribution strategy scope, aggregated as
    "only first replica" (every replica assigns the same value).
    """
    strategy = getattr(model, "distribute_strategy", None)
    scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
    with scope:
        return keras.Variable(value, dtype="float32", trainable=False, name=name,
                              aggregation="only_first_replica")


class _Registry:
    """The taps of one optimizer and the hooks that call them."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.inner = _optimizer_access.unwrap_optimizer(optimizer)
        self.taps = {}  # kind -> Tap, in attach order
        self._saved = []  # (object, attribute, its previous instance value or _MISSING)

    def install(self) -> None:
        apply = self.optimizer.apply
        all_reduce = require(self.inner, OPTIMIZER_ALL_REDUCE)

        def tapped_apply(grads, trainable_variables=None):
            for tap in list(self.taps.values()):
                tap.traced = True
                if tap.before_apply is not None:
                    tap.before_apply()
            return apply(grads, trainable_variables)

        def tapped_all_reduce(grads_and_vars):
            reduced = list(all_reduce(grads_and_vars))
            for tap in list(self.taps.values()):
                if tap.on_reduced is not None:
                    tap.on_reduced(reduced)
            return reduced

        self._set(self.inner, OPTIMIZER_ALL_REDUCE, tapped_all_reduce)
        self._set(self.optimizer, "apply", tapped_apply)
        self._set(self.optimizer, _REGISTRY_ATTR, self)

    def remove(self, tap: Tap) -> None:
        if self.taps.get(tap.kind) is tap:
            del self.taps[tap.kind]
        tap.attached = False

    def _set(self, obj, name, value) -> None:
        self._saved.append((obj, name, vars(obj).get(name, _MISSING)))
        setattr(obj, name, value)

    def uninstall(self) -> None:
        """Restores the attributes as they were (deleted: the class methods apply)."""
        for obj, name, previous in reversed(self._saved):
            if previous is _MISSING:
                if name in vars(obj):
                    delattr(obj, name)
            else:
                setattr(obj, name, previous)
        self._saved = []
