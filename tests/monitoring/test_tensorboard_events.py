"""Acceptance: a quickstart run's TensorBoard files hold every monitoring summary."""

import pytest

from tests.monitoring.events import decode_png, read_events
from tests.monitoring.quickstart_run import quickstart_run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def events():
    logdir = quickstart_run() / "tensorboard"
    return {run: read_events(logdir / run) for run in ("", "train", "validation")}


def test_learning_rate_and_grad_norm_are_step_scalars(events):
    train = events["train"]
    plugin, lrs = train["learning_rate"]
    assert plugin == "scalars"
    # 1257 examples / 128 = 10 steps an epoch, one execution each (auto steps_per_execution):
    # the loggers log at the execution boundary, StepScalars writes at the step count.
    assert [step for step, _ in lrs] == [10, 20]
    assert all(value == pytest.approx(1e-3) for _, value in lrs)
    plugin, norms = train["grad_norm"]
    assert plugin == "scalars" and [s for s, _ in norms] == [10, 20]
    assert all(0 < value < 100 for _, value in norms)
    assert [s for s, _ in train["epoch_loss"][1]] == [0, 1]


def test_per_class_metrics_and_confusion_matrix(events):
    val = events["validation"]
    for metric in ("precision", "recall", "f1"):
        for digit in range(10):
            plugin, values = val[f"per_class/{metric}/{digit}"]
            assert plugin == "scalars" and [s for s, _ in values] == [0, 1]
            assert all(0.0 <= v <= 1.0 for _, v in values)
    plugin, images = val["confusion_matrix"]
    assert plugin == "images"
    # The last epoch (index 1) gets an image though confusion_matrix_freq is 10.
    assert [step for step, _ in images] == [1]
    width, height, png = images[0][1]
    assert decode_png(png).shape == (int(height), int(width), 3)


def test_recipe_text_hparams_and_sample_grid(events):
    root = events[""]
    plugin, texts = root["recipe"]
    assert plugin == "text"
    text = texts[0][1].item().decode() if hasattr(texts[0][1], "item") else texts[0][1]
    assert "name: quickstart" in text and "hidden:" in text
    assert root["_hparams_/session_start_info"][0] == "hparams"
    assert root["sample_inputs"][0] == "images"


def test_report_md_classifies_the_run():
    report = (quickstart_run() / "report.md").read_text()
    assert report.startswith("# Run report: ")
    assert "**Advice:**" in report and "| val_loss |" in report
