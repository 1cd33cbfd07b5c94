"""Time warping for time series: a smooth, monotone random re-timing of each series."""

import tensorflow as tf

from keras_recipes.augment._random import coin, select, sub_seed
from keras_recipes.augment.technique import AUGMENTATIONS, Technique


def interpolate(values, positions):
    """Linear interpolation of `values` [B, N, ...] at fractional `positions` [B, M] in [0, N-1]."""
    size = tf.shape(values)[1]
    low = tf.clip_by_value(tf.floor(positions), 0.0, tf.cast(size - 1, positions.dtype))
    frac = positions - low
    low = tf.cast(low, tf.int32)
    high = tf.minimum(low + 1, size - 1)
    v0 = tf.gather(values, low, axis=1, batch_dims=1)
    v1 = tf.gather(values, high, axis=1, batch_dims=1)
    frac = tf.reshape(frac, tf.concat([tf.shape(frac), tf.ones([tf.rank(v0) - 2], tf.int32)], 0))
    return v0 + (v1 - v0) * tf.cast(frac, v0.dtype)


def warp_positions(speeds, length):
    """Sample positions [B, length] from per-knot speeds [B, K]: monotone, 0 first, length-1 last.

    The speed is interpolated linearly between the knots over the `length - 1`
    steps; positions are its cumulative sum rescaled to end at `length - 1`.
    """
    knots = tf.shape(speeds)[1]
    steps = tf.cast(tf.range(length - 1), tf.float32)
    where = steps * tf.cast(knots - 1, tf.float32) / tf.maximum(tf.cast(length - 2, tf.float32), 1.0)
    batch = tf.shape(speeds)[0]
    step_speed = interpolate(speeds, tf.tile(where[None, :], [batch, 1]))
    total = tf.cumsum(step_speed, axis=1)
    scaled = total / total[:, -1:] * tf.cast(length - 1, tf.float32)
    return tf.concat([tf.zeros([batch, 1]), scaled], axis=1)


@AUGMENTATIONS.register("time_warp")
class TimeWarp(Technique):
    """Re-times each series by a smooth speed curve (`knots` + 2 speeds ~ N(1, sigma)).

    Length and both endpoints are kept; the order of events is kept (the warp
    is monotone); values are linearly interpolated.

    Example:

    >>> recipe:  data: {augment: [{name: time_warp, sigma: 0.2, knots: 4}]}
    """

    def __call__(self, x, y, seed):
        batch, length = tf.shape(x)[0], tf.shape(x)[1]
        speeds = 1.0 + self.config.sigma * tf.random.stateless_normal(
            [batch, self.config.knots + 2], sub_seed(seed, 0))
        speeds = tf.maximum(speeds, 0.1)
        warped = interpolate(x, warp_positions(speeds, length))
        return select(coin(sub_seed(seed, 1), batch, self.config.probability), warped, x), y
