"""Small generated datasets for the `init` tests (seeded, written into tmp_path)."""

from __future__ import annotations

import csv
import random
from pathlib import Path


def write_census(path: Path, rows: int = 120, seed: int = 0) -> Path:
    """A census-like CSV: an id, numbers, string categoricals with gaps, free text, a string target."""
    rng = random.Random(seed)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["person_id", "age", "workclass", "education", "hours", "remote",
                         "comment", "income"])
        for i in range(rows):
            age, hours = rng.randint(18, 80), rng.randint(10, 60)
            writer.writerow([f"p{i:05d}", age, rng.choice(["Private", "State-gov", "Self-emp",
                                                           ""]),
                             rng.choice(["HS-grad", "Bachelors", "Masters"]), hours,
                             rng.choice(["yes", "no"]),
                             rng.choice(["likes long walks outside", "works the night shift",
                                         "no comment at all"]),
                             ">50K" if age + hours + rng.gauss(0, 10) > 80 else "<=50K"])
    return path


def write_images(root: Path, classes=("cat", "dog"), per_class: int = 3,
                 size=(12, 10), mode: str = "RGB") -> Path:
    """`root/<class>/<i>.png` images of `size` (width, height) in `mode`."""
    from PIL import Image

    for index, name in enumerate(classes):
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            color = (40 * index + i) if mode == "L" else (40 * index, 10 * i, 100)
            Image.new(mode, size, color).save(root / name / f"{i}.png")
    return root


def write_texts(root: Path, per_class: int = 4) -> Path:
    """`root/<class>/<i>.txt` with 3 to 3 + per_class words."""
    for name in ("neg", "pos"):
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            (root / name / f"{i}.txt").write_text(" ".join([name] * (3 + i)) + "\n")
    return root
