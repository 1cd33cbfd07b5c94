"""`Augmenter`: the recipe's augmentations chained on a whole training batch."""

from __future__ import annotations

from typing import Sequence


class Augmenter:
    """Callable `augmenter(x, y, seed) -> (x, y)` on a training batch, traceable in `tf.data`.

    Operation `i` draws its randomness from `fold_in(seed, i)` with stateless
    ops only, so the same seed gives the same batch. When any operation mixes
    labels (`mixes_labels`), integer class labels are first made one-hot
    (`num_classes` wide) so they can be mixed.

    Example:

    >>> augmenter = build_augmenter(recipe.data.augment, spec)
    >>> x_aug, y_aug = augmenter(x_batch, y_batch, tf.constant([recipe.seed, 0]))

    Args:
        operations: `Technique` objects applied in order.
        num_classes: classes for the one-hot conversion (classification), else None.
    """

    def __init__(self, operations: Sequence, num_classes: int | None = None):
        self.operations = list(operations)
        self.num_classes = num_classes
        self.mixes_labels = any(op.mixes_labels for op in self.operations)

    def __call__(self, x, y, seed):
        import tensorflow as tf

        from keras_recipes.augment._random import sub_seed

        if self.mixes_labels and self.num_classes and y.dtype.is_integer:
            y = tf.one_hot(tf.reshape(y, [-1]), self.num_classes, dtype=tf.float32)
        for i, operation in enumerate(self.operations):
            x, y = operation(x, y, sub_seed(seed, i))
        return x, y

    def __repr__(self) -> str:
        names = ", ".join(type(op).__name__ for op in self.operations)
        return f"Augmenter([{names}], mixes_labels={self.mixes_labels})"
