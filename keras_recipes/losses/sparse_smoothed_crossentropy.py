"""Sparse categorical cross-entropy with label smoothing (Keras' sparse loss has none).

Kept so `.keras` files saved before `ClassificationCrossentropy` still load;
new runs use `ClassificationCrossentropy`, which also takes one-hot labels.
"""

import keras

from keras_recipes.losses.classification_crossentropy import ClassificationCrossentropy


@keras.saving.register_keras_serializable(package="keras_recipes")
class SparseCategoricalCrossentropyWithSmoothing(ClassificationCrossentropy):
    """Cross-entropy for integer labels against smoothed one-hot targets.

    The target for class `c` among `K` is `(1 - eps) * onehot(c) + eps / K`,
    the same as `keras.losses.CategoricalCrossentropy(label_smoothing=eps)` on
    one-hot labels.

    Example:

    >>> loss = SparseCategoricalCrossentropyWithSmoothing(label_smoothing=0.1)
    >>> float(loss([0], [[0.9, 0.1]]))  # doctest: +ELLIPSIS
    0.2...

    Args:
        label_smoothing: float in [0, 1). Defaults to 0.1.
        from_logits: whether predictions are logits. Defaults to False.
    """

    def __init__(self, label_smoothing: float = 0.1, from_logits: bool = False,
                 name: str = "sparse_categorical_crossentropy", **kwargs):
        super().__init__(label_smoothing, from_logits, name=name, **kwargs)
