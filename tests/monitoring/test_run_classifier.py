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


# Constructed runs for the plain cases a rule on the losses alone got wrong (issue 17).
MEMORIZED = {"loss": [2.0, 0.5, 0.1, 0.02], "val_loss": [2.1, 1.9, 1.9, 1.85],
             "accuracy": [0.4, 0.9, 0.99, 1.0], "val_accuracy": [0.35, 0.4, 0.41, 0.40]}
AT_CHANCE = {**MEMORIZED, "val_accuracy": [0.1, 0.11, 0.09, 0.10]}
# Binary labels with ~10% noise: train and validation level off together near the
# achievable loss, 51% of ln(2).
NOISY_TABULAR = {"loss": [0.62, 0.40, 0.36, 0.354, 0.353, 0.353],
                 "val_loss": [0.60, 0.41, 0.37, 0.362, 0.361, 0.361],
                 "accuracy": [0.70, 0.86, 0.89, 0.895, 0.90, 0.90],
                 "val_accuracy": [0.72, 0.86, 0.88, 0.89, 0.89, 0.89]}
EXPLODED_VAL = {"loss": [1.0, 0.5, 0.3, 0.25], "val_loss": [1.0, 0.6, 1e8, 5e7]}
EXPLODED_TRAIN = {"loss": [1.0, 3e8, 0.9, 0.8], "val_loss": [1.0, 0.9, 0.85, 0.8]}


@pytest.mark.parametrize("history, classes, state, words", [
    (MEMORIZED, 10, "overfitting", "train accuracy 1.00 against validation 0.40"),
    (AT_CHANCE, 10, "overfitting", "chance level (1/10)"),
    (NOISY_TABULAR, 2, "plateaued", "51% of chance level ln(2)"),
    (EXPLODED_VAL, None, "diverged", "the validation loss reached 1e+08 in epoch 3"),
    (EXPLODED_TRAIN, None, "diverged", "the train loss reached 3e+08 in epoch 2"),
    # Still high and still falling: more training helps.
    ({"loss": [0.69, 0.55, 0.45, 0.40], "val_loss": [0.69, 0.56, 0.46, 0.41]}, 2,
     "underfitting", "still falling"),
])
def test_constructed_runs(history, classes, state, words):
    result = classify_run(history, classes)
    assert (result.state, words in result.reason) == (state, True), result.reason


def test_a_small_train_validation_gap_stays_healthy():
    history = {**HEALTHY, "accuracy": [0.6, 0.9, 0.97, 0.99, 1.0],
               "val_accuracy": [0.6, 0.88, 0.94, 0.96, 0.95]}
    assert classify_run(history, 10).state == "healthy"


def test_plateau_advice_names_the_baseline_check():
    assert "`baseline`" in classify_run(NOISY_TABULAR, 2).advice
