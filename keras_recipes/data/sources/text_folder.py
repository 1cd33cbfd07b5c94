"""Text folders: `data.source: text_folder`, one subfolder of `.txt` files per class."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from keras_recipes.data.sources.base import SOURCES, SourceData
from keras_recipes.errors import DataError, UsageError


def read_text_folder(path: str):
    """Texts, class ids and class names of `path/<class>/*.txt` (UTF-8; one example per file).

    Raises:
        UsageError: no folder, no class subfolders or no `.txt` files.
        DataError: a file that is not UTF-8 text (named by path).
    """
    root = Path(path).expanduser()
    if not root.is_dir():
        raise UsageError(f"data.path: {path!r} -> an existing folder with one subfolder of "
                         ".txt files per class")
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    texts, labels = [], []
    for index, folder in enumerate(folders):
        for file in sorted(folder.rglob("*.txt")):
            try:
                texts.append(file.read_text(encoding="utf-8"))
            except UnicodeDecodeError as err:
                raise DataError(f"{file}: not UTF-8 text ({err.reason} at byte {err.start}) "
                                "-> save it as UTF-8 or remove it") from None
            labels.append(index)
    if not texts:
        raise UsageError(f"data.path: {path!r} has no .txt files in class subfolders -> "
                         "e.g. pos/1.txt, neg/2.txt")
    return np.array(texts, dtype=object).astype(str), np.array(labels, np.int32), \
        tuple(p.name for p in folders)


@SOURCES.register("text_folder")
def load_text_folder(config, seed: int) -> SourceData:
    """`data.path/<class>/*.txt`: raw strings, vectorized by a `TextVectorization`
    adapted on the training split (token ids for a transformer, TF-IDF otherwise)."""
    from keras_recipes.data.text_preprocessor import TextPreprocessor

    texts, labels, names = read_text_folder(config.path)
    return SourceData(x=texts, y=labels, task="classification", num_classes=len(names),
                      class_names=names,
                      fit_preprocessor=lambda train, options: TextPreprocessor(train, options))
