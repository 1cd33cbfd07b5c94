"""Making a Python-float optimizer hyperparameter (SGD `momentum`, `beta_1`) settable.

Keras 3 optimizers keep `momentum` / `beta_1` as Python floats, which the
traced train step bakes in as constants. `VariableFloat` is a `float` that
Python code (`if self.momentum != 0`, `get_config()`, JSON) sees as the
original constant, while TensorFlow (`ops.cast(self.beta_1, ...)`, arithmetic
like `1 - self.beta_1`) reads the current value of a variable. Installed on
an optimizer before its train function is traced, it lets a callback change
the hyperparameter every step; `install` / `restore` put it in place and
take it back.
"""

from __future__ import annotations

import contextlib
import operator

import keras
import numpy as np


def _binary(op, reflected=False):
    def method(self, other):
        import tensorflow as tf

        if isinstance(other, bool) or (
            not isinstance(other, (int, float, np.generic)) and not tf.is_tensor(other)
        ):
            return NotImplemented
        mine = self.__tf_tensor__()
        if tf.is_tensor(other):
            mine = tf.cast(mine, other.dtype)
            theirs = other
        else:
            theirs = tf.constant(float(other), mine.dtype)
        return op(theirs, mine) if reflected else op(mine, theirs)

    return method


class VariableFloat(float):
    """A float whose TensorFlow value is read from a variable."""

    def __new__(cls, value, variable):
        obj = super().__new__(cls, value)
        obj.variable = variable
        return obj

    def __tf_tensor__(self, dtype=None, name=None):
        import tensorflow as tf

        value = tf.convert_to_tensor(getattr(self.variable, "value", self.variable))
        return tf.cast(value, dtype) if dtype is not None else value

    __add__ = _binary(operator.add)
    __radd__ = _binary(operator.add, reflected=True)
    __sub__ = _binary(operator.sub)
    __rsub__ = _binary(operator.sub, reflected=True)
    __mul__ = _binary(operator.mul)
    __rmul__ = _binary(operator.mul, reflected=True)
    __truediv__ = _binary(operator.truediv)
    __rtruediv__ = _binary(operator.truediv, reflected=True)
    __pow__ = _binary(operator.pow)
    __rpow__ = _binary(operator.pow, reflected=True)

    def __neg__(self):
        return -self.__tf_tensor__()

    def __reduce__(self):  # Pickles / deep-copies as the plain constant.
        return (float, (float(self),))

    def __deepcopy__(self, memo):
        return float(self)


def momentum_attribute(optimizer) -> str | None:
    """`"momentum"` for SGD-like, `"beta_1"` for Adam-like optimizers, else None."""
    for name in ("momentum", "beta_1"):
        value = getattr(optimizer, name, None)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return name
    return None


def install(model, optimizer, name: str):
    """Replaces `optimizer.<name>` by a `VariableFloat`; returns (variable, original)."""
    original = getattr(optimizer, name)
    if isinstance(original, VariableFloat):
        return original.variable, float(original)
    strategy = getattr(model, "distribute_strategy", None)
    scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
    with scope:
        variable = keras.Variable(
            float(original),
            dtype="float32",
            trainable=False,
            name=f"cycled_{name}",
            aggregation="only_first_replica",
        )
    setattr(optimizer, name, VariableFloat(float(original), variable))
    return variable, float(original)


def restore(optimizer, name: str, original: float) -> None:
    """Puts the plain float back."""
    setattr(optimizer, name, float(original))
