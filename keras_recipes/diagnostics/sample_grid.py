"""A grid of sample inputs with their labels (PNG), so misaligned labels are visible.

Images `(h, w)` / `(h, w, c)` are drawn as images; a flat vector whose length
is a square of at least 16 (e.g. digits' 64 pixels) as a square image; any
other input (tabular rows, token sequences) as a one-row heatmap.

Example:

>>> import numpy as np
>>> write_sample_grid(np.random.rand(8, 8, 8, 1), np.arange(8) % 3, "samples.png",
...                   class_names=("a", "b", "c"))  # doctest: +SKIP
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Optional, Sequence

import numpy as np


def as_picture(example: np.ndarray) -> tuple[np.ndarray, bool]:
    """`(array to draw, is_image)` for one example."""
    x = np.asarray(example, np.float64)
    if x.ndim == 3 and x.shape[-1] in (1, 3, 4):
        if x.shape[-1] == 1:
            return x[..., 0], True
        low, high = x.min(), x.max()
        return (x[..., :3] - low) / (high - low or 1.0), True
    if x.ndim == 2:
        return x, True
    flat = x.reshape(-1)
    side = math.isqrt(flat.size)
    if side * side == flat.size and side >= 4:
        return flat.reshape(side, side), True
    return flat[None, :], False


def label_text(label, class_names: Optional[Sequence[str]]) -> str:
    value = np.asarray(label)
    if value.ndim == 0 and np.issubdtype(value.dtype, np.integer):
        index = int(value)
        if class_names and 0 <= index < len(class_names) and class_names[index] != str(index):
            return f"{index}: {class_names[index]}"
        return str(index)
    return np.array2string(value, precision=3, separator=",")


def write_sample_grid(x: np.ndarray, y: np.ndarray, path: str | Path,
                      class_names: Optional[Sequence[str]] = None, count: int = 25,
                      title: str = "training samples and their labels") -> Path:
    """Draws the first `count` examples with their labels as titles; returns `path`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    count = min(count, len(x))
    columns = min(5, count) or 1
    rows = max(1, math.ceil(count / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(2.0 * columns, 2.1 * rows), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= count:
            continue
        picture, is_image = as_picture(x[index])
        ax.imshow(picture, cmap="gray" if picture.ndim == 2 else None,
                  aspect="equal" if is_image else "auto", interpolation="nearest")
        ax.set_title(f"y={label_text(y[index], class_names)}", fontsize=9)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return Path(path)
