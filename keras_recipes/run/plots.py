"""Training-curve plots (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path


def plot_curves(history: dict[str, list[float]], path: str | Path) -> None:
    """Writes loss and metric curves (train and validation) to a PNG.

    One panel per quantity: `loss`, then each metric; `val_<name>` is drawn
    beside `<name>`. Logged extras such as `learning_rate` get their own panel.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [k for k in history if not k.startswith("val_")]
    names.sort(key=lambda k: (k != "loss", k))
    fig, axes = plt.subplots(1, len(names), figsize=(4.5 * len(names), 3.5), squeeze=False)
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
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
