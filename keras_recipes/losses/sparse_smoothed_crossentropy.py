"""Sparse categorical cross-entropy with label smoothing (Keras' sparse loss has none)."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_recipes")
class SparseCategoricalCrossentropyWithSmoothing(keras.losses.Loss):
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
        super().__init__(name=name, **kwargs)
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError("Argument `label_smoothing` must be in [0, 1). "
                             f"Received: label_smoothing={label_smoothing}")
        self.label_smoothing = label_smoothing
        self.from_logits = from_logits

    def call(self, y_true, y_pred):
        classes = ops.shape(y_pred)[-1]
        labels = ops.reshape(ops.cast(y_true, "int32"), ops.shape(y_pred)[:-1])
        one_hot = ops.one_hot(labels, classes, dtype=y_pred.dtype)
        return keras.losses.categorical_crossentropy(
            one_hot, y_pred, from_logits=self.from_logits, label_smoothing=self.label_smoothing)

    def get_config(self):
        return {**super().get_config(), "label_smoothing": self.label_smoothing,
                "from_logits": self.from_logits}
