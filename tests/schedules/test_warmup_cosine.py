import math
import re

import numpy as np
import pytest

from keras_recipes.schedules import WarmupCosine

from ._helpers import (
    STEPS,
    assert_close,
    check_config_round_trip,
    check_keras_save_load,
    check_tf_function,
    evaluate,
    evaluate_each,
)


def reference(steps, peak_lr, total_steps, warmup_steps=0, warmup_start_lr=None, min_lr=0.0):
    """NumPy float64 transcription of the documented formula."""
    s = np.asarray(steps, np.float64)
    start = peak_lr / 100 if warmup_start_lr is None else warmup_start_lr
    warmup = start + (peak_lr - start) * s / max(warmup_steps, 1)
    progress = (s - warmup_steps) / (total_steps - warmup_steps)
    cosine = min_lr + (peak_lr - min_lr) * 0.5 * (1 + np.cos(np.pi * progress))
    return np.where(s < warmup_steps, warmup, np.where(s <= total_steps, cosine, min_lr))


PEAK = 1e-3
MIN = 1e-5


@pytest.mark.parametrize(
    "step, expected",
    [
        (0, PEAK / 100),  # warmup start, default peak / 100
        (50, PEAK / 100 + (PEAK - PEAK / 100) * 0.5),  # middle of the warmup
        (99, PEAK / 100 + (PEAK - PEAK / 100) * 0.99),  # last warmup step
        (100, PEAK),  # end of warmup = peak
        (550, MIN + (PEAK - MIN) * 0.5),  # middle of the decay: cos(pi/2) = 0
        (775, MIN + (PEAK - MIN) * 0.5 * (1 + math.cos(math.pi * 0.75))),
        (1000, MIN),  # end
        (1001, MIN),  # past the end
        (10**6, MIN),
    ],
)
def test_key_steps(step, expected):
    schedule = WarmupCosine(peak_lr=PEAK, total_steps=1000, warmup_steps=100, min_lr=MIN)
    assert_close(float(schedule(step)), expected, PEAK)


@pytest.mark.parametrize(
    "step, expected",
    [(0, 0.1), (500, 0.05), (1000, 0.0), (2000, 0.0)],
)
def test_key_steps_without_warmup(step, expected):
    schedule = WarmupCosine(peak_lr=0.1, total_steps=1000)
    assert_close(float(schedule(step)), expected, 0.1)


def test_explicit_warmup_start_lr():
    schedule = WarmupCosine(peak_lr=0.1, total_steps=100, warmup_steps=10, warmup_start_lr=0.0)
    assert_close(evaluate(schedule, [0, 5, 10]), [0.0, 0.05, 0.1], 0.1)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(peak_lr=1e-3, total_steps=1000, warmup_steps=100),
        dict(peak_lr=1e-3, total_steps=1000, warmup_steps=100, min_lr=1e-5),
        dict(peak_lr=0.5, total_steps=1000, warmup_steps=0, min_lr=0.01),
        dict(peak_lr=3.0, total_steps=700, warmup_steps=1, warmup_start_lr=0.0),
        dict(peak_lr=2e-4, total_steps=1000, warmup_steps=999, warmup_start_lr=1e-4),
        dict(peak_lr=1.0, total_steps=250, warmup_steps=37, warmup_start_lr=0.3, min_lr=0.2),
    ],
)
def test_every_step_matches_reference(kwargs):
    schedule = WarmupCosine(**kwargs)
    expected = reference(STEPS, **kwargs)
    assert_close(evaluate(schedule, STEPS), expected, kwargs["peak_lr"])
    # Float steps give the same values as int steps.
    assert_close(evaluate(schedule, STEPS.astype(np.float32)), expected, kwargs["peak_lr"])


def test_scalar_calls_match_vectorised():
    schedule = WarmupCosine(peak_lr=1e-3, total_steps=1000, warmup_steps=100)
    steps = [0, 1, 99, 100, 101, 500, 999, 1000, 1500]
    # Same values up to float32 rounding (scalar and vector kernels may differ by an ulp).
    np.testing.assert_allclose(
        evaluate_each(schedule, steps), evaluate(schedule, steps), rtol=1e-6, atol=0
    )


def test_config_round_trip():
    check_config_round_trip(WarmupCosine(1e-3, 1000, warmup_steps=100, min_lr=1e-6))
    rebuilt = check_config_round_trip(WarmupCosine(1e-3, 1000, warmup_start_lr=2e-5))
    assert rebuilt.warmup_start_lr == 2e-5


def test_default_warmup_start_lr_stays_a_default_in_config():
    config = WarmupCosine(1e-3, 1000, warmup_steps=10).get_config()
    assert config["warmup_start_lr"] is None
    config["peak_lr"] = 1e-2
    assert WarmupCosine.from_config(config).resolved_warmup_start_lr == pytest.approx(1e-4)


def test_keras_save_load(tmp_path):
    check_keras_save_load(
        WarmupCosine(1e-3, 1000, warmup_steps=100, min_lr=1e-5), tmp_path
    )


def test_tf_function():
    check_tf_function(WarmupCosine(1e-3, 1000, warmup_steps=100, min_lr=1e-5))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            dict(peak_lr=1e-3, total_steps=100, warmup_steps=500),
            "Argument `warmup_steps` must be < `total_steps`. "
            "Received: warmup_steps=500, total_steps=100",
        ),
        (
            dict(peak_lr=1e-3, total_steps=100, warmup_steps=100),
            "Argument `warmup_steps` must be < `total_steps`. "
            "Received: warmup_steps=100, total_steps=100",
        ),
        (dict(peak_lr=0, total_steps=100), "Argument `peak_lr` must be > 0. Received: peak_lr=0"),
        (dict(peak_lr=-1.0, total_steps=100), "Argument `peak_lr` must be > 0"),
        (dict(peak_lr="big", total_steps=100), "Argument `peak_lr` must be a number. Received: peak_lr='big'"),
        (dict(peak_lr=float("nan"), total_steps=100), "Argument `peak_lr` must be a finite number"),
        (dict(peak_lr=1e-3, total_steps=0), "Argument `total_steps` must be > 0. Received: total_steps=0"),
        (dict(peak_lr=1e-3, total_steps=10.5), "Argument `total_steps` must be an integer. Received: total_steps=10.5"),
        (dict(peak_lr=1e-3, total_steps=100, warmup_steps=-1), "Argument `warmup_steps` must be >= 0. Received: warmup_steps=-1"),
        (dict(peak_lr=1e-3, total_steps=100, warmup_start_lr=-1e-4), "Argument `warmup_start_lr` must be >= 0"),
        (dict(peak_lr=1e-3, total_steps=100, min_lr=-1e-4), "Argument `min_lr` must be >= 0"),
        (
            dict(peak_lr=1e-3, total_steps=100, min_lr=1e-2),
            "Argument `min_lr` must be <= `peak_lr`. Received: min_lr=0.01, peak_lr=0.001",
        ),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        WarmupCosine(**kwargs)


def test_integral_float_steps_are_accepted():
    assert WarmupCosine(1e-3, total_steps=1000.0, warmup_steps=np.int64(10)).get_config() == {
        "peak_lr": 1e-3,
        "total_steps": 1000,
        "warmup_steps": 10,
        "warmup_start_lr": None,
        "min_lr": 0.0,
    }
