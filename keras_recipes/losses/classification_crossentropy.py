"""Cross-entropy that takes integer labels or one-hot/mixed float labels, with smoothing."""

import keras
from keras import ops


def is_one_hot(y_true, y_pred) -> bool:
    """True when labels are per-class vectors ([B, K], like the predictions), not class ids."""
    return len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == y_pred.shape[-1] \
        and y_pred.shape[-1] is not None and y_pred.shape[-1] > 1


@keras.saving.register_keras_serializable(package="keras_recipes")
class ClassificationCrossentropy(keras.losses.Loss):
    """Categorical cross-entropy for class ids ([B]) or one-hot / mixed labels ([B, K]).

    The label format is read from the (static) label shape, so one loss serves
    plain training (integer labels) and label-mixing augmentation (mixup,
    cutmix give soft labels). With smoothing `eps` the target is
    `(1 - eps) * t + eps / K` for the one-hot or mixed target `t`; with
    `eps = 0` and integer labels it is Keras' sparse cross-entropy exactly.

    Example:

    >>> loss = ClassificationCrossentropy(label_smoothing=0.1)
    >>> round(float(loss([0], [[0.9, 0.1]])), 4) == round(float(loss([[1.0, 0.0]], [[0.9, 0.1]])), 4)
    True

    Args:
        label_smoothing: float in [0, 1). Defaults to 0.
        from_logits: whether predictions are logits. Defaults to False.
    """

    def __init__(self, label_smoothing: float = 0.0, from_logits: bool = False,
                 name: str = "classification_crossentropy", **kwargs):
        super().__init__(name=name, **kwargs)
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError("Argument `label_smoothing` must be in [0, 1). "
                             f"Received: label_smoothing={label_smoothing}")
        self.label_smoothing = label_smoothing
        self.from_logits = from_logits

    def call(self, y_true, y_pred):
        y_true, y_pred = ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred)
        if is_one_hot(y_true, y_pred):
            target = ops.cast(y_true, y_pred.dtype)
        elif self.label_smoothing == 0:
            return keras.losses.sparse_categorical_crossentropy(
                y_true, y_pred, from_logits=self.from_logits)
        else:
            labels = ops.reshape(ops.cast(y_true, "int32"), ops.shape(y_pred)[:-1])
            target = ops.one_hot(labels, ops.shape(y_pred)[-1], dtype=y_pred.dtype)
        return keras.losses.categorical_crossentropy(
            target, y_pred, from_logits=self.from_logits, label_smoothing=self.label_smoothing)

    def get_config(self):
        return {**super().get_config(), "label_smoothing": self.label_smoothing,
                "from_logits": self.from_logits}
