"""Training-batch data augmentation declared by the recipe's `data.augment` list.

Names are re-exported lazily, so the CLI can import `augment.preview` for its
parser without importing the recipe schema (`--help` stays fast).
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "Augmenter": "keras_recipes.augment.augmenter",
    "build_augmenter": "keras_recipes.augment.builder",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'keras_recipes.augment' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
