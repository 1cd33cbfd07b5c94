import csv
import json
import os
import stat

import keras
import numpy as np
import pytest

from keras_recipes.config import validate_dict
from keras_recipes.config.loader import deep_merge
from keras_recipes.errors import TrainingError
from keras_recipes.training.trainer import train
from tests.helpers import TINY


def _recipe(**overrides):
    return validate_dict(deep_merge(TINY, overrides))


def test_run_directory_holds_every_artifact(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    previous = os.umask(0o022)
    try:
        result = train(_recipe(callbacks={"tensorboard": True}), run, echo=lambda _: None)
    finally:
        os.umask(previous)
    # Colleagues on a shared machine can read the run: 0644 under umask 022, like model.keras.
    modes = {str(p.relative_to(run)): oct(stat.S_IMODE(p.stat().st_mode))
             for p in run.rglob("*") if p.is_file()}
    assert modes and set(modes.values()) == {"0o644"}, modes
    names = {p.name for p in run.iterdir()}
    assert {"recipe.yaml", "history.csv", "metrics.json", "best.keras", "model.keras",
            "tensorboard", "summary.txt", "curves.png", "status.json"} <= names
    metrics = json.loads((run / "metrics.json").read_text())
    assert set(metrics) == {"val", "test"}
    assert 0.0 <= metrics["test"]["accuracy"] <= 1.0 and metrics["test"]["loss"] > 0
    assert json.loads((run / "status.json").read_text())["status"] == "completed"
    rows = list(csv.DictReader((run / "history.csv").open()))
    assert len(rows) == 3 and {"loss", "val_loss", "accuracy"} <= set(rows[0])
    assert result.metrics == metrics
    # The resolved recipe is complete and trains again as is.
    resolved = (run / "recipe.yaml").read_text()
    assert "# tensorflow:" in resolved and "# keras:" in resolved
    from keras_recipes.config.loader import parse_yaml
    again = validate_dict(parse_yaml(resolved))
    assert again.optimizer.epsilon == 1e-8 and again.model.normalization == "batch"


def test_model_keras_holds_the_best_weights(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    # No batch norm: the hand-back model's recomputed statistics would differ from best.keras.
    recipe = _recipe(training={"epochs": 6}, optimizer={"learning_rate": 0.05},
                     model={"normalization": "none"})
    result = train(recipe, run, echo=lambda _: None)
    from keras_recipes.saving import load_model
    from keras_recipes.serving.handback import network_of

    best = load_model(run / "best.keras")
    handed = network_of(load_model(run / "model.keras"))  # raw inputs -> preprocessing -> this
    assert len(best.get_weights()) == len(handed.get_weights())
    for a, b in zip(best.get_weights(), handed.get_weights()):
        np.testing.assert_array_equal(a, b)
    history = result.history
    best_epoch = int(np.argmin(history["val_loss"]))
    assert result.metrics["val"]["loss"] == pytest.approx(history["val_loss"][best_epoch],
                                                          rel=1e-4)


def test_non_finite_loss_fails_with_advice_and_status(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    recipe = _recipe(optimizer={"name": "sgd", "learning_rate": 1e12},
                     model={"normalization": "none"}, callbacks={"early_stopping": False})
    with pytest.raises(TrainingError, match="non-finite"):
        train(recipe, run, echo=lambda _: None)
    status = json.loads((run / "status.json").read_text())
    assert status["status"] == "failed" and "non-finite" in status["error"]


def test_prints_the_resolved_plan(tmp_path):
    lines = []
    run = tmp_path / "run"
    run.mkdir()
    train(_recipe(training={"epochs": 2, "gradient_accumulation": 2},
                  schedule={"name": "warmup_cosine", "warmup": {"epochs": 1}}), run,
          echo=lines.append)
    text = "\n".join(lines)
    assert "32 per replica x 1 replica(s) x 2 accumulation = global batch 64" in text
    # 210 training examples / 32 = 7 batches -> 3 updates per epoch x 2 epochs
    assert "step budget: 6 optimizer updates" in text
    assert "x2 by the linear scaling rule" in text


def test_recipe_callbacks_log_lr_and_grad_norm_with_one_cycle(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    recipe = _recipe(optimizer={"name": "sgd", "learning_rate": 0.1},
                     schedule={"name": "one_cycle"},
                     callbacks={"learning_rate_logger": True, "gradient_norm_logger": True,
                                "reduce_lr_on_plateau": {"enabled": True, "patience": 1}})
    result = train(recipe, run, echo=lambda _: None)
    lrs = result.history["learning_rate"]
    assert len(lrs) == 3 and all(lr <= 0.1 + 1e-9 for lr in lrs)
    assert all(norm > 0 for norm in result.history["grad_norm"])
    rows = list(csv.DictReader((run / "history.csv").open()))
    assert "learning_rate" in rows[0] and "grad_norm" in rows[0]
