"""The callbacks under a 2-replica MirroredStrategy (in a subprocess with 2 logical CPUs)."""

from pathlib import Path

import numpy as np
import pytest

from tests.callbacks._helpers import run_python

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mirrored():
    return run_python(Path(__file__).with_name("mirrored_script.py"))


def test_gradient_norm_is_that_of_the_all_reduced_gradient(mirrored):
    assert mirrored["replicas"] == 2
    for policy, rtol, optimizer in (("float32", 1e-5, "SGD"),
                                    ("mixed_float16", 2e-3, "LossScaleOptimizer")):
        result = mirrored[f"grad_norm/{policy}"]
        assert result["optimizer"] == optimizer
        np.testing.assert_allclose(result["logged"], result["expected"], rtol=rtol)
        # Not one replica's share of the batch.
        assert abs(result["logged"] - result["one_replica_share"]) > 0.05 * result["expected"]


def test_plateau_on_schedule_logged_and_applied(mirrored):
    result = mirrored["plateau"]
    np.testing.assert_allclose(result["logged"], result["expected"], rtol=1e-6)
    # The learning rate the replicas really applied (from the weight updates).
    np.testing.assert_allclose(result["applied"], result["expected"], rtol=1e-4)
    assert result["factor_per_replica"] == [0.0625, 0.0625]


def test_both_loggers_share_the_hooks(mirrored):
    for fit, result in enumerate(mirrored["both"]):  # the second fit starts at step 8
        expected = 0.1 * 0.9 ** np.arange(8 * fit, 8 * fit + 8)
        np.testing.assert_allclose(result["learning_rate"], expected, rtol=1e-6)
        np.testing.assert_allclose(result["applied"], expected, rtol=1e-4)
        np.testing.assert_allclose(result["epoch_learning_rate"], expected[[3, 7]], rtol=1e-6)
        np.testing.assert_allclose(result["grad_norm"], result["hand_norm"], rtol=1e-5)
        assert result["recorded_in_step"] == pytest.approx(expected[-1], rel=1e-6)
        assert result["hooks_left"] == []
