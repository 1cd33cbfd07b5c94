"""Divergence is a fault like NaN: a runaway finite loss, a bound, and advice by cause."""

import numpy as np
import pytest

from keras_recipes.config import validate_dict
from keras_recipes.config.loader import deep_merge
from keras_recipes.errors import TrainingError
from keras_recipes.training.trainer import train
from tests.helpers import TINY
from tests.reliability._helpers import quiet, status


def test_adam_at_a_huge_learning_rate_fails_as_divergence_not_underfitting(tmp_path):
    # Adam at 1e4 never makes a NaN: the loss sits at ~1e8, 100 x above the loss before
    # training (training.loss_upper_bound: auto), which is a fault.
    recipe = validate_dict(deep_merge(TINY, {"optimizer": {"name": "adam",
                                                           "learning_rate": 1e4}}))
    with pytest.raises(TrainingError) as caught:
        train(recipe, tmp_path, echo=quiet)
    text = str(caught.value)
    assert "above 100 x the loss before training" in text and "in steps 1-7" in text
    assert "The loss ran away without becoming NaN (divergence) -> lower " in text
    assert status(tmp_path) == "failed"


def test_nan_in_the_data_points_at_the_data_not_the_learning_rate(tmp_path):
    # Missing inputs are imputed by the preprocessing; a NaN regression target is not.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 4)).astype("float32")
    y = (x[:, 0] * 2.0).astype("float32")
    y[7] = np.nan
    np.savez(tmp_path / "data.npz", x=x, y=y)
    recipe = validate_dict(deep_merge(
        {**TINY, "data": {"source": "npz", "path": str(tmp_path / "data.npz"), "batch_size": 16}},
        {"training": {"epochs": 1, "on_nan": "rollback", "steps_per_execution": 1}}))
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    with pytest.raises(TrainingError) as caught:
        train(recipe, run_dir, echo=quiet)
    text = str(caught.value)
    assert "The targets of epoch 1, batch " in text, text
    assert "hold non-finite values (NaN/Inf) -> clean the data" in text
    assert "a lower learning rate or a rollback replays the same batch" in text
    assert "not rolled back (the batch itself is not finite)" in text  # it cannot help
