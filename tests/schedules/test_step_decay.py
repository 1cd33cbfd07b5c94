import re

import numpy as np
import pytest

from keras_recipes.schedules import StepDecay

from ._helpers import (
    STEPS,
    assert_close,
    check_config_round_trip,
    check_keras_save_load,
    check_tf_function,
    evaluate,
    evaluate_each,
)


def reference(steps, initial_lr, step_size, factor=0.1, min_lr=0.0):
    s = np.asarray(steps, np.float64)
    return np.maximum(min_lr, initial_lr * factor ** np.floor(s / step_size))


@pytest.mark.parametrize(
    "step, expected",
    [
        (0, 0.1),
        (299, 0.1),  # last step before the first decay
        (300, 0.01),  # first decay
        (450, 0.01),  # middle of the second interval
        (600, 0.001),
        (899, 0.001),
        (900, 1e-4),
        (1200, 1e-4),  # 1e-5 clipped to min_lr
        (10**6, 1e-4),  # far past: still min_lr
    ],
)
def test_key_steps(step, expected):
    schedule = StepDecay(initial_lr=0.1, step_size=300, factor=0.1, min_lr=1e-4)
    assert_close(float(schedule(step)), expected, 0.1)


def test_float_steps_floor():
    schedule = StepDecay(initial_lr=1.0, step_size=10, factor=0.5)
    assert_close(evaluate(schedule, np.array([9.99, 10.0, 19.5, 20.0], np.float32)), [1.0, 0.5, 0.5, 0.25], 1.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(initial_lr=0.1, step_size=300),
        dict(initial_lr=0.1, step_size=100, factor=0.5, min_lr=1e-3),
        dict(initial_lr=2.0, step_size=7, factor=0.9),
        dict(initial_lr=1e-3, step_size=1, factor=0.99, min_lr=1e-5),
        dict(initial_lr=0.3, step_size=250, factor=1.0),
        dict(initial_lr=0.3, step_size=5000, factor=0.1),
    ],
)
def test_every_step_matches_reference(kwargs):
    schedule = StepDecay(**kwargs)
    expected = reference(STEPS, **kwargs)
    assert_close(evaluate(schedule, STEPS), expected, kwargs["initial_lr"])
    assert_close(evaluate(schedule, STEPS.astype(np.float32)), expected, kwargs["initial_lr"])


def test_scalar_calls_match_vectorised():
    schedule = StepDecay(0.1, 100, factor=0.5, min_lr=1e-3)
    steps = [0, 99, 100, 101, 999, 5000]
    # Same values up to float32 rounding (scalar and vector kernels may differ by an ulp).
    np.testing.assert_allclose(
        evaluate_each(schedule, steps), evaluate(schedule, steps), rtol=1e-6, atol=0
    )


def test_config_round_trip():
    check_config_round_trip(StepDecay(0.1, 100, factor=0.5, min_lr=1e-3))


def test_keras_save_load(tmp_path):
    check_keras_save_load(StepDecay(0.1, 100, factor=0.5, min_lr=1e-3), tmp_path)


def test_tf_function():
    check_tf_function(StepDecay(0.1, 100, factor=0.5, min_lr=1e-3))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(initial_lr=0, step_size=10), "Argument `initial_lr` must be > 0. Received: initial_lr=0"),
        (dict(initial_lr=0.1, step_size=0), "Argument `step_size` must be > 0. Received: step_size=0"),
        (dict(initial_lr=0.1, step_size=2.5), "Argument `step_size` must be an integer. Received: step_size=2.5"),
        (dict(initial_lr=0.1, step_size=10, factor=0.0), "Argument `factor` must be > 0. Received: factor=0.0"),
        (dict(initial_lr=0.1, step_size=10, factor=2.0), "Argument `factor` must be <= 1. Received: factor=2.0"),
        (dict(initial_lr=0.1, step_size=10, min_lr=-1.0), "Argument `min_lr` must be >= 0"),
        (
            dict(initial_lr=0.1, step_size=10, min_lr=0.5),
            "Argument `min_lr` must be <= `initial_lr`. Received: min_lr=0.5, initial_lr=0.1",
        ),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        StepDecay(**kwargs)
