"""Gaussian noise injection scaled to each feature's spread (tabular data and time series)."""

import tensorflow as tf

from keras_recipes.augment._random import coin, select, sub_seed
from keras_recipes.augment.technique import AUGMENTATIONS, Technique


@AUGMENTATIONS.register("gaussian_noise")
class GaussianNoise(Technique):
    """Adds `N(0, (std * s_f)^2)` to feature `f`, `s_f` its standard deviation in the batch.

    The scale is measured per feature (tabular) or per channel over time
    (series) on the batch itself, so the noise is relative whatever
    `data.normalize` did (after `standard` scaling `s_f` is about 1).

    Example:

    >>> recipe:  data: {augment: [{name: gaussian_noise, std: 0.05}]}
    """

    def __call__(self, x, y, seed):
        axes = list(range(len(x.shape) - 1))
        scale = tf.math.reduce_std(x, axis=axes, keepdims=True)
        noise = tf.random.stateless_normal(tf.shape(x), sub_seed(seed, 0))
        chosen = coin(sub_seed(seed, 1), tf.shape(x)[0], self.config.probability)
        return select(chosen, x + noise * self.config.std * scale, x), y
