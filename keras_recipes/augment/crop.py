"""Random crop with padding: pad by `padding` pixels, take a window of the original size."""

import tensorflow as tf

from keras_recipes.augment._random import coin, sub_seed
from keras_recipes.augment.technique import AUGMENTATIONS, Technique


def crop_windows(padded, top, left, height: int, width: int):
    """Per example `padded[b, top[b]:top[b]+height, left[b]:left[b]+width]` (vectorized)."""
    rows = top[:, None] + tf.range(height)[None, :]
    cols = left[:, None] + tf.range(width)[None, :]
    out = tf.gather(padded, rows, axis=1, batch_dims=1)
    return tf.gather(out, cols, axis=2, batch_dims=1)


@AUGMENTATIONS.register("crop")
class Crop(Technique):
    """Zero-pads each image by `padding` and crops a random window of the input size.

    The content is the input shifted by up to `padding` pixels in each
    direction; an example not chosen (see `probability`) gets the centre window,
    which is the input itself.

    Example:

    >>> recipe:  data: {augment: [{name: crop, padding: 1}]}
    """

    def __call__(self, x, y, seed):
        pad = self.config.padding
        batch, height, width = tf.shape(x)[0], tf.shape(x)[1], tf.shape(x)[2]
        padded = tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]])
        offsets = tf.random.stateless_uniform([2, batch], sub_seed(seed, 0), minval=0,
                                              maxval=2 * pad + 1, dtype=tf.int32)
        chosen = coin(sub_seed(seed, 1), batch, self.config.probability)
        offsets = tf.where(chosen[None, :], offsets, pad)
        return crop_windows(padded, offsets[0], offsets[1], height, width), y
