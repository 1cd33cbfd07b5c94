import numpy as np
import pytest

from keras_recipes.lr_finder import suggest_lr


def _curve(lrs):
    """Flat, then a drop centred on 1e-3 (steepest there), minimum near 1e-1, then blow-up."""
    log = np.log10(lrs)
    return 2.0 - np.tanh(2 * (log + 3)) + 10 * np.maximum(0, log + 1) ** 2


def test_steepest_descent_before_the_minimum():
    lrs = np.logspace(-6, 1, 71)
    assert suggest_lr(lrs, _curve(lrs)) == pytest.approx(1e-3)


def test_ignores_a_steeper_drop_after_the_minimum_and_points_after_a_nan():
    lrs = np.logspace(-6, 1, 71)
    losses = _curve(lrs)
    losses[-5:] = [0.0, -50.0, np.nan, -100.0, -200.0]  # garbage past divergence
    losses[-5] = np.nan
    assert suggest_lr(lrs, losses) == pytest.approx(1e-3)


def test_noise_in_the_first_points_is_ignored():
    lrs = np.logspace(-6, 1, 71)
    losses = _curve(lrs)
    losses[3] -= 0.5  # a single lucky early batch
    assert suggest_lr(lrs, losses) == pytest.approx(1e-3)


def test_windowed_slope_resists_a_single_noisy_dip():
    lrs = np.logspace(-6, 1, 71)
    losses = _curve(lrs)
    losses[20] -= 0.6  # lr = 1e-4: one noisy point (a 3/decade two-point slope)
    assert suggest_lr(lrs, losses) == pytest.approx(1e-3)


def test_none_when_there_is_no_descent():
    for losses in (
        np.linspace(1.0, 3.0, 30),  # only increases
        np.array([1.0, 0.5]),  # too few points
        np.array([np.nan] * 10),  # nothing finite
        np.array([3.0, 2.0, np.nan, 1.0, 0.5, 0.2]),  # too few before the nan
    ):
        assert suggest_lr(np.logspace(-5, 0, losses.size), losses) is None


def test_rejects_bad_arrays():
    for lrs, losses, match in (
        (np.ones((3, 2)), np.ones((3, 2)), "1-D"),
        (np.logspace(-3, 0, 5), np.ones(4), "same length"),
        (np.array([1e-3, 1e-2, 1e-2, 1e-1]), np.ones(4), "increasing"),
        (np.array([-1e-3, 1e-2, 1e-1]), np.ones(3), "positive"),
    ):
        with pytest.raises(ValueError, match=match):
            suggest_lr(lrs, losses)
