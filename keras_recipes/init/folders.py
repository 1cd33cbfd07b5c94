"""`init` on a folder with one subfolder per class: images or text files.

Example:

>>> profile = profile_folder(Path("flowers"))  # doctest: +SKIP
>>> profile.modality, profile.classes, profile.input_shape  # doctest: +SKIP
('image', ['daisy', 'rose'], [64, 64, 3])
"""

from __future__ import annotations

import statistics
from collections import Counter
from pathlib import Path

from keras_recipes.errors import UsageError
from keras_recipes.init.profile import DataProfile

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
TEXT_SUFFIXES = (".txt",)
SPLIT_FOLDERS = ("train", "val", "validation", "test")
"""Top-level folders that hold the splits (each with class subfolders), as the sources read."""
SAMPLED_FILES = 64
"""Files per folder whose size/length `init` reads (the rest are only counted)."""

MAX_IMAGE_SIZE = 128
"""Larger images are resized down to this side for a first model trained from scratch."""

MAX_SEQUENCE_LENGTH = 256
"""Token sequences (`text_encoding: int`) are cut to at most this length."""

MAX_TOKENS = 20_000
"""Vocabulary size for text (the text source's default)."""


def profile_folder(path: Path) -> DataProfile:
    """Inspects a folder of class subfolders holding images or text files.

    Raises:
        UsageError: no class subfolders, or files that are neither images nor text.
    """
    files, splits = _class_files(path)
    classes = list(files)
    suffixes = Counter(f.suffix.lower() for group in files.values() for f in group)
    images = sum(n for s, n in suffixes.items() if s in IMAGE_SUFFIXES)
    texts = sum(n for s, n in suffixes.items() if s in TEXT_SUFFIXES)
    if len(classes) < 2 or not (images or texts):
        raise UsageError(f"init: {str(path)!r} -> a folder with one subfolder per class "
                         f"holding images ({', '.join(IMAGE_SUFFIXES)}) or text files "
                         f"({', '.join(TEXT_SUFFIXES)}); found {len(classes)} subfolders, "
                         f"{sum(suffixes.values())} files")
    wanted = IMAGE_SUFFIXES if images >= texts else TEXT_SUFFIXES
    files = {name: [f for f in group if f.suffix.lower() in wanted]
             for name, group in files.items()}
    profile = DataProfile("image" if wanted is IMAGE_SUFFIXES else "text", path,
                          {"source": "image_folder" if wanted is IMAGE_SUFFIXES
                           else "text_folder"}, "classification",
                          examples=sum(len(group) for group in files.values()),
                          class_counts={name: len(group) for name, group in files.items()})
    where = f"split folders {', '.join(splits)}, each with" if splits else "in"
    profile.inferred.append(f"{profile.modality} folder: {profile.examples} files {where} "
                            f"{len(classes)} class subfolders: " + ", ".join(
                                f"{c} ({n})" for c, n in list(profile.class_counts.items())[:8])
                            + (" ..." if len(classes) > 8 else ""))
    empty = [name for name, n in profile.class_counts.items() if n == 0]
    if empty:
        profile.checks.append(f"class folder(s) {', '.join(empty)} hold no "
                              f"{profile.modality} files: they cannot be learned")
    others = sum(suffixes.values()) - profile.examples
    if others:
        profile.checks.append(f"{others} other files in the class folders are not read")
    if profile.modality == "image":
        _describe_images(profile, files)
    else:
        _describe_texts(profile, files)
    return profile


def _class_files(path: Path) -> tuple[dict[str, list[Path]], list[str]]:
    """`({class: files}, split folders)`: `path/<class>/...`, or `path/train/<class>/...`
    with `val/` (or `validation/`) and `test/` beside it (the splits then come from there)."""
    def folders(root: Path) -> list[Path]:
        return sorted(d for d in root.iterdir() if d.is_dir() and not d.name.startswith("."))

    top = folders(path)
    names = {d.name for d in top}
    splits = [d for d in top if d.name in SPLIT_FOLDERS] if "train" in names and \
        names <= set(SPLIT_FOLDERS) else []
    files: dict[str, list[Path]] = {}
    for root in splits or [path]:
        for folder in folders(root):
            files.setdefault(folder.name, []).extend(
                sorted(f for f in folder.rglob("*") if f.is_file() and not f.name.startswith(".")))
    return dict(sorted(files.items())), [d.name for d in splits]


