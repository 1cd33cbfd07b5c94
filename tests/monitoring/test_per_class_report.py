import numpy as np
import pytest
from sklearn.metrics import classification_report
from sklearn.metrics import confusion_matrix as sk_confusion_matrix

from keras_recipes.monitoring.per_class_report import (confusion_matrix, format_report,
                                                       per_class_report)


@pytest.mark.parametrize("seed, k", [(0, 3), (1, 5), (2, 10)])
def test_agrees_with_sklearn(seed, k):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, k, 200)
    # Wrong guesses never name class k-1.
    y_pred = np.where(rng.random(200) < 0.6, y_true, rng.integers(0, k - 1, 200))
    matrix = confusion_matrix(y_true, y_pred, k)
    np.testing.assert_array_equal(matrix, sk_confusion_matrix(y_true, y_pred, labels=range(k)))
    ours = per_class_report(matrix)
    theirs = classification_report(y_true, y_pred, labels=list(range(k)), output_dict=True,
                                   zero_division=0)
    for c in range(k):
        for metric, key in (("precision", "precision"), ("recall", "recall"), ("f1", "f1-score")):
            assert ours["classes"][str(c)][metric] == pytest.approx(theirs[str(c)][key])
        assert ours["classes"][str(c)]["support"] == theirs[str(c)]["support"]
    for avg in ("macro avg", "weighted avg"):
        assert ours[avg]["f1"] == pytest.approx(theirs[avg]["f1-score"])
        assert ours[avg]["precision"] == pytest.approx(theirs[avg]["precision"])
    assert ours["accuracy"] == pytest.approx(np.mean(y_true == y_pred))


def test_empty_class_and_names():
    report = per_class_report(confusion_matrix([0, 0, 1], [0, 1, 1], 3), ["a", "b", "c"])
    assert report["classes"]["c"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert report["classes"]["b"]["precision"] == 0.5 and report["support"] == 3
    table = format_report(report)
    assert table.splitlines()[1].split() == ["a", "1.0000", "0.5000", "0.6667", "2"]
    assert "accuracy" in table and "weighted avg" in table
