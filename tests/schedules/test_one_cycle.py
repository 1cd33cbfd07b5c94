import math
import re

import numpy as np
import pytest

from keras_recipes.schedules import OneCycle

from ._helpers import (
    STEPS,
    assert_close,
    check_config_round_trip,
    check_keras_save_load,
    check_tf_function,
    evaluate,
    evaluate_each,
)


def torch_reference(
    step,
    max_lr,
    total_steps,
    pct_start=0.3,
    div_factor=25.0,
    final_div_factor=1e4,
    anneal_strategy="cos",
    three_phase=False,
    base_momentum=0.85,
    max_momentum=0.95,
):
    """(lr, momentum) at `step`, transcribing `OneCycleLR.get_lr` (float64).

    One difference, documented by `OneCycle`: steps past `total_steps - 1`
    hold the final value (PyTorch extrapolates at `total_steps`, then raises).
    """
    initial_lr = max_lr / div_factor
    min_lr = initial_lr / final_div_factor
    if three_phase:
        phases = [
            (float(pct_start * total_steps) - 1, initial_lr, max_lr, max_momentum, base_momentum),
            (float(2 * pct_start * total_steps) - 2, max_lr, initial_lr, base_momentum, max_momentum),
            (total_steps - 1, initial_lr, min_lr, max_momentum, max_momentum),
        ]
    else:
        phases = [
            (float(pct_start * total_steps) - 1, initial_lr, max_lr, max_momentum, base_momentum),
            (total_steps - 1, max_lr, min_lr, base_momentum, max_momentum),
        ]

    def anneal(start, end, pct):
        if anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    step_num = min(step, total_steps - 1)
    start_step = 0
    for i, (end_step, lr_start, lr_end, mom_start, mom_end) in enumerate(phases):
        if step_num <= end_step or i == len(phases) - 1:
            pct = (step_num - start_step) / (end_step - start_step)
            return anneal(lr_start, lr_end, pct), anneal(mom_start, mom_end, pct)
        start_step = end_step


# max_lr=0.1, total_steps=100, pct_start=0.3, defaults otherwise:
# initial_lr = 0.1 / 25 = 0.004, min_lr = 0.004 / 1e4 = 4e-7,
# phase ends: 0.3 * 100 - 1 = 29 and 100 - 1 = 99.
INITIAL, MAX, MIN = 0.004, 0.1, 4e-7


def cos_anneal(start, end, pct):
    return end + (start - end) / 2 * (1 + math.cos(math.pi * pct))


@pytest.mark.parametrize(
    "step, lr, momentum",
    [
        (0, INITIAL, 0.95),  # start: initial_lr, max_momentum
        (10, cos_anneal(INITIAL, MAX, 10 / 29), cos_anneal(0.95, 0.85, 10 / 29)),
        (14.5, (INITIAL + MAX) / 2, 0.90),  # middle of phase 1 (pct = 0.5)
        (29, MAX, 0.85),  # peak: max_lr, base_momentum
        (30, cos_anneal(MAX, MIN, 1 / 70), cos_anneal(0.85, 0.95, 1 / 70)),
        (64, (MAX + MIN) / 2, 0.90),  # middle of phase 2: (64 - 29) / 70 = 0.5
        (80, cos_anneal(MAX, MIN, 51 / 70), cos_anneal(0.85, 0.95, 51 / 70)),
        (99, MIN, 0.95),  # end: min_lr, max_momentum
        (100, MIN, 0.95),  # past the end: held
        (5000, MIN, 0.95),
    ],
)
def test_two_phase_cos_key_steps(step, lr, momentum):
    schedule = OneCycle(max_lr=0.1, total_steps=100, pct_start=0.3)
    assert_close(float(schedule(step)), lr, MAX)
    assert_close(float(schedule.momentum(step)), momentum, 0.95)


@pytest.mark.parametrize(
    "step, lr, momentum",
    [
        (0, INITIAL, 0.95),
        (10, (MAX - INITIAL) * 10 / 29 + INITIAL, (0.85 - 0.95) * 10 / 29 + 0.95),
        (29, MAX, 0.85),
        (64, (MAX + MIN) / 2, 0.90),
        (71, (MIN - MAX) * 42 / 70 + MAX, (0.95 - 0.85) * 42 / 70 + 0.85),
        (99, MIN, 0.95),
        (200, MIN, 0.95),
    ],
)
def test_two_phase_linear_key_steps(step, lr, momentum):
    schedule = OneCycle(max_lr=0.1, total_steps=100, anneal_strategy="linear")
    assert_close(float(schedule(step)), lr, MAX)
    assert_close(float(schedule.momentum(step)), momentum, 0.95)


