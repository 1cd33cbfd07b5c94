"""Token masking, Gaussian noise, time warping and magnitude scaling on real tensors."""

import numpy as np
import tensorflow as tf

from keras_recipes.augment.time_warp import warp_positions
from tests.augment._helpers import SERIES, TABULAR, TOKENS, augment, seed


def test_token_masking_rate_is_within_tolerance_of_the_probability():
    tokens = tf.random.stateless_uniform([64, 40], [1, 2], minval=1, maxval=30, dtype=tf.int32)
    out, _ = augment(TOKENS, {"name": "token_mask", "probability": 0.2, "mask_token": 0})(
        tokens, tf.zeros([64], tf.int32), seed())
    masked = (out.numpy() == 0)
    # 2560 tokens: the standard error of the rate is 0.008
    assert abs(masked.mean() - 0.2) < 0.03
    np.testing.assert_array_equal(out.numpy()[~masked], tokens.numpy()[~masked])
    assert out.dtype == tf.int32


def test_gaussian_noise_is_relative_to_each_feature_scale():
    scales = np.array([0.01, 1.0, 100.0, 5.0, 0.5], np.float32)
    x = tf.constant(np.random.default_rng(0).normal(size=(512, 5)) * scales, tf.float32)
    out, _ = augment(TABULAR, {"name": "gaussian_noise", "std": 0.1})(x, tf.zeros([512]), seed())
    ratio = np.std(out - x, axis=0) / np.std(x, axis=0)
    np.testing.assert_allclose(ratio, 0.1, rtol=0.1)


def test_time_warp_keeps_length_endpoints_and_order():
    ramp = tf.tile(tf.range(24, dtype=tf.float32)[None, :, None], [8, 1, 2])
    out, _ = augment(SERIES, {"name": "time_warp", "probability": 1.0, "sigma": 0.5})(
        ramp, tf.zeros([8], tf.int32), seed())
    assert out.shape == ramp.shape
    np.testing.assert_allclose(out[:, 0], 0.0, atol=1e-5)
    np.testing.assert_allclose(out[:, -1], 23.0, atol=1e-4)
    assert np.all(np.diff(out.numpy(), axis=1) >= -1e-5)  # monotone warp of a ramp
    assert float(tf.reduce_max(tf.abs(out - ramp))) > 0.5  # and it did warp
    positions = warp_positions(tf.ones([1, 6]), 24)  # constant speed: the identity
    np.testing.assert_allclose(positions[0], np.arange(24), atol=1e-4)


def test_magnitude_scale_multiplies_each_series_by_one_factor():
    x = tf.random.stateless_uniform([8, 24, 2], [3, 3], minval=1.0, maxval=2.0)
    out, _ = augment(SERIES, {"name": "magnitude_scale", "sigma": 0.2})(
        x, tf.zeros([8], tf.int32), seed())
    ratio = (out / x).numpy()
    np.testing.assert_allclose(ratio, ratio[:, :1, :].repeat(24, axis=1), rtol=1e-5)
    assert 0.05 < np.std(ratio[:, 0, :]) < 0.5
