"""One seed for Python, NumPy and TensorFlow; optional op determinism."""

from __future__ import annotations


def set_seed(seed: int, deterministic: bool = False) -> None:
    """Seeds every RNG; with `deterministic`, TF ops also run deterministically.

    With both, two runs of the same recipe on the same CPU give bit-identical
    weights (op determinism may slow some GPU kernels down).
    """
    import keras
    import tensorflow as tf

    from keras_recipes import _keras_compat as compat

    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    elif compat.op_determinism_enabled():  # left on by an earlier recipe in this process
        compat.disable_op_determinism()
