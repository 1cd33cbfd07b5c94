"""Top-k accuracy for class-id labels or one-hot / mixed labels (argmax of the label)."""

import keras
from keras import ops

from keras_recipes.losses.classification_crossentropy import is_one_hot


def top_k_accuracy(y_true, y_pred, k: int = 5):
    """Top-k accuracy of class ids ([B]) or of the argmax of one-hot / mixed labels ([B, K])."""
    y_true, y_pred = ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred)
    if is_one_hot(y_true, y_pred):
        return keras.metrics.top_k_categorical_accuracy(y_true, y_pred, k=k)
    return keras.metrics.sparse_top_k_categorical_accuracy(y_true, y_pred, k=k)


@keras.saving.register_keras_serializable(package="keras_recipes")
class TopKAccuracy(keras.metrics.MeanMetricWrapper):
    """Share of examples whose label class is among the `k` highest predictions.

    Example:

    >>> metric = TopKAccuracy(k=2)
    >>> metric.update_state([2], [[0.5, 0.1, 0.4]])
    >>> float(metric.result())
    1.0
    """

    def __init__(self, k: int = 5, name: str = "top_k_accuracy", dtype=None):
        super().__init__(fn=top_k_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "k": self.k}
