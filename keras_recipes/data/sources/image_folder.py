"""Image folders: `data.source: image_folder`, one subfolder per class, streamed from disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from keras_recipes.data.image_decode import decode_image
from keras_recipes.data.label_counts import IMAGE_SUFFIXES
from keras_recipes.data.preprocessor import Preprocessor
from keras_recipes.data.sources.base import SOURCES, SourceData
from keras_recipes.errors import DataError, UsageError

CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}
SPLIT_FOLDERS = {"train": "train", "val": "val", "validation": "val", "test": "test"}
_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")


def _readable(file: Path) -> bool:
    """True when the file starts like a PNG, JPEG, GIF or BMP image."""
    try:
        with file.open("rb") as handle:
            head = handle.read(4)
    except OSError:
        return False
    return any(head.startswith(m) for m in _MAGIC)


def _class_folders(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def _list_images(folder: Path, skipped: list[Path]) -> list[Path]:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    images = []
    for file in files:
        if file.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        (images if _readable(file) else skipped).append(file)
    return images


def scan_image_folder(path: str):
    """File paths, class names, per-file class ids and splits of an image folder.

    Layout: `path/<class>/<image>` (split by `data.val_split`/`test_split`),
    or `path/train/<class>/...` with `val/` (or `validation/`) and `test/`
    beside it, which are then the splits. Files with an image suffix that do
    not start like a PNG/JPEG/GIF/BMP image are skipped and listed in a
    warning (the documented policy); files of other types are ignored.

    Returns:
        `(paths, labels, class_names, split_or_None, skipped_paths)`.
    """
    root = Path(path).expanduser()
    if not root.is_dir():
        raise UsageError(f"data.path: {path!r} -> an existing folder with one subfolder per "
                         "class")
    top = _class_folders(root)
    presplit = bool(top) and all(p.name.lower() in SPLIT_FOLDERS for p in top) and \
        any(p.name.lower() == "train" for p in top)
    groups = [(SPLIT_FOLDERS[p.name.lower()], p) for p in top] if presplit else [(None, root)]
    names = sorted({c.name for _, folder in groups for c in _class_folders(folder)})
    if not names:
        raise UsageError(f"data.path: {path!r} has no class subfolders -> one subfolder of "
                         "images per class, e.g. cat/1.png, dog/2.png")
    paths, labels, splits, skipped = [], [], [], []
    for split, folder in groups:
        for class_folder in _class_folders(folder):
            images = _list_images(class_folder, skipped)
            paths += [str(f) for f in images]
            labels += [names.index(class_folder.name)] * len(images)
            splits += [split] * len(images)
    if not paths:
        raise UsageError(f"data.path: {path!r} has no images -> files ending in "
                         f"{', '.join(IMAGE_SUFFIXES)} in its class subfolders")
    split = np.array(splits) if presplit else None
    return np.array(paths), np.array(labels, np.int32), tuple(names), split, skipped


class ImagePreprocessor(Preprocessor):
    """Raw pixel values (0-255, input `"image"`, `[H, W, C]`) -> `Rescaling(1/255)`.

    Example:

    >>> pre = ImagePreprocessor((8, 8, 1))
    >>> float(pre(np.full((1, 8, 8, 1), 255.0, np.float32))[0, 0, 0, 0])
    1.0
    """

    def __init__(self, shape):
        import keras

        self.shape = tuple(int(d) for d in shape)
        self.layer = keras.layers.Rescaling(1.0 / 255, name="rescale")

    def raw_inputs(self):
        import keras

        return keras.Input(shape=self.shape, dtype="float32", name="image")

    def __call__(self, raw):
        import keras

        return self.layer(keras.ops.cast(raw, "float32"))


def image_decoder(height: int, width: int, channels: int):
    """`(path, label) -> (uint8 image [H, W, C], label)` for `tf.data` (see `decode_image`)."""

    def decode(path, label):
        return decode_image(path, (height, width), channels), label

    return decode


@SOURCES.register("image_folder")
def load_image_folder(config, seed: int) -> SourceData:
    """`data.path` with one subfolder of images per class (or `train/`, `val/`,
    `test/` subfolders holding those); `data.image_size: [H, W]`,
    `data.color_mode: grayscale | rgb | rgba`. Images are decoded and resized
    in `tf.data` (cached in memory when they fit, else streamed every epoch)."""
    import warnings

    paths, labels, names, split, skipped = scan_image_folder(config.path)
    if skipped:
        shown = ", ".join(str(p) for p in skipped[:5])
        more = f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
        warnings.warn(f"data.path: skipped {len(skipped)} unreadable image file(s) (not a "
                      f"PNG/JPEG/GIF/BMP by content): {shown}{more}", stacklevel=2)
    height, width = (int(v) for v in (getattr(config, "image_size", None) or (64, 64)))
    channels = CHANNELS[getattr(config, "color_mode", None) or "rgb"]
    shape = (height, width, channels)
    if not len(paths):
        raise DataError(f"data.path: {config.path!r}: every image file is unreadable")
    return SourceData(
        x=paths, y=labels, task="classification", num_classes=len(names), class_names=names,
        split=split, transform=image_decoder(height, width, channels),
        example_bytes=height * width * channels,
        fit_preprocessor=lambda train, text: ImagePreprocessor(shape))
