"""Per-class precision, recall, F1 and support from a confusion matrix (NumPy only)."""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np


def confusion_matrix(y_true, y_pred, num_classes: int) -> np.ndarray:
    """Counts `[true, predicted]` pairs into a `num_classes x num_classes` int64 matrix.

    Example:

    >>> confusion_matrix([0, 1, 1], [0, 1, 0], 2).tolist()
    [[1, 0], [1, 1]]
    """
    y_true = np.asarray(y_true, np.int64).ravel()
    y_pred = np.asarray(y_pred, np.int64).ravel()
    flat = np.bincount(y_true * num_classes + y_pred, minlength=num_classes * num_classes)
    return flat[: num_classes * num_classes].reshape(num_classes, num_classes)


def class_names_for(num_classes: int, names: Optional[Sequence[str]] = None) -> list[str]:
    """Display names: the given ones, else `"0"`, `"1"`, ..."""
    if names and len(names) == num_classes:
        return [str(n) for n in names]
    return [str(i) for i in range(num_classes)]


def per_class_report(matrix: np.ndarray, names: Optional[Sequence[str]] = None) -> dict:
    """Precision, recall, F1 and support per class, with macro and weighted averages.

    Same definitions as scikit-learn's `classification_report` with
    `zero_division=0`: a class never predicted has precision 0, a class with
    no examples has recall 0.

        precision = TP / (TP + FP),  recall = TP / (TP + FN)
        f1 = 2 * precision * recall / (precision + recall)

    Example:

    >>> report = per_class_report(confusion_matrix([0, 1, 1], [0, 1, 0], 2))
    >>> report["classes"]["1"]["recall"], report["accuracy"]
    (0.5, 0.6666666666666666)

    Returns:
        `{"classes": {name: {precision, recall, f1, support}}, "macro avg": {...},
        "weighted avg": {...}, "accuracy": float, "support": int}`.
    """
    matrix = np.asarray(matrix, np.float64)
    tp = np.diag(matrix)
    support = matrix.sum(axis=1)
    predicted = matrix.sum(axis=0)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, support, out=np.zeros_like(tp), where=support > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros_like(tp), where=both > 0)
    total = support.sum()
    classes = {
        name: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
        for name, p, r, f, s in zip(class_names_for(len(tp), names), precision, recall, f1,
                                    support)}
    weights = support / total if total else np.zeros_like(support)
    return {
        "classes": classes,
        "macro avg": {"precision": float(precision.mean()), "recall": float(recall.mean()),
                      "f1": float(f1.mean()), "support": int(total)},
        "weighted avg": {"precision": float(weights @ precision),
                         "recall": float(weights @ recall), "f1": float(weights @ f1),
                         "support": int(total)},
        "accuracy": float(tp.sum() / total) if total else 0.0,
        "support": int(total),
    }


def format_report(report: dict) -> str:
    """The report as a fixed-width table (one row per class, then the averages)."""
    rows = list(report["classes"].items()) + [
        (key, report[key]) for key in ("macro avg", "weighted avg")]
    width = max(12, *(len(name) for name, _ in rows))
    lines = [f"{'':>{width}}  precision  recall      f1  support"]
    for i, (name, row) in enumerate(rows):
        if i == len(report["classes"]):
            lines.append(f"{'accuracy':>{width}}  {'':>9}  {'':>6}  {report['accuracy']:6.4f}"
                         f"  {report['support']:7d}")
        lines.append(f"{name:>{width}}  {row['precision']:9.4f}  {row['recall']:6.4f}  "
                     f"{row['f1']:6.4f}  {row['support']:7d}")
    return "\n".join(lines)
