"""`Phased`: one schedule per fine-tuning phase, restarting at each phase's first update."""

import keras
import numpy as np
import pytest

from keras_recipes.callbacks import ScaledSchedule
from keras_recipes.schedules import Constant, Phased, Warmup, WarmupCosine
from tests.schedules._helpers import evaluate


def _two_phases():
    return Phased([Constant(0.1), WarmupCosine(0.1, 20, warmup_steps=5)], starts=[0, 10],
                  multipliers=[1.0, 0.1])


def test_each_phase_runs_its_own_schedule_from_its_first_update_times_its_multiplier():
    schedule = _two_phases()
    steps = np.arange(30)
    second = WarmupCosine(0.1, 20, warmup_steps=5)
    expected = np.where(steps < 10, 0.1, 0.1 * evaluate(second, np.maximum(steps - 10, 0)))
    np.testing.assert_allclose(evaluate(schedule, steps), expected, rtol=1e-6)
    assert evaluate(schedule, [10])[0] == pytest.approx(0.1 * 0.1 * 0.01)  # warmup restarts
    assert [schedule.phase_at(s) for s in (0, 9, 10, 29)] == [0, 0, 1, 1]


def test_a_plateau_factor_multiplies_every_phase():
    scaled = ScaledSchedule(_two_phases(), factor=0.5)
    steps = np.arange(30)
    np.testing.assert_allclose(evaluate(scaled, steps), 0.5 * evaluate(_two_phases(), steps),
                               rtol=1e-6)


def test_round_trips_through_keras_serialization():
    schedule = Phased([Warmup(Constant(0.2), 3), Constant(0.05)], [0, 7], [1.0, 0.5])
    again = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(schedule))
    np.testing.assert_array_equal(evaluate(again, np.arange(12)),
                                  evaluate(schedule, np.arange(12)))


BAD = [
    ({"schedules": [], "starts": []}, "non-empty list"),
    ({"schedules": [Constant(0.1)], "starts": [3]}, "begin at 0"),
    ({"schedules": [Constant(0.1)] * 2, "starts": [0, 0]}, "begin at 0 and increase"),
    ({"schedules": [Constant(0.1)], "starts": [0], "multipliers": [1.0, 2.0]}, "same length"),
]


def test_bad_arguments_are_refused_with_keras_style_messages():
    for kwargs, message in BAD:
        with pytest.raises(ValueError, match=message):
            Phased(**kwargs)


def test_one_cycle_momentum_follows_each_phase_cycle():
    from keras_recipes.callbacks.one_cycle_momentum import _momentum_function
    from keras_recipes.schedules import OneCycle

    first, second = OneCycle(0.1, 10), OneCycle(0.1, 20)
    momentum, horizon = _momentum_function(ScaledSchedule(Phased([first, second], [0, 10])))
    steps = np.arange(30, dtype="float32")
    expected = np.where(steps < 10, evaluate(first.momentum, steps),
                        evaluate(second.momentum, np.maximum(steps - 10, 0)))
    assert horizon == 30
    np.testing.assert_allclose(evaluate(momentum, steps), expected, rtol=1e-6)
