"""Matplotlib figures rendered off-screen to RGB arrays (for TensorBoard) or PNG files.

Uses the object-oriented API with the Agg canvas, so the global pyplot
backend is left alone.

Example:

>>> import numpy as np
>>> image = confusion_matrix_image(np.array([[3, 1], [0, 4]]), ["cat", "dog"])
>>> image.dtype, image.shape[-1]
(dtype('uint8'), 3)
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Optional, Sequence

import numpy as np


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure


def _to_array(figure) -> np.ndarray:
    figure.tight_layout()
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[..., :3].copy()


def save_png(image: np.ndarray, path: str | Path) -> Path:
    """Writes an RGB uint8 array as a PNG and returns the path."""
    from matplotlib.image import imsave

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    imsave(path, image)
    return path


def confusion_matrix_image(matrix: np.ndarray, names: Sequence[str],
                           title: str = "confusion matrix") -> np.ndarray:
    """Rows true, columns predicted; cells coloured by row share, labelled with counts."""
    matrix = np.asarray(matrix)
    k = len(names)
    side = min(12.0, 2.5 + 0.45 * k)
    figure = _figure(side, side)
    ax = figure.add_subplot(1, 1, 1)
    rows = matrix.sum(axis=1, keepdims=True)
    share = np.divide(matrix, rows, out=np.zeros(matrix.shape), where=rows > 0)
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(k), labels=names, rotation=90 if k > 10 else 0, fontsize=8)
    ax.set_yticks(range(k), labels=names, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title, fontsize=9)
    if k <= 30:
        for (i, j), count in np.ndenumerate(matrix):
            if count:
                ax.text(j, i, str(int(count)), ha="center", va="center", fontsize=7,
                        color="white" if share[i, j] > 0.5 else "black")
    return _to_array(figure)


def input_grid(x: np.ndarray, captions: Sequence[str], title: str = "") -> np.ndarray:
    """A grid of inputs with a caption each.

    Inputs of rank >= 2 per example (`H x W` or `H x W x C`) are drawn as
    images, each rescaled to its own min..max; vectors and token sequences are
    drawn as one heat-map row per example.
    """
    x = np.asarray(x, np.float32)
    if x.ndim >= 3:
        return _image_grid(x, captions, title)
    return _row_heatmap(x.reshape(len(x), -1), captions, title)


def _image_grid(x: np.ndarray, captions: Sequence[str], title: str) -> np.ndarray:
    columns = min(8, len(x))
    rows = math.ceil(len(x) / columns)
    figure = _figure(1.4 * columns, 1.5 * rows + (0.3 if title else 0))
    for i, (image, caption) in enumerate(zip(x, captions)):
        ax = figure.add_subplot(rows, columns, i + 1)
        if image.ndim == 3 and image.shape[-1] not in (3, 4):
            image = image[..., 0]
        low, high = float(image.min()), float(image.max())
        image = (image - low) / (high - low) if high > low else np.zeros_like(image)
        ax.imshow(image, cmap="gray" if image.ndim == 2 else None)
        ax.set_title(caption, fontsize=7)
        ax.axis("off")
    if title:
        figure.suptitle(title, fontsize=9)
    return _to_array(figure)


def _row_heatmap(x: np.ndarray, captions: Sequence[str], title: str) -> np.ndarray:
    figure = _figure(min(12.0, 3 + 0.12 * x.shape[1]), 1 + 0.3 * len(x))
    ax = figure.add_subplot(1, 1, 1)
    ax.imshow(x, aspect="auto", cmap="viridis", interpolation="nearest")
    ax.set_yticks(range(len(x)), labels=list(captions), fontsize=7)
    ax.set_xlabel("feature")
    ax.set_title(title or "inputs (one row per example)", fontsize=9)
    return _to_array(figure)


def predicted_vs_true_image(y_true: np.ndarray, y_pred: np.ndarray,
                            title: Optional[str] = None) -> np.ndarray:
    """Scatter of predictions against targets (all outputs pooled) with the y = x line."""
    y_true, y_pred = np.ravel(y_true), np.ravel(y_pred)
    figure = _figure(5, 5)
    ax = figure.add_subplot(1, 1, 1)
    ax.scatter(y_true, y_pred, s=8, alpha=0.6)
    low = float(min(y_true.min(), y_pred.min()))
    high = float(max(y_true.max(), y_pred.max()))
    ax.plot([low, high], [low, high], color="tab:red", linewidth=1, label="y = x")
    ax.set_xlabel("true")
    ax.set_ylabel("predicted")
    ax.set_title(title or "predicted vs true", fontsize=9)
    ax.legend(loc="best")
    return _to_array(figure)
