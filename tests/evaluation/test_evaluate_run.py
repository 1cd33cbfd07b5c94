"""Acceptance: `evaluate` on a quickstart run agrees with scikit-learn."""

import json

import numpy as np
import pytest
from sklearn.metrics import classification_report

from keras_recipes.errors import UsageError
from keras_recipes.evaluation import evaluate_run

from tests.monitoring.quickstart_run import quickstart_run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def evaluated():
    run = quickstart_run()
    lines = []
    return run, evaluate_run(run, "test", top=5, echo=lines.append), lines


def _independent_predictions(run):
    """model.keras's network loaded on its own, the test split rebuilt from recipe.yaml."""
    from keras_recipes.config import load_recipe
    from keras_recipes.data import build_data
    from keras_recipes.saving import load_model
    from keras_recipes.serving.handback import network_of

    recipe = load_recipe(run / "recipe.yaml")
    data = build_data(recipe.data, recipe.seed)
    model = network_of(load_model(run / "model.keras"))  # the pipeline's arrays are preprocessed
    x = np.concatenate([np.asarray(b[0]) for b in data.test])
    y = np.concatenate([np.asarray(b[1]) for b in data.test])
    return y, model.predict(x, verbose=0)


def test_per_class_metrics_agree_with_sklearn(evaluated):
    run, result, lines = evaluated
    written = json.loads((run / "evaluation" / "test" / "per_class.json").read_text())
    y, probabilities = _independent_predictions(run)
    expected = classification_report(y, probabilities.argmax(-1), output_dict=True,
                                     zero_division=0)
    for digit in range(10):
        ours, theirs = written["classes"][str(digit)], expected[str(digit)]
        assert ours["precision"] == pytest.approx(theirs["precision"], abs=1e-6)
        assert ours["recall"] == pytest.approx(theirs["recall"], abs=1e-6)
        assert ours["f1"] == pytest.approx(theirs["f1-score"], abs=1e-6)
        assert ours["support"] == theirs["support"]
    assert written["accuracy"] == pytest.approx(expected["accuracy"], abs=1e-6)
    assert "macro avg" in lines[0] and lines[0].startswith("test split, 360 examples")


def test_confusion_matrix_sums_to_the_split(evaluated):
    run, result, _ = evaluated
    matrix = np.array(result["confusion_matrix"])
    assert matrix.shape == (10, 10) and matrix.sum() == 360  # 20% of 1797 digits
    assert (run / "evaluation" / "test" / "confusion_matrix.png").stat().st_size > 1000


def test_most_confidently_wrong(evaluated):
    run, result, _ = evaluated
    wrong = json.loads((run / "evaluation" / "test" / "confidently_wrong.json").read_text())
    assert wrong == result["confidently_wrong"] and 0 < len(wrong) <= 5
    assert all(w["true"] != w["predicted"] for w in wrong)
    confidences = [w["confidence"] for w in wrong]
    assert confidences == sorted(confidences, reverse=True)
    assert set(wrong[0]) == {"index", "true", "true_name", "predicted", "predicted_name",
                             "confidence"}
    # Digits are 64-feature vectors here: no image grid.
    assert not (run / "evaluation" / "test" / "confidently_wrong.png").exists()


def test_not_a_run(tmp_path, capsys):
    from keras_recipes.cli import main

    with pytest.raises(UsageError, match="has no recipe.yaml or model.keras -> a run"):
        evaluate_run(tmp_path)
    capsys.readouterr()
    assert main(["evaluate", str(tmp_path), "--split", "val"]) == 2  # in process: no TF start-up
    err = capsys.readouterr().err
    assert "Traceback" not in err and "has no recipe.yaml or model.keras" in err


def test_regression_run(tmp_path):
    from keras_recipes.config import validate_dict
    from keras_recipes.config.loader import deep_merge
    from keras_recipes.training.trainer import train
    from tests.helpers import TINY

    recipe = validate_dict(deep_merge(TINY, {
        "data": {"name": "regression"},
        "training": {"epochs": 2, "metrics": ["mae"]}}))
    run = tmp_path / "run"
    run.mkdir()
    result = train(recipe, run, echo=lambda _: None)
    stats = evaluate_run(run, "val", echo=lambda _: None)
    assert stats["task"] == "regression" and stats["count"] == result.spec.num_val
    # Same weights (model.keras), same split: Keras' own val MAE.
    assert stats["mae"] == pytest.approx(result.metrics["val"]["mae"], rel=1e-4)
    assert (run / "evaluation" / "val" / "predicted_vs_true.png").exists()
