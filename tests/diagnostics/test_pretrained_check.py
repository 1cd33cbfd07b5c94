"""Fine-tuning traps: the backbone's input scale (diagnose) and a run folder's own scaling."""

from types import SimpleNamespace

import numpy as np
import pytest

from keras_recipes.config import validate_dict
from keras_recipes.diagnostics import lint_recipe
from keras_recipes.diagnostics.check import PASS, WARN
from keras_recipes.diagnostics.pretrained_check import check_pretrained_inputs, \
    input_scale_problem


@pytest.mark.parametrize("low, high, declared, problem", [
    (0.0, 255.0, (0, 255), None),
    (0.0, 16.0, (0, 16), None),
    (0.0, 1.0, (0, 255), "inputs span [0, 1]: the bottom 0.39% of model.input_range [0, 255]"),
    (-1.7, 3.2, (0, 255), "inputs reach -1.7, below model.input_range [0, 255] (standardized "
                          "inputs?)"),
    (0.0, 300.0, (0, 255), "inputs reach 300, above model.input_range [0, 255]"),
])
def test_input_scale_problem_compares_the_sample_with_the_declared_range(low, high, declared,
                                                                          problem):
    assert input_scale_problem(low, high, declared) == problem


def _context(model, normalize, x):
    recipe = validate_dict({"data": {"normalize": normalize}, "model": model})
    return SimpleNamespace(recipe=recipe, x_train=x)


def test_diagnose_warns_when_images_in_0_1_meet_a_0_255_backbone():
    x = np.random.default_rng(0).uniform(0, 1, (50, 8, 8, 1)).astype("float32")
    model = {"type": "pretrained", "from": "MobileNetV2", "weights": "none"}
    result = check_pretrained_inputs(_context(model, "scale", x))
    assert result.status == WARN and "bottom 0.39%" in result.reason
    assert "model.input_range" in result.advice
    fixed = {**model, "input_range": [0, 1]}
    assert check_pretrained_inputs(_context(fixed, "scale", x)).status == PASS


def test_a_run_folder_wants_raw_inputs(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "model.keras").write_bytes(b"")  # lint and this check only look at the names
    model = {"type": "pretrained", "from": str(run)}
    x = np.zeros((4, 8, 8, 1), "float32")
    assert check_pretrained_inputs(_context(model, "standard", x)).status == WARN
    assert check_pretrained_inputs(_context(model, "none", x)).status == PASS
    recipe = validate_dict({"data": {"normalize": "standard"}, "model": model,
                            "optimizer": {"lr_multipliers": {"backbone": 0.1}}})
    assert [(w.rule, w.path) for w in lint_recipe(recipe)] == [
        ("pretrained_input_scaling", "data.normalize")]
