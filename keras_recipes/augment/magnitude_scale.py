"""Magnitude scaling for time series: each channel times a random factor."""

import tensorflow as tf

from keras_recipes.augment._random import coin, sub_seed
from keras_recipes.augment.technique import AUGMENTATIONS, Technique


@AUGMENTATIONS.register("magnitude_scale")
class MagnitudeScale(Technique):
    """Multiplies each (example, channel) series by a factor drawn from N(1, sigma).

    Example:

    >>> recipe:  data: {augment: [{name: magnitude_scale, sigma: 0.1}]}
    """

    def __call__(self, x, y, seed):
        batch, channels = tf.shape(x)[0], tf.shape(x)[2]
        factor = 1.0 + self.config.sigma * tf.random.stateless_normal(
            [batch, 1, channels], sub_seed(seed, 0))
        chosen = coin(sub_seed(seed, 1), batch, self.config.probability)
        return x * tf.where(chosen[:, None, None], factor, 1.0), y
