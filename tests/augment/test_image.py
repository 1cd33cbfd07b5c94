"""Image augmentations: each technique's defining property on real tensors."""

import math

import numpy as np
import pytest
import tensorflow as tf

from keras_recipes.augment.crop import crop_windows
from keras_recipes.augment.rotation import rotate
from tests.augment._helpers import IMAGE, RGB, augment, seed

X = tf.constant(np.random.default_rng(0).uniform(size=(16, 6, 6, 1)), tf.float32)
Y = tf.constant(np.arange(16) % 4, tf.int32)


def test_flip_is_an_exact_mirror_or_untouched():
    out, y = augment(IMAGE, {"name": "flip"})(X, Y, seed())
    mirrored = [np.array_equal(o, x[:, ::-1]) for o, x in zip(out.numpy(), X.numpy())]
    kept = [np.array_equal(o, x) for o, x in zip(out.numpy(), X.numpy())]
    assert all(m or k for m, k in zip(mirrored, kept)) and 3 <= sum(mirrored) <= 13
    assert np.array_equal(y, Y)
    out, _ = augment(IMAGE, {"name": "flip", "direction": "vertical", "probability": 1})(X, Y, seed())
    np.testing.assert_array_equal(out, X.numpy()[:, ::-1])


def test_crop_keeps_shape_and_is_a_shifted_window_of_the_padded_input():
    pad = 2
    out, _ = augment(IMAGE, {"name": "crop", "padding": pad})(X, Y, seed())
    assert out.shape == X.shape
    padded = np.pad(X.numpy(), [(0, 0), (pad, pad), (pad, pad), (0, 0)])
    offsets = []
    for o, p in zip(out.numpy(), padded):
        found = [(i, j) for i in range(2 * pad + 1) for j in range(2 * pad + 1)
                 if np.array_equal(o, p[i:i + 6, j:j + 6])]
        assert found, "every output is a window of the padded input"
        offsets.append(found[0])
    assert len(set(offsets)) > 3  # windows differ between examples
    window = crop_windows(tf.constant(padded), tf.constant([0] * 16), tf.constant([4] * 16), 6, 6)
    np.testing.assert_array_equal(window, padded[:, 0:6, 4:10])


def test_color_jitter_brightness_contrast_and_grayscale_saturation():
    only_brightness = {"name": "color_jitter", "brightness": 0.3, "contrast": 0.0,
                       "saturation": 0.0}
    out, _ = augment(IMAGE, only_brightness)(X, Y, seed())
    shift = (out - X).numpy().reshape(16, -1)
    np.testing.assert_allclose(shift, shift[:, :1].repeat(36, axis=1), atol=1e-6)
    assert np.all(np.abs(shift) <= 0.3) and np.std(shift[:, 0]) > 0.01
    only_contrast = {"name": "color_jitter", "brightness": 0.0, "contrast": 0.5,
                     "saturation": 0.9}  # saturation: a no-op on one channel
    out, _ = augment(IMAGE, only_contrast)(X, Y, seed())
    np.testing.assert_allclose(tf.reduce_mean(out, [1, 2]), tf.reduce_mean(X, [1, 2]), atol=1e-6)
    ratio = tf.math.reduce_std(out, [1, 2]) / tf.math.reduce_std(X, [1, 2])
    assert np.all((ratio >= 0.5 - 1e-5) & (ratio <= 1.5 + 1e-5))


def test_saturation_keeps_gray_and_scales_colour_around_it():
    rgb = tf.random.stateless_uniform([8, 6, 6, 3], [3, 4])
    entry = {"name": "color_jitter", "brightness": 0.0, "contrast": 0.0, "saturation": 0.5}
    out, _ = augment(RGB, entry)(rgb, Y[:8], seed())
    gray_in, gray_out = tf.image.rgb_to_grayscale(rgb), tf.image.rgb_to_grayscale(out)
    np.testing.assert_allclose(gray_out, gray_in, atol=1e-4)  # weights sum to 0.9999
    d_in, d_out = (rgb - gray_in).numpy().reshape(8, -1), (out - gray_out).numpy().reshape(8, -1)
    factor = (d_in * d_out).sum(1) / (d_in ** 2).sum(1)
    np.testing.assert_allclose(d_out, factor[:, None] * d_in, atol=1e-4)
    assert np.all((factor >= 0.5 - 1e-4) & (factor <= 1.5 + 1e-4)) and np.std(factor) > 0.05


def test_rotation_by_a_right_angle_is_rot90_and_random_angles_keep_the_centre():
    np.testing.assert_allclose(rotate(X, tf.fill([16], math.pi / 2)), tf.image.rot90(X),
                               atol=1e-5)
    odd = tf.random.stateless_uniform([8, 7, 7, 1], [5, 6])
    out, _ = augment(IMAGE, {"name": "rotation", "degrees": 30})(odd, Y[:8], seed())
    assert out.shape == odd.shape
    np.testing.assert_allclose(out[:, 3, 3], odd[:, 3, 3], atol=1e-5)
    assert float(tf.reduce_max(tf.abs(out - odd))) > 0.05
    none, _ = augment(IMAGE, {"name": "rotation", "probability": 0.0})(X, Y, seed())
    np.testing.assert_array_equal(none, X)


@pytest.mark.parametrize("entry", [{"name": "flip"}, {"name": "crop", "padding": 1},
                                   {"name": "rotation"}, {"name": "color_jitter"},
                                   {"name": "mixup"}, {"name": "cutmix"}])
def test_same_seed_same_batch_other_seed_other_batch(entry):
    augmenter = augment(IMAGE, entry)
    first, again, other = (augmenter(X, Y, s)[0] for s in (seed(7, 3), seed(7, 3), seed(7, 4)))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
