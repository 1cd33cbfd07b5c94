"""Mixup and cutmix: labels are mixed exactly as the inputs are."""

import numpy as np
import tensorflow as tf

from keras_recipes.augment.mixup import mix
from tests.augment._helpers import IMAGE, TABULAR, augment, seed

B = 4  # examples; example b carries the indicator of class b in its inputs


def test_mixup_labels_are_the_same_convex_combination_as_the_inputs():
    x = tf.concat([tf.eye(3), tf.zeros([3, 2])], axis=1)  # features 0..2: the class indicator
    out_x, out_y = augment(TABULAR, {"name": "mixup", "alpha": 1.0})(x, tf.range(3), seed())
    assert out_y.dtype == tf.float32 and out_y.shape == (3, 3)
    np.testing.assert_allclose(out_x[:, :3], out_y, atol=1e-6)
    np.testing.assert_allclose(tf.reduce_sum(out_y, 1), 1.0, atol=1e-6)
    assert float(tf.reduce_max(out_y)) < 1.0  # something was mixed


def test_mix_formula_and_regression_targets():
    x = tf.constant([[1.0], [3.0]])
    y = tf.constant([10.0, 30.0])
    out_x, out_y = mix(x, y, tf.constant([0.25, 1.0]), tf.constant([1, 0]))
    np.testing.assert_allclose(out_x[:, 0], [0.25 * 1 + 0.75 * 3, 3.0])
    np.testing.assert_allclose(out_y, [0.25 * 10 + 0.75 * 30, 30.0])


def test_cutmix_labels_are_the_pixel_shares():
    spec = IMAGE.__class__((8, 8, B), "classification", B, 10, 0, 0)
    x = tf.tile(tf.eye(B)[:, None, None, :], [1, 8, 8, 1])  # channel b == 1 for example b
    out_x, out_y = augment(spec, {"name": "cutmix"})(x, tf.range(B), seed(2, 5))
    shares = tf.reduce_mean(out_x, axis=[1, 2])
    np.testing.assert_allclose(shares, out_y, atol=1e-6)
    assert np.sum(np.max(out_y, axis=1) < 1.0) >= 2  # most examples got a box
    # pixels are copied, never blended
    assert set(np.unique(out_x.numpy())) <= {0.0, 1.0}
