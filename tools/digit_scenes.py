"""Writes a 10-class folder of 32x32 RGB PNGs for the real-size image benchmarks (offline, seeded).

Each image is one of scikit-learn's bundled 8x8 digits, upscaled to a random
size (16-28 px), placed at a random position, in a random colour, blended
over a random 32x32 window of scikit-learn's bundled photographs
(`china.jpg`, `flower.jpg`; `sklearn.datasets.load_sample_images`) that is
itself randomly rescaled and flipped. The label is the digit's class; the
folder names are the digits as words (`zero` ... `nine`).

The source digits are split first (stratified 70/10/20, seed 42), so
`train/`, `val/` and `test/` are drawn from disjoint handwritten digits: the
test accuracy measures generalization to unseen writers' digits, not to new
crops of digits seen in training. `data.source: image_folder` takes these
subfolders as its splits.

The output is generated data, not committed: the default folder
(`tools/data/`) is git-ignored.

Usage:

    python tools/digit_scenes.py                       # 20,000 / 2,000 / 2,000
    python tools/digit_scenes.py --train 2000 --out /tmp/scenes
    python tools/digit_scenes.py --transfer            # the fine-tuning pair (two .npz)

`--transfer` writes the fine-tuning demonstration's pair instead
(`write_transfer`): `scenes_0to4.npz`, 5,000 scenes of digits 0-4 (the
pretraining task), and `scenes_5to9.npz`, 160 scenes of each digit 5-9, every
one over a different handwritten digit (so no two examples of the target
share a source digit, and its train/val/test splits share no writer's digit).

Example:

    >>> write_scenes(Path("/tmp/scenes"), train=200, val=20, test=20)  # doctest: +SKIP
    PosixPath('/tmp/scenes/digit_scenes_32')
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
SIZE = 32
SEED = 42
DEFAULT_OUT = Path(__file__).resolve().parent / "data"


def _backgrounds() -> list[np.ndarray]:
    """The two bundled photographs, plus half-size copies (coarser texture)."""
    from PIL import Image
    from sklearn.datasets import load_sample_images

    photos = list(load_sample_images().images)
    halves = [np.asarray(Image.fromarray(p).resize((p.shape[1] // 2, p.shape[0] // 2),
                                                   Image.BILINEAR)) for p in photos]
    return photos + halves


def _digit_mask(digit: np.ndarray, size: int) -> np.ndarray:
    """An 8x8 digit (0-16) as a [size, size] opacity in [0, 1], bilinear."""
    from PIL import Image

    image = Image.fromarray(np.round(digit * (255.0 / 16.0)).astype(np.uint8), mode="L")
    return np.asarray(image.resize((size, size), Image.BILINEAR), np.float32) / 255.0


def scene(digit: np.ndarray, photos: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """One 32x32x3 uint8 image: `digit` in a random colour over a random photo window."""
    photo = photos[rng.integers(len(photos))]
    top = rng.integers(photo.shape[0] - SIZE + 1)
    left = rng.integers(photo.shape[1] - SIZE + 1)
    background = photo[top:top + SIZE, left:left + SIZE].astype(np.float32)
    if rng.random() < 0.5:
        background = background[:, ::-1]
    size = int(rng.integers(16, 29))
    mask = np.zeros((SIZE, SIZE), np.float32)
    y, x = rng.integers(0, SIZE - size + 1, size=2)
    mask[y:y + size, x:x + size] = _digit_mask(digit, size)
    colour = rng.uniform(0, 255, size=3).astype(np.float32)
    # Keep the digit visible: push its colour away from the window's mean colour.
    mean = background.reshape(-1, 3).mean(0)
    if np.abs(colour - mean).mean() < 60:
        colour = np.where(mean > 127, colour * 0.3, 255 - (255 - colour) * 0.3)
    image = background * (1 - mask[..., None]) + colour * mask[..., None]
    return np.clip(np.round(image), 0, 255).astype(np.uint8)


def split_digits(seed: int = SEED):
    """sklearn digits split 70/10/20, stratified: `{split: (images, labels)}`."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    idx = np.arange(len(digits.target))
    rest, test = train_test_split(idx, test_size=0.2, random_state=seed, stratify=digits.target)
    train, val = train_test_split(rest, test_size=0.125, random_state=seed,
                                  stratify=digits.target[rest])
    return {name: (digits.images[i], digits.target[i])
            for name, i in (("train", train), ("val", val), ("test", test))}


def write_scenes(out: Path = DEFAULT_OUT, train: int = 20000, val: int = 2000,
                 test: int = 2000, seed: int = SEED) -> Path:
    """Writes `out/digit_scenes_32/{train,val,test}/<word>/NNNNN.png`; returns that folder.

    An existing folder with the same counts is kept (a stamp file records them).
    """
    from PIL import Image

    root = Path(out) / "digit_scenes_32"
    stamp = root / "COUNTS"
    wanted = f"train={train} val={val} test={test} seed={seed}\n"
    if stamp.exists() and stamp.read_text() == wanted:
        return root
    rng = np.random.default_rng(seed)
    photos = _backgrounds()
    for split, count in (("train", train), ("val", val), ("test", test)):
        images, labels = split_digits(seed)[split]
        for i in range(count):
            pick = rng.integers(len(labels))
            folder = root / split / DIGIT_WORDS[labels[pick]]
            folder.mkdir(parents=True, exist_ok=True)
            Image.fromarray(scene(images[pick], photos, rng)).save(folder / f"{i:05d}.png")
    stamp.write_text(wanted)
    return root


def write_transfer(out: Path = DEFAULT_OUT, source: int = 5000, per_class: int = 160,
                   seed: int = SEED) -> tuple[Path, Path]:
    """Writes `scenes_0to4.npz` (`source` scenes of digits 0-4) and `scenes_5to9.npz`
    (`per_class` scenes of each of 5-9, one per distinct handwritten digit).

    Arrays `x` (uint8, [n, 32, 32, 3]) and `y` (the digit, int64).

    Example:

        >>> write_transfer(Path("/tmp/pair"), source=50, per_class=4)  # doctest: +SKIP
        (PosixPath('/tmp/pair/scenes_0to4.npz'), PosixPath('/tmp/pair/scenes_5to9.npz'))
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    rng = np.random.default_rng(seed)
    photos = _backgrounds()
    low = np.flatnonzero(digits.target < 5)
    picks = rng.choice(low, size=source)
    high = np.concatenate([rng.permutation(np.flatnonzero(digits.target == c))[:per_class]
                           for c in range(5, 10)])
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, index in (("scenes_0to4.npz", picks), ("scenes_5to9.npz", high)):
        x = np.stack([scene(digits.images[i], photos, rng) for i in index])
        paths.append(out / name)
        np.savez_compressed(paths[-1], x=x, y=digits.target[index].astype(np.int64))
    return paths[0], paths[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="output folder (git-ignored "
                        "default: tools/data)")
    parser.add_argument("--train", type=int, default=20000)
    parser.add_argument("--val", type=int, default=2000)
    parser.add_argument("--test", type=int, default=2000)
    parser.add_argument("--transfer", action="store_true", help="write the fine-tuning pair "
                        "scenes_0to4.npz / scenes_5to9.npz into --out instead")
    args = parser.parse_args()
    start = time.perf_counter()
    if args.transfer:
        for path in write_transfer(Path(args.out)):
            print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
        return
    root = write_scenes(Path(args.out), args.train, args.val, args.test)
    print(f"wrote {root} ({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
