import json

import numpy as np
import pytest

from keras_recipes.cli import main
from keras_recipes.config import load_recipe
from keras_recipes.diagnostics.check import FAIL, PASS
from keras_recipes.diagnostics.diagnose import diagnose
from keras_recipes.diagnostics.label_probe import probe_labels
from keras_recipes.diagnostics.overfit_check import loss_floor
from tests.helpers import ROOT

FIXTURES = ROOT / "tests/diagnostics/recipes"

# Each deliberately broken recipe FAILs first at the step the playbook points at.
BROKEN = [
    ("shuffled_labels.yaml", 1, "data"),
    ("zero_init.yaml", 2, "initialization"),
    ("cut_off_layer.yaml", 4, "gradient flow"),
    ("lr_10.yaml", 5, "loss decreases"),
]


@pytest.mark.slow
@pytest.mark.parametrize("recipe, step, name", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_recipe_fails_at_the_right_step(recipe, step, name, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # `python:` references resolve from the repository root
    report = diagnose(load_recipe(FIXTURES / recipe), tmp_path, echo=lambda _: None,
                      fail_fast=True)
    first = report.first_fail
    assert (first.step, first.name) == (step, name), [r.line() for r in report.results]
    assert first.advice and not report.ok
    statuses = [r.status for r in report.results]
    assert statuses[:step - 1].count(FAIL) == 0 and len(statuses) == step
    if recipe == "cut_off_layer.yaml":
        assert set(first.details["offenders"]) == {"cut_off/kernel", "cut_off/bias"}
    if recipe == "lr_10.yaml":
        # Step 3 memorizes the 10 examples at the playbook default LR, not at 10.
        assert statuses[2] == "WARN"
        assert report.results[2].details["default_lr"]["learning_rate"] == 1e-3
    if recipe == "zero_init.yaml":
        assert first.details["constant_tensors"] == ["hidden/kernel (all 0)",
                                                     "output/kernel (all 0)"]


@pytest.mark.slow
def test_quickstart_passes_and_writes_the_report(tmp_path, capsys):
    out = tmp_path / "diag"
    assert main(["diagnose", str(ROOT / "recipes/quickstart.yaml"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "no step FAILed" in printed
    report = json.loads((out / "diagnose.json").read_text())
    assert report["ok"] and report["first_fail"] is None
    assert [s["step"] for s in report["steps"]] == [1, 2, 3, 4, 5, 6, 7]
    assert all(s["status"] == PASS for s in report["steps"]), report["steps"]
    data = report["steps"][0]["details"]
    assert data["train"] == 1257 and data["class_counts"][0] > 100
    assert data["label_probe"]["score"] > 0.9
    png = (out / "samples.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000


def test_label_probe_tells_real_from_shuffled_labels():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, 4))
    y = np.digitize(x[:, 0] + x[:, 1], [-1.0, 0.0, 1.0])
    real = probe_labels(x[:400], y[:400], x[400:], y[400:], "classification")
    shuffled = probe_labels(x[:400], rng.permutation(y[:400]), x[400:], y[400:],
                            "classification")
    assert real.passed and real.score > 0.7
    assert not shuffled.passed and abs(shuffled.score - shuffled.chance) < 0.15
    target = x[:, 0] * 2.0
    assert probe_labels(x[:400], target[:400], x[400:], target[400:], "regression").score > 0.9


def test_loss_floor_is_the_entropy_of_smoothed_targets():
    assert loss_floor(0.0, 10) == 0.0
    probs = np.full(10, 0.01)
    probs[0] = 0.91
    assert loss_floor(0.1, 10) == pytest.approx(-(probs * np.log(probs)).sum())


def test_constant_tensors_flags_kernels_not_biases_of_any_rank():
    import keras

    from keras_recipes.diagnostics.init_check import constant_tensors

    inputs = keras.Input((4, 8))
    x = keras.layers.MultiHeadAttention(2, 4, name="attention")(inputs, inputs)  # 2-D biases
    x = keras.layers.Dense(3, kernel_initializer="zeros", name="head")(x)
    assert constant_tensors(keras.Model(inputs, x)) == ["head/kernel (all 0)"]


def test_labels_follow_the_training_pipeline_format():
    from types import SimpleNamespace

    from keras_recipes.diagnostics.context import Budget, DiagnoseContext

    def ctx(label_shape):
        train = SimpleNamespace(element_spec=(None, SimpleNamespace(shape=label_shape)))
        spec = SimpleNamespace(task="classification", num_outputs=3)
        prepared = SimpleNamespace(data=SimpleNamespace(train=train, spec=spec))
        return DiagnoseContext(None, prepared, None, None, None, None, ROOT, Budget())

    y = np.array([2, 0])
    assert ctx((None,)).as_trained(y) is y  # class ids stay class ids
    np.testing.assert_array_equal(ctx((None, 3)).as_trained(y), [[0, 0, 1], [1, 0, 0]])
