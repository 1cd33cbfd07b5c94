import json
import math
import re

import keras
import numpy as np
import pytest

from keras_recipes.schedules import OneCycle, StepDecay, Warmup, WarmupCosine

from ._helpers import (
    STEPS,
    assert_close,
    check_config_round_trip,
    check_keras_save_load,
    check_tf_function,
    evaluate,
    evaluate_each,
)


def reference(steps, inner, warmup_steps, start_factor=0.01):
    """The documented formula; `inner` is a NumPy function of the step."""
    s = np.asarray(steps, np.float64)
    ramp = inner(np.zeros_like(s)) * (start_factor + (1 - start_factor) * s / max(warmup_steps, 1))
    return np.where(s < warmup_steps, ramp, inner(np.maximum(s - warmup_steps, 0)))


def step_decay_ref(initial_lr, step_size, factor):
    return lambda s: initial_lr * factor ** np.floor(s / step_size)


def cosine_ref(peak_lr, total_steps, min_lr):  # WarmupCosine without warmup
    return lambda s: min_lr + (peak_lr - min_lr) * 0.5 * (
        1 + np.cos(np.pi * np.minimum(s, total_steps) / total_steps)
    )


def keras_cosine_decay_ref(initial_lr, decay_steps, alpha):
    return lambda s: initial_lr * (
        (1 - alpha) * 0.5 * (1 + np.cos(np.pi * np.minimum(s, decay_steps) / decay_steps)) + alpha
    )


@pytest.mark.parametrize(
    "step, expected",
    [
        (0, 0.1 * 0.01),  # start_factor * schedule(0)
        (50, 0.1 * (0.01 + 0.99 * 0.5)),  # middle of the warmup
        (100, 0.1),  # end of warmup: schedule(0)
        (550, 0.05),  # inner cosine at its middle (450 / 900)
        (1000, 0.0),  # inner end: 100 + 900
        (5000, 0.0),
    ],
)
def test_key_steps_inner_schedule_starts_after_warmup(step, expected):
    schedule = Warmup(WarmupCosine(peak_lr=0.1, total_steps=900), warmup_steps=100)
    assert_close(float(schedule(step)), expected, 0.1)


@pytest.mark.parametrize(
    "step, expected",
    [(0, 0.0), (5, 0.025), (10, 0.05), (11, 0.05), (10**5, 0.05)],
)
def test_float_schedule_is_a_constant(step, expected):
    schedule = Warmup(0.05, warmup_steps=10, start_factor=0.0)
    assert_close(float(schedule(step)), expected, 0.05)


def test_zero_warmup_steps_is_the_inner_schedule():
    inner = StepDecay(0.1, 100, factor=0.5)
    np.testing.assert_array_equal(
        evaluate(Warmup(inner, warmup_steps=0), STEPS), evaluate(inner, STEPS)
    )


@pytest.mark.parametrize(
    "make_inner, inner_ref, warmup_steps, start_factor",
    [
        (lambda: StepDecay(0.1, 150, factor=0.5), step_decay_ref(0.1, 150, 0.5), 100, 0.01),
        (lambda: StepDecay(1.0, 7, factor=0.9), step_decay_ref(1.0, 7, 0.9), 1, 0.0),
        (lambda: WarmupCosine(0.1, 900, min_lr=1e-3), cosine_ref(0.1, 900, 1e-3), 100, 0.1),
        (lambda: WarmupCosine(0.1, 500), cosine_ref(0.1, 500, 0.0), 333, 0.5),
        (lambda: 0.02, lambda s: np.full_like(s, 0.02), 999, 0.01),
    ],
)
def test_every_step_matches_reference(make_inner, inner_ref, warmup_steps, start_factor):
    schedule = Warmup(make_inner(), warmup_steps=warmup_steps, start_factor=start_factor)
    expected = reference(STEPS, inner_ref, warmup_steps, start_factor)
    peak = expected.max()
    assert_close(evaluate(schedule, STEPS), expected, peak)
    assert_close(evaluate(schedule, STEPS.astype(np.float32)), expected, peak)


