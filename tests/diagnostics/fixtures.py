"""Deliberately broken data and models for the diagnose tests (`python:` references)."""

from __future__ import annotations

import keras
import numpy as np


def shuffled_digits(seed: int = 0):
    """Digits with the labels permuted against the inputs (a misaligned join)."""
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    return x.astype("float32"), np.random.default_rng(seed).permutation(y)


def zero_init_mlp(input_shape, num_outputs):
    """An MLP whose kernels all start at zero: the symmetry trap."""
    inputs = keras.Input(input_shape)
    x = keras.layers.Dense(64, activation="relu", kernel_initializer="zeros", name="hidden")(inputs)
    outputs = keras.layers.Dense(num_outputs, activation="softmax", kernel_initializer="zeros",
                                 name="output")(x)
    return keras.Model(inputs, outputs)


class StopGradient(keras.layers.Layer):
    """Identity forward, no gradient backward."""

    def call(self, x):
        return keras.ops.stop_gradient(x)


def cut_off_mlp(input_shape, num_outputs):
    """An MLP whose first layer is cut off from the gradient by a stop_gradient."""
    inputs = keras.Input(input_shape)
    x = keras.layers.Dense(128, activation="relu", name="cut_off")(inputs)
    x = StopGradient(name="stop_gradient")(x)
    x = keras.layers.Dense(64, activation="relu", name="trunk")(x)
    outputs = keras.layers.Dense(num_outputs, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs)