def _sample(files: dict[str, list[Path]]) -> list[Path]:
    per_class = max(1, SAMPLED_FILES // max(len(files), 1))
    return [f for group in files.values() for f in group[:per_class]]


def _describe_images(profile: DataProfile, files: dict[str, list[Path]]) -> None:
    from PIL import Image

    sizes, modes, unreadable = [], Counter(), []
    for file in _sample(files):
        try:
            with Image.open(file) as image:
                sizes.append(image.size)
                modes[image.mode] += 1
        except OSError:
            unreadable.append(file.name)
    if not sizes:
        raise UsageError(f"init: none of the sampled images in {profile.path} could be read "
                         f"({', '.join(unreadable[:3])}) -> PNG/JPEG/BMP/GIF files")
    grayscale = set(modes) <= {"L", "1", "I", "I;16"}
    channels = 1 if grayscale else 3
    common = Counter(sizes).most_common(1)[0][0]
    width, height = common
    side = max(width, height)
    if side > MAX_IMAGE_SIZE:
        scale = MAX_IMAGE_SIZE / side
        width, height = max(8, round(width * scale)), max(8, round(height * scale))
    profile.input_shape = [height, width, channels]
    profile.source["image_size"] = [height, width]
    profile.source["color_mode"] = "grayscale" if grayscale else "rgb"
    distinct = len(set(sizes))
    profile.inferred.append(
        f"images: {len(sizes)} sampled, {distinct} distinct size(s), most common "
        f"{common[0]}x{common[1]} (width x height), modes {', '.join(sorted(modes))} -> "
        f"input {height}x{width}x{channels}")
    profile.notes["image_size"] = "every image is resized to [height, width]"
    profile.notes["color_mode"] = "grayscale | rgb | rgba"
    if side > MAX_IMAGE_SIZE:
        profile.checks.append(f"images are resized down to {height}x{width} for a model "
                              "trained from scratch; raise data.image_size if details matter")
    if unreadable:
        profile.checks.append(f"{len(unreadable)} sampled files could not be read: "
                              f"{', '.join(unreadable[:3])}")


def _describe_texts(profile: DataProfile, files: dict[str, list[Path]]) -> None:
    lengths, vocabulary, unreadable = [], set(), []
    for file in _sample(files):
        try:
            words = file.read_text(encoding="utf-8").split()
        except (OSError, UnicodeDecodeError):
            unreadable.append(file.name)
            continue
        lengths.append(len(words))
        vocabulary.update(w.lower() for w in words)
    if not lengths:
        raise UsageError(f"init: none of the sampled text files in {profile.path} could be "
                         f"read as UTF-8 ({', '.join(unreadable[:3])}) -> UTF-8 text files")
    lengths.sort()
    p95 = lengths[min(len(lengths) - 1, int(0.95 * len(lengths)))]
    profile.source["max_tokens"] = MAX_TOKENS
    profile.source["text_encoding"] = "tf_idf"
    profile.source["sequence_length"] = int(min(MAX_SEQUENCE_LENGTH, max(8, p95)))
    profile.inferred.append(
        f"texts: {len(lengths)} sampled, median {statistics.median(lengths):g} words, 95th "
        f"percentile {p95}; {len(vocabulary)} distinct words in the sample")
    profile.notes["max_tokens"] = "vocabulary: the most frequent words of the training split"
    profile.notes["text_encoding"] = "TF-IDF for the MLP baseline; int for a transformer"
    profile.notes["sequence_length"] = "tokens per text with text_encoding int (95th " \
        "percentile of the sample)"
    if p95 > MAX_SEQUENCE_LENGTH:
        profile.checks.append(f"with text_encoding int, texts are cut to "
                              f"{MAX_SEQUENCE_LENGTH} tokens; raise data.sequence_length if "
                              "the end of long texts matters")
    if unreadable:
        profile.checks.append(f"{len(unreadable)} sampled files are not UTF-8 text: "
                              f"{', '.join(unreadable[:3])}")
