"""Diagnose step 7: batch norm agrees between inference and training mode."""

from __future__ import annotations

import types

import pytest

from keras_recipes.config import validate_dict
from keras_recipes.diagnostics.check import FAIL, PASS

RECIPE = {
    "name": "bn_check", "seed": 0,
    "data": {"source": "synthetic", "name": "images", "batch_size": 16,
             "synthetic": {"samples": 480, "classes": 4, "image_size": 8, "channels": 1,
                           "noise": 0.2}, "normalize": "scale", "val_split": 0.25},
    "model": {"type": "resnet", "filters": [8, 16], "hidden": []},
    "optimizer": {"name": "sgd", "learning_rate": 0.2},
    "training": {"epochs": 200, "verbose": 0},
}


def _context(recompute, **overrides):
    from keras_recipes.diagnostics.context import Budget, DiagnoseContext, sample_arrays
    from keras_recipes.diagnostics.diagnose import for_diagnosis
    from keras_recipes.training.trainer import prepare

    recipe = for_diagnosis(validate_dict({**RECIPE, **overrides}))
    prepared = prepare(recipe, echo=lambda _: None)
    x, y = sample_arrays(prepared.data, 500, "train")
    xv, yv = sample_arrays(prepared.data, 500, "val")
    view = types.SimpleNamespace(data=recipe.data, training=types.SimpleNamespace(
        recompute_batch_norm=recompute))
    return DiagnoseContext(view, prepared, x, y, xv, yv, None, Budget(decrease_steps=30))


@pytest.mark.slow
def test_precise_pass_repairs_stale_moving_statistics():
    from keras_recipes.diagnostics.batch_norm_check import check_batch_norm

    result = check_batch_norm(_context("auto"))
    assert result.status == PASS and result.step == 7, result.reason
    moving, final = result.details["moving_statistics"], result.details["final"]
    assert moving["training"] - moving["inference"] > 0.2  # stale after 30 steps
    assert final["inference"] >= final["training"] - 0.02
    assert "the moving averages alone gave" in result.reason


def test_disagreement_fails_and_names_batch_norm():
    from keras_recipes.diagnostics.batch_norm_check import judge
    from keras_recipes.training.batch_norm_stats import ModeAgreement

    stale = ModeAgreement("accuracy", 0.28, 0.90, 120)
    layers = ["stem_norm", "a_norm", "b_norm", "c_norm"]
    off = judge(stale, stale, False, layers, [0.99], 30)
    assert off.status == FAIL and off.reason.startswith(
        "batch norm disagrees: val accuracy 0.28 in inference mode vs 0.9")
    assert off.advice.startswith("batch norm (stem_norm, a_norm, b_norm, ...)")
    assert "Keep training.recompute_batch_norm on" in off.advice
    still = judge(stale, ModeAgreement("accuracy", 0.5, 0.9, 120), True, layers, [0.9], 30)
    assert still.status == FAIL and "recompute_batch_norm on" not in still.advice


def test_models_without_batch_norm_pass():
    from keras_recipes.diagnostics.batch_norm_check import check_batch_norm

    result = check_batch_norm(_context("auto", model={"type": "mlp", "hidden": [8],
                                                      "normalization": "none"}))
    assert result.status == PASS and result.reason == "no trainable batch norm in the model"
