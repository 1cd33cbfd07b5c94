"""What `find_lr` returns: the recorded curve, a suggestion and warnings."""

from __future__ import annotations

import dataclasses
import os

import numpy as np

FLAGS = ("too_flat", "diverged_early", "too_few_points", "non_finite_losses")


@dataclasses.dataclass
class LRFinderResult:
    """The outcome of a learning-rate range test.

    Attributes:
        lrs: Learning rates, one per recorded step (float64 array).
        losses: Smoothed losses (float64 array; `nan` for a non-finite one).
        raw_losses: Batch losses as logged (float64 array).
        suggestion: `suggest_lr(lrs, losses)`, or `None` if there was none.
        flags: Warnings, a list of strings among:
            - `"too_flat"`: the smoothed loss never fell more than 5% below
              its first value (range too low, or the model does not learn);
            - `"diverged_early"`: the loss diverged (or became non-finite)
              before half of `num_steps` (`start_lr` too high);
            - `"too_few_points"`: fewer than 10 finite points were recorded;
            - `"non_finite_losses"`: some batch loss was `nan` or `inf`.
        stop_reason: Why the test ended: `"completed"`, `"diverged"`,
            `"non_finite"` or `"interrupted"`.
    """

    lrs: np.ndarray
    losses: np.ndarray
    suggestion: float | None
    flags: list[str]
    raw_losses: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros((0,)))
    stop_reason: str | None = None

    def plot(self, path) -> str:
        """Saves the loss-vs-learning-rate curve (log x axis) to an image file.

        Uses Matplotlib's object-oriented API with the Agg canvas, so the
        global pyplot backend is left alone. The suggestion, if any, is
        marked with a vertical line and a dot.

        Args:
            path: Output file; the format follows its extension (`.png`,
                `.svg`, `.pdf`, ...). Parent folders are created.

        Returns:
            The path written, as a string.
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        path = os.fspath(path)
        parent = os.path.dirname(path)
        if parent:
            os.makedirs(parent, exist_ok=True)
        figure = Figure(figsize=(6, 4))
        FigureCanvasAgg(figure)
        ax = figure.add_subplot(1, 1, 1)
        finite = np.isfinite(self.losses)
        ax.plot(self.lrs[finite], self.losses[finite], label="smoothed loss")
        ax.set_xscale("log")
        ax.set_xlabel("learning rate")
        ax.set_ylabel("loss")
        if self.suggestion is not None:
            at = int(np.argmin(np.abs(self.lrs - self.suggestion)))
            ax.axvline(self.suggestion, color="tab:red", linestyle="--", linewidth=1)
            ax.plot([self.suggestion], [self.losses[at]], "o", color="tab:red",
                    label=f"suggestion: {self.suggestion:.2e}")
        title = "Learning-rate range test"
        if self.flags:
            title += " (" + ", ".join(self.flags) + ")"
        ax.set_title(title, fontsize=9)
        ax.legend(loc="best")
        figure.tight_layout()
        figure.savefig(path)
        return path
