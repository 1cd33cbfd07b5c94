"""Random image flip: an exact mirror of each chosen example."""

import tensorflow as tf

from keras_recipes.augment._random import coin, select, sub_seed
from keras_recipes.augment.technique import AUGMENTATIONS, Technique


@AUGMENTATIONS.register("flip")
class Flip(Technique):
    """Mirrors images left-right (`horizontal`), top-bottom (`vertical`) or each independently (`both`).

    Example:

    >>> recipe:  data: {augment: [{name: flip, probability: 0.5}]}
    """

    def __call__(self, x, y, seed):
        axes = {"horizontal": [2], "vertical": [1], "both": [2, 1]}[self.config.direction]
        batch = tf.shape(x)[0]
        for i, axis in enumerate(axes):
            x = select(coin(sub_seed(seed, i), batch, self.config.probability),
                       tf.reverse(x, [axis]), x)
        return x, y
