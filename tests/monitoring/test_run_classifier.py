import math

import pytest

from keras_recipes.monitoring.run_classifier import ADVICE, classify_run
from keras_recipes.monitoring.run_report import write_run_report

HEALTHY = {"loss": [1.5, 0.6, 0.3, 0.2, 0.15], "val_loss": [1.4, 0.7, 0.4, 0.3, 0.28]}


@pytest.mark.parametrize("history, classes, state", [
    (HEALTHY, 10, "healthy"),
    ({"loss": [1.0, 0.5, 0.2, 0.1, 0.05], "val_loss": [1.0, 0.6, 0.7, 0.8, 0.9]}, None,
     "overfitting"),
    # Val only 4% above its minimum, but 10x the train loss and rising: the gap rule.
    ({"loss": [1.0, 0.4, 0.1, 0.05], "val_loss": [1.0, 0.5, 0.5, 0.52]}, None, "overfitting"),
    ({"loss": [1.0, 0.4, 0.2, 0.15], "val_loss": [1.0, 0.5, 0.3, 0.25]}, None, "healthy"),
    ({"loss": [0.2, 0.1, 0.05, 0.04], "val_loss": [0.3, 0.2, 0.15, 0.2]}, None, "overfitting"),
    ({"loss": [2.2, 1.9, 1.8, 1.75], "val_loss": [2.2, 1.9, 1.8, 1.76]}, 10, "underfitting"),
    ({"loss": [1.0, 0.6, 0.4, 0.3]}, None, "underfitting"),
    ({"loss": [2.30, 2.30, 2.301, 2.299], "val_loss": [2.3] * 4}, 10, "stalled"),
    ({"loss": [1.0, 0.5, math.nan], "val_loss": [1.0, 0.6, math.nan]}, None, "diverged"),
    ({"loss": [1.0, 0.5], "val_loss": [1.0, math.inf]}, None, "diverged"),
    ({"loss": [1.0, 0.5, 3.0, 9.0]}, None, "diverged"),
    ({"loss": []}, None, "stalled"),
])
def test_states(history, classes, state):
    assert classify_run(history, classes).state == state


def test_reasons_name_the_numbers():
    result = classify_run({"loss": [1.0, 0.5, 0.2, 0.1, 0.05],
                           "val_loss": [1.0, 0.6, 0.7, 0.8, 0.9]})
    assert result.reason == ("the validation loss rose from 0.6 (epoch 2) to 0.9 while the "
                             "train loss fell to 0.05")
    assert "regularization" in result.advice
    bad = classify_run({"loss": [1.0, 0.5, math.nan], "val_loss": [1.0, 0.6]})
    assert bad.reason == "the loss became non-finite in epoch 3"


def test_report_md(tmp_path):
    line = write_run_report(tmp_path, HEALTHY)
    assert line.startswith("run looks healthy: the train loss fell from 1.5 to 0.15")
    text = (tmp_path / "report.md").read_text()
    assert text.startswith("# Run report: healthy")
    assert "| loss | 1.5 | 0.15 | 0.15 |" in text and ADVICE["healthy"] in text


def test_label_smoothing_raises_the_floor(tmp_path):
    history = {"loss": [2.0, 1.0, 0.62], "val_loss": [1.9, 1.0, 0.7]}
    assert classify_run(history, 10).state == "underfitting"  # 27% of ln(10)
    # With smoothing 0.1 the floor is 0.50: 0.62 is 7% of the way from it to ln(10).
    assert classify_run(history, 10, label_smoothing=0.1).state == "healthy"
    (tmp_path / "recipe.yaml").write_text("# keras: 3\ntraining: {label_smoothing: 0.1}\n")

    class Spec:
        task, num_outputs = "classification", 10

    assert write_run_report(tmp_path, history, Spec()).startswith("run looks healthy")
