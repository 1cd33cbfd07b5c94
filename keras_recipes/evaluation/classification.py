"""Classification evaluation: per-class table, confusion matrix, most confidently wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from keras_recipes.monitoring.figures import confusion_matrix_image, input_grid, save_png
from keras_recipes.monitoring.per_class_report import (class_names_for, confusion_matrix,
                                                       per_class_report)
from keras_recipes.monitoring.predictions import class_labels, predicted_classes
from keras_recipes.run import write_json_atomic


def confidently_wrong(y_true: np.ndarray, predicted: np.ndarray, confidence: np.ndarray,
                      names: Sequence[str], top: int) -> list[dict]:
    """The `top` misclassified examples with the highest predicted-class probability.

    Example:

    >>> confidently_wrong(np.array([0, 1, 1]), np.array([1, 1, 0]), np.array([.9, .8, .6]),
    ...                   ["a", "b"], 5)[0]["index"]
    0
    """
    wrong = np.flatnonzero(predicted != y_true)
    order = wrong[np.argsort(-confidence[wrong], kind="stable")][:top]
    return [{"index": int(i), "true": int(y_true[i]), "true_name": names[y_true[i]],
             "predicted": int(predicted[i]), "predicted_name": names[predicted[i]],
             "confidence": float(confidence[i])} for i in order]


def evaluate_classification(x: np.ndarray, y: np.ndarray, probabilities: np.ndarray,
                            out_dir: Path, class_names: Optional[Sequence[str]] = None,
                            top: int = 16) -> dict:
    """Writes `per_class.json`, `confusion_matrix.png`, `confidently_wrong.json` (and
    `confidently_wrong.png` when the inputs are images) into `out_dir`.

    Args:
        x: the split's inputs (used for the image grid).
        y: sparse or one-hot labels.
        probabilities: the model's outputs (softmax, or one sigmoid).
        out_dir: where the files go (created).
        class_names: display names; default `"0"`, `"1"`, ...
        top: how many confidently wrong examples to keep.

    Returns:
        The per-class report (`per_class_report`) with `confusion_matrix` and
        `confidently_wrong` added.
    """
    y_true = class_labels(y)
    predicted, confidence = predicted_classes(probabilities)
    k = max(int(np.asarray(probabilities).shape[-1]), 2, int(y_true.max()) + 1)
    names = class_names_for(k, class_names)
    matrix = confusion_matrix(y_true, predicted, k)
    report = per_class_report(matrix, names)
    report["confusion_matrix"] = matrix.tolist()
    wrong = confidently_wrong(y_true, predicted, confidence, names, top)
    report["confidently_wrong"] = wrong
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json_atomic(out_dir / "per_class.json", {
        k2: v for k2, v in report.items() if k2 != "confidently_wrong"})
    write_json_atomic(out_dir / "confidently_wrong.json", wrong)
    save_png(confusion_matrix_image(matrix, names, f"confusion matrix ({len(y_true)} "
                                                   "examples)"), out_dir / "confusion_matrix.png")
    if wrong and np.asarray(x).ndim >= 3:
        captions = [f"#{w['index']} {w['true_name']}->{w['predicted_name']} "
                    f"{w['confidence']:.2f}" for w in wrong]
        save_png(input_grid(np.asarray(x)[[w["index"] for w in wrong]], captions,
                            "most confidently wrong (true->predicted, confidence)"),
                 out_dir / "confidently_wrong.png")
    return report
