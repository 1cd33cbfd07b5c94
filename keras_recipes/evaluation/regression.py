"""Regression evaluation: residual statistics and a predicted-vs-true plot."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from keras_recipes.monitoring.figures import predicted_vs_true_image, save_png
from keras_recipes.run import write_json_atomic


def residual_stats(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """Statistics of `residual = predicted - true`, all outputs pooled.

    Example:

    >>> residual_stats(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 4.0]))["mae"]
    0.3333333333333333
    """
    y_true = np.asarray(y_true, np.float64).reshape(len(y_true), -1)
    y_pred = np.asarray(y_pred, np.float64).reshape(y_true.shape)
    residual = y_pred - y_true
    spread = ((y_true - y_true.mean(axis=0)) ** 2).sum()
    return {
        "count": int(len(y_true)),
        "mean": float(residual.mean()), "std": float(residual.std()),
        "mae": float(np.abs(residual).mean()), "rmse": float(np.sqrt((residual ** 2).mean())),
        "max_abs": float(np.abs(residual).max()),
        "median_abs": float(np.median(np.abs(residual))),
        "r2": float(1 - (residual ** 2).sum() / spread) if spread > 0 else 0.0,
    }


def evaluate_regression(y: np.ndarray, predictions: np.ndarray, out_dir: Path) -> dict:
    """Writes `residuals.json` and `predicted_vs_true.png` into `out_dir`; returns the stats."""
    stats = residual_stats(y, predictions)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json_atomic(out_dir / "residuals.json", stats)
    save_png(predicted_vs_true_image(y, predictions, f"predicted vs true (R2 {stats['r2']:.3f})"),
             out_dir / "predicted_vs_true.png")
    return stats


def format_residuals(stats: dict) -> str:
    """One line per statistic."""
    return "\n".join(f"{name:>10}  {value:.6g}" for name, value in stats.items())
