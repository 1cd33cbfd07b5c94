"""`preview RECIPE --out grid.png`: training examples next to their augmented versions.

Images: a grid, originals in the first row and one row per augmented draw.
Time series: one panel per example, the original and the augmented lines.
Tabular data and token sequences: a table (printed, and drawn into the PNG).
The examples are the recipe's first training batch before augmentation (as
the model would see them after `data.normalize`); draw `k` uses the stateless
seed `[recipe seed, k]`, the way the pipeline seeds a batch.

Example:

>>> python -m keras_recipes preview recipes/digits_cnn_augment.yaml --out grid.png
"""

from __future__ import annotations

from pathlib import Path

from keras_recipes.errors import UsageError


def preview(recipe, out: str | Path, count: int = 8, draws: int = 2) -> str:
    """Writes the preview figure for `recipe` to `out`; returns a one-line description.

    Raises:
        UsageError: the recipe has no `data.augment` entries.
    """
    if not recipe.data.augment:
        raise UsageError("data.augment: [] -> add augmentations to preview, e.g. "
                         "[{name: crop, padding: 1}]")
    import numpy as np
    import tensorflow as tf

    from keras_recipes.augment.builder import build_augmenter, spec_modality
    from keras_recipes.data import build_data

    plain = recipe.data.model_copy(update={"augment": [], "batch_size": count})
    data = build_data(plain, recipe.seed)
    x, y = next(iter(data.train))
    augmenter = build_augmenter(recipe.data.augment, data.spec)
    augmented = [augmenter(x, y, tf.constant([recipe.seed, k], tf.int64)) for k in range(draws)]
    modality = spec_modality(data.spec)
    names = data.spec.class_names
    rows = [(np.asarray(x), [_label(v, names) for v in np.asarray(y)])]
    rows += [(np.asarray(ax), [_label(v, names) for v in np.asarray(ay)]) for ax, ay in augmented]
    draw = {"image": _image_grid, "series": _series_panels}.get(modality, _table)
    text = draw(rows, Path(out))
    if text:
        print(text)
    return f"preview: {len(x)} {modality} examples x {draws} augmented draws -> {out}"


def _label(value, names) -> str:
    """A class id, or the two largest classes of a one-hot / mixed label."""
    import numpy as np

    value = np.asarray(value)
    if value.ndim == 0:
        return names[int(value)] if names and value.dtype.kind in "iu" else f"{value:.3g}"
    top = np.argsort(value)[::-1][:2]
    parts = [f"{names[i] if names else i}:{value[i]:.2f}" for i in top if value[i] > 0.005]
    return " ".join(parts)


def _figure(rows: int, cols: int, size: float = 1.6):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(rows, cols, figsize=(size * cols, size * rows + 0.3), squeeze=False)
    return plt, fig, axes


def _save(plt, fig, out: Path) -> None:
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def _image_grid(rows, out: Path) -> str:
    count = len(rows[0][0])
    low = min(float(r[0].min()) for r in rows)
    high = max(float(r[0].max()) for r in rows)
    plt, fig, axes = _figure(len(rows), count)
    for r, (images, labels) in enumerate(rows):
        for c in range(count):
            image = (images[c] - low) / max(high - low, 1e-12)
            ax = axes[r][c]
            ax.imshow(image[..., 0] if image.shape[-1] == 1 else image[..., :3],
                      cmap="gray", vmin=0, vmax=1)
            ax.set_title(labels[c], fontsize=7)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[r][0].set_ylabel("original" if r == 0 else f"augmented {r}", fontsize=8)
    _save(plt, fig, out)
    return ""


def _series_panels(rows, out: Path) -> str:
    count = len(rows[0][0])
    plt, fig, axes = _figure(1, count, size=2.6)
    for c in range(count):
        ax = axes[0][c]
        for r, (series, labels) in enumerate(rows):
            name = "original" if r == 0 else f"augmented {r}"
            ax.plot(series[c][:, 0], lw=1.5 if r == 0 else 1, alpha=1 if r == 0 else 0.7,
                    label=f"{name} ({labels[c]})")
        ax.legend(fontsize=6)
        ax.set_title(f"example {c} (channel 0)", fontsize=8)
    _save(plt, fig, out)
    return ""


def _table(rows, out: Path) -> str:
    """Rows `example / version / label / first values`, as text and as a PNG."""
    lines = [f"{'example':>7}  {'version':<11}  {'label':<14}  values"]
    for c in range(len(rows[0][0])):
        for r, (values, labels) in enumerate(rows):
            shown = values[c].reshape(-1)[:12]
            cells = " ".join(f"{v:d}" if values.dtype.kind in "iu" else f"{v:+.2f}"
                             for v in shown)
            more = " ..." if values[c].size > len(shown) else ""
            lines.append(f"{c if r == 0 else '':>7}  "
                         f"{'original' if r == 0 else f'augmented {r}':<11}  "
                         f"{labels[c]:<14}  {cells}{more}")
    text = "\n".join(lines)
    plt, fig, axes = _figure(1, 1)
    fig.set_size_inches(11, 0.18 * len(lines) + 0.5)
    axes[0][0].axis("off")
    axes[0][0].text(0, 1, text, family="monospace", fontsize=7, va="top")
    _save(plt, fig, out)
    return text


def add_parser(commands, add_common) -> None:
    """Registers `preview` on the CLI's subcommands (no TensorFlow import)."""
    parser = commands.add_parser(
        "preview", help="write a figure of training examples next to their augmented versions")
    parser.add_argument("recipe", help="recipe YAML file with data.augment entries")
    parser.add_argument("--out", default="augment_preview.png",
                        help="PNG to write (default augment_preview.png)")
    parser.add_argument("--count", type=int, default=8, help="examples shown (default 8)")
    parser.add_argument("--draws", type=int, default=2,
                        help="augmented versions of each example (default 2)")
    add_common(parser)


def preview_command(args) -> int:
    """The CLI's `preview` command (TensorFlow is imported only here)."""
    from keras_recipes.config import load_recipe
    from keras_recipes.runtime import quiet_tensorflow_logs

    for flag, value in (("--count", args.count), ("--draws", args.draws)):
        if value < 1:
            raise UsageError(f"{flag}: {value} -> at least 1")
    out = Path(args.out)
    if not out.parent.exists():
        raise UsageError(f"--out: {str(out)!r} -> a file in an existing folder")
    recipe = load_recipe(args.recipe, args.overrides)
    quiet_tensorflow_logs()
    print(preview(recipe, out, args.count, args.draws))
    return 0
