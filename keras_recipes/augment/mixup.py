"""Mixup (Zhang et al. 2018): convex combinations of example pairs and of their labels."""

import tensorflow as tf

from keras_recipes.augment._random import beta, coin, per_example, permutation, sub_seed
from keras_recipes.augment.technique import AUGMENTATIONS, Technique


def mix(x, y, weight, partner):
    """`weight * a + (1 - weight) * a[partner]` for the inputs and the (float) labels."""
    def blend(a):
        w = tf.cast(per_example(weight, a), a.dtype)
        return w * a + (1 - w) * tf.gather(a, partner)

    return blend(x), blend(y)


@AUGMENTATIONS.register("mixup")
class Mixup(Technique):
    """Mixes each example with a random partner from the batch, weight ~ Beta(alpha, alpha).

    Labels are mixed with the same weight, so classification labels must be
    one-hot floats: `build_augmenter` converts integer labels and the data
    builder gives every split one-hot labels (the loss becomes categorical).

    Example:

    >>> recipe:  data: {augment: [{name: mixup, alpha: 0.2}]}
    """

    mixes_labels = True

    def __call__(self, x, y, seed):
        batch = tf.shape(x)[0]
        weight = beta(sub_seed(seed, 0), batch, self.config.alpha)
        weight = tf.where(coin(sub_seed(seed, 1), batch, self.config.probability), weight, 1.0)
        return mix(x, y, weight, permutation(sub_seed(seed, 2), batch))
