"""Examples per class read cheaply from the files a recipe names (no TensorFlow), for `lint`."""

from __future__ import annotations

import collections
import csv
from pathlib import Path
from typing import Optional

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp")
"""The files the image-folder source reads (`sources.image_folder` uses this tuple)."""

MAX_ROWS = 1_000_000
"""A CSV target column is counted over at most this many rows."""


def _folder_counts(root: Path, suffixes: tuple[str, ...]) -> dict[str, int]:
    classes = [p for p in sorted(root.iterdir()) if p.is_dir() and not p.name.startswith(".")]
    if classes and all(p.name.lower() in ("train", "val", "validation", "test") for p in classes):
        classes = [p for p in sorted((root / "train").iterdir()) if p.is_dir()] \
            if (root / "train").is_dir() else []
    return {p.name: sum(1 for f in p.rglob("*") if f.suffix.lower() in suffixes)
            for p in classes}


def _csv_counts(file: Path, target: Optional[str]) -> Optional[dict[str, int]]:
    with file.open(newline="", encoding="utf-8-sig") as handle:
        first = handle.readline()
        handle.seek(0)
        reader = csv.reader(handle, delimiter=max(",;\t", key=first.count))
        header = [h.strip() for h in next(reader, [])]
        name = target or (header[-1] if header else None)
        if name not in header:
            return None
        column = header.index(name)
        counts: collections.Counter = collections.Counter()
        for i, row in enumerate(reader):
            if i >= MAX_ROWS:
                break
            if len(row) == len(header):
                counts[row[column].strip()] += 1
    if len(counts) > 100 or not counts:
        return None  # a regression target, not classes
    return dict(counts)


def label_counts(config) -> Optional[dict[str, int]]:
    """`{class: examples}` for csv, image_folder and text_folder sources; None when the
    files are missing, the source is another kind, or the target looks continuous.

    Example:

    >>> label_counts(recipe.data)  # doctest: +SKIP
    {'<=50K': 3000, '>50K': 1000}
    """
    path = getattr(config, "path", None)
    if not path:
        return None
    root = Path(path).expanduser()
    try:
        if config.source == "csv" and root.is_file():
            return _csv_counts(root, getattr(config, "target", None))
        if config.source == "image_folder" and root.is_dir():
            return _folder_counts(root, IMAGE_SUFFIXES) or None
        if config.source == "text_folder" and root.is_dir():
            return _folder_counts(root, (".txt",)) or None
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    return None


def imbalance(counts: Optional[dict[str, int]]) -> float:
    """Largest over smallest class count (1.0 when unknown or a single class)."""
    present = [n for n in (counts or {}).values() if n > 0]
    return max(present) / min(present) if len(present) > 1 else 1.0
