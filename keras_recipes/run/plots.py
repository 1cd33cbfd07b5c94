"""Training-curve plots (matplotlib's Agg canvas: no display, no pyplot state)."""

from __future__ import annotations

from pathlib import Path

_PANEL = (4.5, 3.5)  # inches per panel
_MARGINS = {"left": 0.75, "right": 0.15, "bottom": 0.55, "top": 0.35}  # inches


def plot_curves(history: dict[str, list[float]], path: str | Path) -> None:
    """Writes loss and metric curves (train and validation) to a PNG.

    One panel per quantity: `loss`, then each metric; `val_<name>` is drawn
    beside `<name>`. Logged extras such as `learning_rate` get their own panel.
    The margins are fixed (no layout pass: one draw per run).

    Example:

    >>> plot_curves({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}, "curves.png")  # doctest: +SKIP
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    names = [k for k in history if not k.startswith("val_")]
    names.sort(key=lambda k: (k != "loss", k))
    width, height = _PANEL[0] * len(names), _PANEL[1]
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    fig.subplots_adjust(left=_MARGINS["left"] / width, right=1 - _MARGINS["right"] / width,
                        bottom=_MARGINS["bottom"] / height, top=1 - _MARGINS["top"] / height,
                        wspace=0.3)
    axes = fig.subplots(1, len(names), squeeze=False)
    for ax, name in zip(axes[0], names):
        epochs = range(1, len(history[name]) + 1)
        ax.plot(epochs, history[name], label=f"train {name}")
        if f"val_{name}" in history:
            ax.plot(epochs, history[f"val_{name}"], label=f"val {name}")
        if name == "learning_rate":
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.savefig(path, dpi=100)
