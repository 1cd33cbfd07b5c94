"""Training-batch data augmentation declared by the recipe's `data.augment` list.

Names are re-exported lazily, so the CLI can import `augment.preview` for its
parser without importing the recipe schema (`--help` stays fast).
"""

from __future__ import annotations

from keras_recipes._lazy import lazy_exports

_EXPORTS = {
    "Augmenter": "keras_recipes.augment.augmenter",
    "build_augmenter": "keras_recipes.augment.builder",
}

__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