# three_phase: ends 29, 2 * 0.3 * 100 - 2 = 58 and 99.
@pytest.mark.parametrize(
    "step, lr, momentum",
    [
        (0, INITIAL, 0.95),
        (29, MAX, 0.85),
        (43.5, (MAX + INITIAL) / 2, 0.90),  # middle of phase 2: 14.5 / 29
        (50, cos_anneal(MAX, INITIAL, 21 / 29), cos_anneal(0.85, 0.95, 21 / 29)),
        (58, INITIAL, 0.95),  # back at initial_lr
        (78.5, (INITIAL + MIN) / 2, 0.95),  # middle of phase 3: 20.5 / 41
        (90, cos_anneal(INITIAL, MIN, 32 / 41), 0.95),
        (99, MIN, 0.95),
        (150, MIN, 0.95),
    ],
)
def test_three_phase_key_steps(step, lr, momentum):
    schedule = OneCycle(max_lr=0.1, total_steps=100, three_phase=True)
    assert_close(float(schedule(step)), lr, MAX)
    assert_close(float(schedule.momentum(step)), momentum, 0.95)


def test_derived_rates():
    schedule = OneCycle(max_lr=0.1, total_steps=100)
    assert schedule.initial_lr == pytest.approx(INITIAL)
    assert schedule.min_lr == pytest.approx(MIN)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(max_lr=0.1, total_steps=1000),
        dict(max_lr=0.1, total_steps=1000, anneal_strategy="linear"),
        dict(max_lr=0.1, total_steps=1000, three_phase=True),
        dict(max_lr=0.1, total_steps=1000, three_phase=True, anneal_strategy="linear"),
        # A phase boundary between two steps: 0.2537 * 1000 - 1 = 252.7.
        dict(max_lr=2.0, total_steps=1000, pct_start=0.2537, div_factor=10.0, final_div_factor=100.0),
        dict(max_lr=2.0, total_steps=1000, pct_start=0.2537, three_phase=True),
        dict(max_lr=1e-3, total_steps=1000, pct_start=0.05, base_momentum=0.8, max_momentum=0.99),
        dict(max_lr=1e-3, total_steps=1000, pct_start=0.5, three_phase=True),
        # A shorter cycle: steps 400..999 are past the end.
        dict(max_lr=0.01, total_steps=400, pct_start=0.25),
    ],
)
def test_every_step_matches_torch_reference(kwargs):
    schedule = OneCycle(**kwargs)
    expected = np.array([torch_reference(int(s), **kwargs) for s in STEPS])
    assert_close(evaluate(schedule, STEPS), expected[:, 0], kwargs["max_lr"])
    assert_close(evaluate(schedule.momentum, STEPS), expected[:, 1], 1.0)
    assert_close(evaluate(schedule, STEPS.astype(np.float32)), expected[:, 0], kwargs["max_lr"])


@pytest.mark.parametrize("three_phase", [False, True])
@pytest.mark.parametrize("total_steps", range(1, 13))
def test_short_cycles_match_torch_reference(total_steps, three_phase):
    # 0.3 * total_steps < 1 up to 3 steps: the first phase ends before step 0.
    schedule = OneCycle(0.1, total_steps, three_phase=three_phase)
    steps = np.arange(total_steps + 3)
    expected = np.array(
        [torch_reference(int(s), 0.1, total_steps, three_phase=three_phase) for s in steps]
    )
    assert_close(evaluate(schedule, steps), expected[:, 0], 0.1)
    assert_close(evaluate(schedule.momentum, steps), expected[:, 1], 1.0)


def test_tiny_pct_start_matches_torch_reference():
    # 0.005 * 100 - 1 = -0.5: no warmup, the cycle starts in the second phase.
    schedule = OneCycle(0.1, 100, pct_start=0.005)
    expected = np.array([torch_reference(int(s), 0.1, 100, pct_start=0.005) for s in STEPS])
    assert_close(evaluate(schedule, STEPS), expected[:, 0], 0.1)
    assert_close(evaluate(schedule.momentum, STEPS), expected[:, 1], 1.0)


