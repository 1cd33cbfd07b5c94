"""The evaluation writers on arrays (no model)."""

import json

import numpy as np
import pytest
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

from keras_recipes.evaluation import evaluate_classification, evaluate_regression, residual_stats


def test_residual_stats_agree_with_sklearn():
    rng = np.random.default_rng(0)
    y = rng.normal(size=(50, 2))
    pred = y + rng.normal(scale=0.3, size=y.shape)
    stats = residual_stats(y, pred)
    assert stats["mae"] == pytest.approx(mean_absolute_error(y, pred))
    assert stats["rmse"] == pytest.approx(np.sqrt(mean_squared_error(y, pred)))
    assert stats["r2"] == pytest.approx(r2_score(y.ravel(), pred.ravel()), abs=0.02)
    assert stats["count"] == 50 and stats["mean"] == pytest.approx(np.mean(pred - y))


def test_regression_files(tmp_path):
    stats = evaluate_regression(np.arange(5.0), np.arange(5.0) + 1, tmp_path)
    assert stats["mean"] == 1.0 and stats["max_abs"] == 1.0
    assert json.loads((tmp_path / "residuals.json").read_text()) == stats
    assert (tmp_path / "predicted_vs_true.png").exists()


def test_image_inputs_get_a_grid_of_confident_mistakes(tmp_path):
    x = np.random.default_rng(0).random((6, 8, 8, 1))
    y = np.array([0, 1, 2, 0, 1, 2])
    probabilities = np.eye(3)[[0, 2, 2, 1, 1, 0]] * 0.7 + 0.1
    report = evaluate_classification(x, y, probabilities, tmp_path, ["a", "b", "c"], top=2)
    assert [w["index"] for w in report["confidently_wrong"]] == [1, 3]
    assert report["confusion_matrix"][2] == [1, 0, 1]
    assert (tmp_path / "confidently_wrong.png").exists()
