"""Writes the offline example data of the "Your own data" recipes (seeded, no downloads).

- `digits_png/<zero..nine>/NNNN.png`: scikit-learn's 1,797 bundled 8x8 digits
  as grayscale PNGs (0-16 scaled to 0-255), class folders named by words
  (`recipes/digits_folder.yaml`);
- `census.csv`: 4,000 census-like rows: two numeric columns (`age`,
  `hours_per_week`), two string categorical ones (`workclass`, `education`),
  5% blank cells in the features, string target `income` (`<=50K`/`>50K`)
  drawn from a logistic model of the features (`recipes/census_csv.yaml`);
- `reviews.csv` (columns `review`, `sentiment`) and `reviews/<negative|positive>/N.txt`
  (the first 1,200):
  3,000 short generated reviews whose sentiment comes from the words they use,
  with neutral filler, negations and 10% flipped labels
  (`recipes/reviews_mlp.yaml`, `recipes/reviews_folder.yaml`).

Usage:

    python tools/own_data.py            # writes recipes/data/
    python tools/own_data.py --out DIR
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

SEED = 0
FOLDER_REVIEWS = 1200
"""The text-folder copy holds the first 1,200 reviews (fewer files to ship)."""
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def write_digits_png(out: Path) -> Path:
    """The sklearn digits as `out/digits_png/<word>/<index>.png`."""
    from PIL import Image
    from sklearn.datasets import load_digits

    digits = load_digits()
    root = out / "digits_png"
    for index, (image, label) in enumerate(zip(digits.images, digits.target)):
        folder = root / DIGIT_WORDS[label]
        folder.mkdir(parents=True, exist_ok=True)
        pixels = np.round(image * (255.0 / 16.0)).astype(np.uint8)
        Image.fromarray(pixels, mode="L").save(folder / f"{index:04d}.png")
    return root


def census_rows(n: int = 4000, seed: int = SEED, blank: float = 0.05):
    """Census-like rows (header first) from a logistic model of the features."""
    rng = np.random.default_rng(seed)
    workclass = np.array(["Private", "Self-emp", "Federal-gov", "Local-gov", "Without-pay"])
    work_effect = np.array([0.0, 0.6, 0.8, 0.3, -2.0])
    education = np.array(["HS-grad", "Some-college", "Bachelors", "Masters", "Doctorate"])
    edu_effect = np.array([-1.0, -0.4, 0.6, 1.2, 1.6])
    w = rng.choice(len(workclass), n, p=[0.6, 0.12, 0.08, 0.15, 0.05])
    e = rng.choice(len(education), n, p=[0.35, 0.25, 0.22, 0.13, 0.05])
    age = np.clip(rng.normal(40, 12, n), 17, 90).round()
    hours = np.clip(rng.normal(40, 10, n), 5, 99).round()
    logit = (work_effect[w] + edu_effect[e] + 0.05 * (age - 40) + 0.06 * (hours - 40)
             - 0.0015 * (age - 45) ** 2 - 0.6)
    income = rng.random(n) < 1 / (1 + np.exp(-2.0 * logit))
    rows = [["age", "workclass", "hours_per_week", "education", "income"]]
    for i in range(n):
        cells = [f"{age[i]:.0f}", workclass[w[i]], f"{hours[i]:.0f}", education[e[i]]]
        cells = ["" if rng.random() < blank else c for c in cells]
        rows.append(cells + [">50K" if income[i] else "<=50K"])
    return rows


POSITIVE = ("great", "excellent", "wonderful", "loved", "superb", "brilliant", "enjoyable",
            "moving", "funny", "charming", "beautiful", "gripping")
NEGATIVE = ("awful", "boring", "terrible", "hated", "dull", "poor", "weak", "messy",
            "tedious", "bland", "clumsy", "annoying")
NEUTRAL = ("the", "film", "movie", "plot", "acting", "story", "was", "and", "a", "with",
           "cast", "scenes", "ending", "music", "director", "really", "quite", "very")


def review_rows(n: int = 3000, seed: int = SEED, flip: float = 0.1):
    """Short reviews (header first): sentiment words, filler, negations, flipped labels."""
    rng = np.random.default_rng(seed)
    rows = [["review", "sentiment"]]
    for _ in range(n):
        positive = rng.random() < 0.5
        own, other = (POSITIVE, NEGATIVE) if positive else (NEGATIVE, POSITIVE)
        words = list(rng.choice(NEUTRAL, rng.integers(4, 10)))
        words += list(rng.choice(own, rng.integers(1, 3)))
        if rng.random() < 0.4:
            words += list(rng.choice(other, 1))
        if rng.random() < 0.15:
            words += ["not", str(rng.choice(other))]
        rng.shuffle(words)
        label = positive if rng.random() >= flip else not positive
        rows.append([" ".join(words).capitalize() + ".", "positive" if label else "negative"])
    return rows


def write_csv(rows, file: Path) -> Path:
    file.parent.mkdir(parents=True, exist_ok=True)
    with file.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return file


def write_text_folder(rows, root: Path) -> Path:
    """`root/<label>/<index>.txt`, one review per file."""
    for index, (text, label) in enumerate(rows[1:]):
        folder = root / label
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{index:04d}.txt").write_text(text + "\n")
    return root


def write_all(out: Path) -> list[Path]:
    reviews = review_rows()
    return [write_digits_png(out), write_csv(census_rows(), out / "census.csv"),
            write_csv(reviews, out / "reviews.csv"),
            write_text_folder(reviews[:1 + FOLDER_REVIEWS], out / "reviews")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="recipes/data",
                        help="output folder (default: recipes/data, beside the recipes)")
    for path in write_all(Path(parser.parse_args().out)):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
