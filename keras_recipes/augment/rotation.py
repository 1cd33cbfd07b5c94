"""Random rotation about the image centre, bilinear, zero fill."""

import math

import tensorflow as tf

from keras_recipes.augment._random import coin, sub_seed, uniform
from keras_recipes.augment.technique import AUGMENTATIONS, Technique


def rotate(images, angles, interpolation: str = "BILINEAR"):
    """Rotates each image counter-clockwise by `angles` (radians) about its centre.

    Output pixel (col, row) samples the input at the inverse rotation, so
    `rotate(x, pi/2)` equals `tf.image.rot90(x)`.
    """
    height = tf.cast(tf.shape(images)[1], tf.float32)
    width = tf.cast(tf.shape(images)[2], tf.float32)
    cx, cy = (width - 1) / 2, (height - 1) / 2
    cos, sin = tf.cos(angles), tf.sin(angles)
    zeros = tf.zeros_like(angles)
    transforms = tf.stack([cos, -sin, cx - cos * cx + sin * cy,
                           sin, cos, cy - sin * cx - cos * cy, zeros, zeros], axis=1)
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=images, transforms=transforms, output_shape=tf.shape(images)[1:3],
        fill_value=0.0, interpolation=interpolation, fill_mode="CONSTANT")


@AUGMENTATIONS.register("rotation")
class Rotation(Technique):
    """Rotates by a uniform angle in [-degrees, degrees]; the corners fill with zeros.

    Example:

    >>> recipe:  data: {augment: [{name: rotation, degrees: 10}]}
    """

    def __call__(self, x, y, seed):
        batch = tf.shape(x)[0]
        limit = self.config.degrees * math.pi / 180
        angles = uniform(sub_seed(seed, 0), [batch], -limit, limit)
        angles = tf.where(coin(sub_seed(seed, 1), batch, self.config.probability), angles, 0.0)
        return rotate(x, angles), y
