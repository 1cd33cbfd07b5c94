"""Mixed precision: the global Keras dtype policy."""

from __future__ import annotations


def set_precision(precision: str) -> None:
    """Sets the global dtype policy: float32, mixed_float16 or mixed_bfloat16.

    Under `mixed_float16`, `model.compile` wraps the optimizer in Keras'
    `LossScaleOptimizer` (dynamic loss scaling); built-in models keep their
    output layer in float32.
    """
    import keras

    keras.mixed_precision.set_dtype_policy(precision)
