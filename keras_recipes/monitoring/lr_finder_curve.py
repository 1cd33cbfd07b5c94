"""The LR range test's curve in TensorBoard."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from keras_recipes.monitoring.summary_dir import SummaryDir


def write_lr_finder_curve(result, logdir: str | Path, run: str = "lr_finder") -> Path:
    """Writes an `LRFinderResult` into TensorBoard run `<logdir>/<run>`.

    - scalars `lr_finder/loss` (smoothed) and `lr_finder/learning_rate` at
      steps 0, 1, ... (TensorBoard has no log-x axis, so the LR is a curve of
      its own);
    - image `lr_finder/curve`: the loss-vs-LR plot with the suggestion;
    - text `lr_finder/suggestion`: the suggested LR and the flags.

    Example:

    >>> result = find_lr(model, dataset, num_steps=100)  # doctest: +SKIP
    >>> write_lr_finder_curve(result, "runs")  # doctest: +SKIP

    Returns:
        The run folder written.
    """
    from matplotlib.image import imread

    summaries = SummaryDir(logdir)
    for step, (lr, loss) in enumerate(zip(result.lrs, result.losses)):
        if math.isfinite(loss):
            summaries.scalars({"lr_finder/loss": loss, "lr_finder/learning_rate": lr}, step,
                              run=run)
    with tempfile.TemporaryDirectory() as folder:
        image = imread(result.plot(Path(folder) / "curve.png"))
    summaries.image("lr_finder/curve", (image[..., :3] * 255).round(), 0, run=run)
    suggestion = "none" if result.suggestion is None else f"{result.suggestion:.3g}"
    summaries.text("lr_finder/suggestion", f"suggested learning rate: **{suggestion}**; flags: "
                   f"{', '.join(result.flags) or 'none'}; stop: {result.stop_reason}", run=run)
    summaries.close()
    return Path(logdir) / run
