import re

import numpy as np
import pytest

from keras_recipes.schedules import WarmupPolynomialDecay

from ._helpers import (
    STEPS,
    assert_close,
    check_config_round_trip,
    check_keras_save_load,
    check_tf_function,
    evaluate,
    evaluate_each,
)


def reference(
    steps, peak_lr, total_steps, warmup_steps=0, warmup_start_lr=None, end_lr=0.0, power=1.0
):
    """NumPy float64 transcription of the documented formula."""
    s = np.asarray(steps, np.float64)
    start = peak_lr / 100 if warmup_start_lr is None else warmup_start_lr
    warmup = start + (peak_lr - start) * s / max(warmup_steps, 1)
    progress = np.minimum((s - warmup_steps) / (total_steps - warmup_steps), 1.0)
    decay = end_lr + (peak_lr - end_lr) * (1 - progress) ** power
    return np.where(s < warmup_steps, warmup, np.where(s <= total_steps, decay, end_lr))


@pytest.mark.parametrize(
    "power, step, expected",
    [
        (1.0, 0, 1e-5),  # warmup start, default peak / 100
        (1.0, 50, 1e-5 + (1e-3 - 1e-5) * 0.5),
        (1.0, 100, 1e-3),  # end of warmup = peak
        (1.0, 550, 1e-4 + (1e-3 - 1e-4) * 0.5),  # middle of a linear decay
        (2.0, 550, 1e-4 + (1e-3 - 1e-4) * 0.25),  # ... of a quadratic one
        (0.5, 550, 1e-4 + (1e-3 - 1e-4) * 0.5**0.5),
        (1.0, 1000, 1e-4),  # end
        (2.0, 1000, 1e-4),
        (1.0, 1001, 1e-4),  # past the end
        (0.5, 10**6, 1e-4),
    ],
)
def test_key_steps(power, step, expected):
    schedule = WarmupPolynomialDecay(
        peak_lr=1e-3, total_steps=1000, warmup_steps=100, end_lr=1e-4, power=power
    )
    assert_close(float(schedule(step)), expected, 1e-3)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(peak_lr=1e-3, total_steps=1000, warmup_steps=100),
        dict(peak_lr=1e-3, total_steps=1000, warmup_steps=100, end_lr=1e-5, power=2.0),
        dict(peak_lr=0.5, total_steps=1000, power=0.5),
        dict(peak_lr=3.0, total_steps=700, warmup_steps=1, warmup_start_lr=0.0, power=3.0),
        dict(peak_lr=1.0, total_steps=250, warmup_steps=37, warmup_start_lr=0.3, end_lr=0.2, power=1.5),
    ],
)
def test_every_step_matches_reference(kwargs):
    schedule = WarmupPolynomialDecay(**kwargs)
    expected = reference(STEPS, **kwargs)
    assert_close(evaluate(schedule, STEPS), expected, kwargs["peak_lr"])
    assert_close(evaluate(schedule, STEPS.astype(np.float32)), expected, kwargs["peak_lr"])


def test_scalar_calls_match_vectorised():
    schedule = WarmupPolynomialDecay(1e-3, 1000, warmup_steps=100, power=2.0)
    steps = [0, 1, 99, 100, 101, 500, 999, 1000, 1500]
    # Same values up to float32 rounding (scalar and vector kernels may differ by an ulp).
    np.testing.assert_allclose(
        evaluate_each(schedule, steps), evaluate(schedule, steps), rtol=1e-6, atol=0
    )


def test_config_round_trip():
    check_config_round_trip(WarmupPolynomialDecay(1e-3, 1000, warmup_steps=100, end_lr=1e-5, power=2.0))
    check_config_round_trip(WarmupPolynomialDecay(1e-3, 1000, warmup_start_lr=0.0))


def test_keras_save_load(tmp_path):
    check_keras_save_load(
        WarmupPolynomialDecay(1e-3, 1000, warmup_steps=100, end_lr=1e-5, power=2.0), tmp_path
    )


def test_tf_function():
    check_tf_function(WarmupPolynomialDecay(1e-3, 1000, warmup_steps=100, power=0.5))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            dict(peak_lr=1e-3, total_steps=100, warmup_steps=500),
            "Argument `warmup_steps` must be < `total_steps`. "
            "Received: warmup_steps=500, total_steps=100",
        ),
        (dict(peak_lr=-1e-3, total_steps=100), "Argument `peak_lr` must be > 0. Received: peak_lr=-0.001"),
        (dict(peak_lr=1e-3, total_steps=-3), "Argument `total_steps` must be > 0. Received: total_steps=-3"),
        (dict(peak_lr=1e-3, total_steps=100, warmup_start_lr="x"), "Argument `warmup_start_lr` must be a number"),
        (dict(peak_lr=1e-3, total_steps=100, end_lr=-1.0), "Argument `end_lr` must be >= 0"),
        (
            dict(peak_lr=1e-3, total_steps=100, end_lr=0.1),
            "Argument `end_lr` must be <= `peak_lr`. Received: end_lr=0.1, peak_lr=0.001",
        ),
        (dict(peak_lr=1e-3, total_steps=100, power=0), "Argument `power` must be > 0. Received: power=0"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        WarmupPolynomialDecay(**kwargs)
