"""CutMix (Yun et al. 2019): paste a box from a partner image; labels mixed by its area."""

import tensorflow as tf

from keras_recipes.augment._random import beta, coin, per_example, permutation, sub_seed
from keras_recipes.augment.technique import AUGMENTATIONS, Technique


def box_masks(height, width, cut, center_y, center_x):
    """[B, H, W] booleans: a box of side `cut * size` (fraction) centred at the given pixels,
    clipped at the borders."""
    half_h = cut * tf.cast(height, tf.float32) / 2
    half_w = cut * tf.cast(width, tf.float32) / 2
    cy, cx = center_y, center_x
    rows = tf.cast(tf.range(height), tf.float32)[None, :]
    cols = tf.cast(tf.range(width), tf.float32)[None, :]
    in_rows = (rows >= tf.round(cy - half_h)[:, None]) & (rows < tf.round(cy + half_h)[:, None])
    in_cols = (cols >= tf.round(cx - half_w)[:, None]) & (cols < tf.round(cx + half_w)[:, None])
    return in_rows[:, :, None] & in_cols[:, None, :]


@AUGMENTATIONS.register("cutmix")
class CutMix(Technique):
    """Replaces a random box (area about `1 - w`, w ~ Beta(alpha, alpha)) by a partner's pixels.

    The label weight is the exact share of pixels kept after clipping the box at
    the border, so labels mix exactly as the pixels do.

    Example:

    >>> recipe:  data: {augment: [{name: cutmix, alpha: 1.0, probability: 0.5}]}
    """

    mixes_labels = True

    def __call__(self, x, y, seed):
        batch, height, width = tf.shape(x)[0], tf.shape(x)[1], tf.shape(x)[2]
        weight = beta(sub_seed(seed, 0), batch, self.config.alpha)
        weight = tf.where(coin(sub_seed(seed, 1), batch, self.config.probability), weight, 1.0)
        where = tf.random.stateless_uniform([2, batch], sub_seed(seed, 2))
        center_y = tf.floor(where[0] * tf.cast(height, tf.float32))
        center_x = tf.floor(where[1] * tf.cast(width, tf.float32))
        box = box_masks(height, width, tf.sqrt(1.0 - weight), center_y, center_x)
        partner = permutation(sub_seed(seed, 3), batch)
        x = tf.where(box[..., None], tf.gather(x, partner), x)
        kept = 1.0 - tf.reduce_mean(tf.cast(box, tf.float32), axis=[1, 2])
        w = tf.cast(per_example(kept, y), y.dtype)
        return x, w * y + (1 - w) * tf.gather(y, partner)
