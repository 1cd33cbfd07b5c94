import re

import numpy as np
import pytest

from keras_recipes.schedules import Constant

from ._helpers import (
    STEPS,
    check_config_round_trip,
    check_keras_save_load,
    check_tf_function,
    evaluate,
)


@pytest.mark.parametrize("step", [0, 1, 500, 999, 10**6])
def test_key_steps(step):
    assert float(Constant(0.01)(step)) == pytest.approx(0.01, rel=1e-7)


def test_every_step():
    values = evaluate(Constant(3e-4), STEPS)
    assert values.shape == STEPS.shape
    np.testing.assert_allclose(values, np.full(1000, 3e-4), rtol=0, atol=1e-6 * 3e-4)


def test_zero_learning_rate_is_allowed():
    assert float(Constant(0.0)(10)) == 0.0


def test_config_round_trip():
    check_config_round_trip(Constant(0.01))


def test_keras_save_load(tmp_path):
    check_keras_save_load(Constant(0.01), tmp_path)


def test_tf_function():
    check_tf_function(Constant(0.01))


@pytest.mark.parametrize(
    "value, message",
    [
        (-0.1, "Argument `learning_rate` must be >= 0. Received: learning_rate=-0.1"),
        ("0.1", "Argument `learning_rate` must be a number. Received: learning_rate='0.1'"),
        (None, "Argument `learning_rate` must be a number. Received: learning_rate=None"),
        (True, "Argument `learning_rate` must be a number. Received: learning_rate=True"),
        (float("inf"), "Argument `learning_rate` must be a finite number. Received: learning_rate=inf"),
    ],
)
def test_bad_arguments(value, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        Constant(value)