def test_keras_builtin_inner_schedule():
    inner = keras.optimizers.schedules.CosineDecay(0.1, decay_steps=500, alpha=0.1)
    schedule = Warmup(inner, warmup_steps=50, start_factor=0.2)
    steps = [0, 1, 25, 49, 50, 51, 300, 549, 550, 999]  # CosineDecay is scalar-only
    expected = reference(steps, keras_cosine_decay_ref(0.1, 500, 0.1), 50, 0.2)
    assert_close(evaluate_each(schedule, steps), expected, 0.1)


def test_one_cycle_inner_schedule():
    schedule = Warmup(OneCycle(0.1, 800), warmup_steps=200)
    assert_close(float(schedule(0)), 0.01 * 0.004, 0.1)
    assert_close(float(schedule(200)), 0.004, 0.1)
    assert_close(float(schedule(200 + 239)), 0.1, 0.1)  # OneCycle peak at 0.3 * 800 - 1


def test_config_holds_the_serialized_inner_schedule():
    inner = WarmupCosine(0.1, 900, warmup_steps=10)
    config = Warmup(inner, warmup_steps=100).get_config()
    assert config["schedule"] == keras.saving.serialize_keras_object(inner)
    assert config["schedule"]["registered_name"] == "keras_recipes>WarmupCosine"
    assert config["warmup_steps"] == 100 and config["start_factor"] == 0.01
    assert Warmup(0.1, 10).get_config()["schedule"] == 0.1


@pytest.mark.parametrize(
    "make_inner",
    [
        lambda: WarmupCosine(0.1, 900, warmup_steps=10, min_lr=1e-3),
        lambda: OneCycle(0.1, 900, three_phase=True),
        lambda: Warmup(StepDecay(0.1, 100), warmup_steps=5),  # nested twice
        lambda: 0.03,
    ],
)
def test_config_round_trip(make_inner):
    rebuilt = check_config_round_trip(Warmup(make_inner(), warmup_steps=100, start_factor=0.05))
    assert type(rebuilt.schedule) is type(make_inner())


def test_config_round_trip_keras_builtin_inner():
    inner = keras.optimizers.schedules.CosineDecay(0.1, decay_steps=500)
    steps = [0, 25, 50, 300, 999]
    rebuilt = check_config_round_trip(Warmup(inner, 50), steps=steps, vectorised=False)
    assert isinstance(rebuilt.schedule, keras.optimizers.schedules.CosineDecay)
    json.dumps(rebuilt.get_config())


def test_keras_save_load(tmp_path):
    loaded = check_keras_save_load(
        Warmup(WarmupCosine(1e-3, 900, min_lr=1e-5), warmup_steps=100), tmp_path
    )
    assert isinstance(loaded.schedule, WarmupCosine)


def test_keras_save_load_keras_builtin_inner(tmp_path):
    inner = keras.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=100, decay_rate=0.5)
    loaded = check_keras_save_load(Warmup(inner, warmup_steps=10), tmp_path)
    assert isinstance(loaded.schedule, keras.optimizers.schedules.ExponentialDecay)


def test_keras_save_load_float_inner(tmp_path):
    check_keras_save_load(Warmup(1e-3, warmup_steps=10), tmp_path)


def test_tf_function():
    check_tf_function(Warmup(WarmupCosine(1e-3, 900), warmup_steps=100))
    check_tf_function(Warmup(1e-3, warmup_steps=100))
    check_tf_function(
        Warmup(keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=500), warmup_steps=100)
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            dict(schedule="cosine", warmup_steps=10),
            "Argument `schedule` must be a `keras.optimizers.schedules.LearningRateSchedule` "
            "or a float. Received: schedule='cosine'",
        ),
        (dict(schedule=None, warmup_steps=10), "Argument `schedule` must be a"),
        (dict(schedule=-0.1, warmup_steps=10), "Argument `schedule` must be >= 0. Received: schedule=-0.1"),
        (dict(schedule=0.1, warmup_steps=-5), "Argument `warmup_steps` must be >= 0. Received: warmup_steps=-5"),
        (dict(schedule=0.1, warmup_steps=1.5), "Argument `warmup_steps` must be an integer"),
        (dict(schedule=0.1, warmup_steps=10, start_factor=1.5), "Argument `start_factor` must be <= 1. Received: start_factor=1.5"),
        (dict(schedule=0.1, warmup_steps=10, start_factor=-0.1), "Argument `start_factor` must be >= 0"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        Warmup(**kwargs)
