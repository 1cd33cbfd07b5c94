"""Colour jitter: brightness shift, contrast and saturation factors per example."""

import tensorflow as tf

from keras_recipes.augment._random import coin, per_example, select, sub_seed, uniform
from keras_recipes.augment.technique import AUGMENTATIONS, Technique


def jitter(x, delta, contrast, saturation):
    """Applies per-example `delta` (added), `contrast` and `saturation` factors.

    contrast: `(x - mean) * c + mean`, the mean per image and channel;
    saturation (3 channels only): `gray + (x - gray) * s`.
    """
    x = x + per_example(delta, x)
    mean = tf.reduce_mean(x, axis=[1, 2], keepdims=True)
    x = (x - mean) * per_example(contrast, x) + mean
    if x.shape[-1] == 3:
        gray = tf.image.rgb_to_grayscale(x)
        x = gray + (x - gray) * per_example(saturation, x)
    return x


@AUGMENTATIONS.register("color_jitter")
class ColorJitter(Technique):
    """Brightness in [-b, b], contrast and saturation factors in [1-c, 1+c], [1-s, 1+s].

    Saturation is a no-op for images without 3 channels (grayscale digits).

    Example:

    >>> recipe:  data: {augment: [{name: color_jitter, brightness: 0.1, contrast: 0.2}]}
    """

    def __call__(self, x, y, seed):
        c = self.config
        batch = tf.shape(x)[0]
        delta = uniform(sub_seed(seed, 0), [batch], -c.brightness, c.brightness)
        contrast = uniform(sub_seed(seed, 1), [batch], 1 - c.contrast, 1 + c.contrast)
        saturation = uniform(sub_seed(seed, 2), [batch], 1 - c.saturation, 1 + c.saturation)
        chosen = coin(sub_seed(seed, 3), batch, c.probability)
        return select(chosen, jitter(x, delta, contrast, saturation), x), y