@pytest.mark.parametrize("three_phase", [False, True])
def test_empty_first_phase(three_phase):
    # 0.5 * 2 - 1 = 0: PyTorch divides by zero; the empty phase is at its end.
    schedule = OneCycle(0.1, 2, pct_start=0.5, three_phase=three_phase)
    min_lr = 0.1 / 25 / 1e4
    assert_close(evaluate(schedule, [0, 1, 2]), [0.1, min_lr, min_lr], 0.1)
    assert_close(evaluate(schedule.momentum, [0, 1, 2]), [0.85, 0.95, 0.95], 1.0)


def test_scalar_calls_match_vectorised():
    schedule = OneCycle(max_lr=0.1, total_steps=1000, three_phase=True)
    steps = [0, 1, 299, 300, 598, 599, 998, 999, 1000, 1500]
    # Same values up to float32 rounding (scalar and vector kernels may differ by an ulp).
    np.testing.assert_allclose(
        evaluate_each(schedule, steps), evaluate(schedule, steps), rtol=1e-6, atol=0
    )


def test_config_round_trip():
    check_config_round_trip(OneCycle(0.1, 1000))
    rebuilt = check_config_round_trip(
        OneCycle(
            0.1,
            1000,
            pct_start=0.25,
            div_factor=10.0,
            final_div_factor=100.0,
            anneal_strategy="linear",
            three_phase=True,
            base_momentum=0.8,
            max_momentum=0.9,
        )
    )
    np.testing.assert_array_equal(
        evaluate(rebuilt.momentum, STEPS),
        evaluate(OneCycle.from_config(rebuilt.get_config()).momentum, STEPS),
    )


def test_keras_save_load(tmp_path):
    loaded = check_keras_save_load(OneCycle(0.1, 1000, three_phase=True), tmp_path)
    np.testing.assert_array_equal(
        evaluate(loaded.momentum, STEPS),
        evaluate(OneCycle(0.1, 1000, three_phase=True).momentum, STEPS),
    )


def test_tf_function():
    schedule = OneCycle(0.1, 1000)
    check_tf_function(schedule)
    check_tf_function(schedule.momentum)
    check_tf_function(OneCycle(0.1, 1000, three_phase=True, anneal_strategy="linear"))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(max_lr=0.0, total_steps=100), "Argument `max_lr` must be > 0. Received: max_lr=0.0"),
        (dict(max_lr=0.1, total_steps=0), "Argument `total_steps` must be > 0. Received: total_steps=0"),
        (dict(max_lr=0.1, total_steps=100, pct_start=0), "Argument `pct_start` must be > 0. Received: pct_start=0"),
        (dict(max_lr=0.1, total_steps=100, pct_start=1.0), "Argument `pct_start` must be < 1. Received: pct_start=1.0"),
        (
            dict(max_lr=0.1, total_steps=100, pct_start=0.6, three_phase=True),
            "Argument `pct_start` is too large for `three_phase=True`",
        ),
        (dict(max_lr=0.1, total_steps=100, div_factor=0), "Argument `div_factor` must be > 0"),
        (dict(max_lr=0.1, total_steps=100, final_div_factor=-1.0), "Argument `final_div_factor` must be > 0"),
        (
            dict(max_lr=0.1, total_steps=100, anneal_strategy="cosine"),
            "Argument `anneal_strategy` must be one of 'cos', 'linear'. "
            "Received: anneal_strategy='cosine'",
        ),
        (dict(max_lr=0.1, total_steps=100, three_phase="yes"), "Argument `three_phase` must be a bool"),
        (dict(max_lr=0.1, total_steps=100, base_momentum=-0.1), "Argument `base_momentum` must be >= 0"),
        (
            dict(max_lr=0.1, total_steps=100, base_momentum=0.99),
            "Argument `base_momentum` must be <= `max_momentum`. "
            "Received: base_momentum=0.99, max_momentum=0.95",
        ),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        OneCycle(**kwargs)


def test_largest_three_phase_pct_start():
    # 2 * pct * T - 2 must stay below T - 1: pct=0.505, T=100 gives 99.0, rejected.
    OneCycle(0.1, 100, pct_start=0.5, three_phase=True)
    with pytest.raises(ValueError, match="too large"):
        OneCycle(0.1, 100, pct_start=0.505, three_phase=True)
