"""What each augmentation is for and its defaults: plain data, no TensorFlow import.

The schema (`data.augment`) validates against this table, so a recipe with an
image flip on tabular data fails at `validate` time when the modality is known
from the recipe; `build_augmenter` checks again against the real data.

Modalities: `image` (height, width, channels), `series` (length, channels),
`tabular` (features,), `tokens` (integer token ids, length).

Example:

>>> TECHNIQUES["flip"].modalities
('image',)
>>> modality_of("synthetic", "images", None)
'image'
"""

from __future__ import annotations

import dataclasses
from typing import Any, Optional


@dataclasses.dataclass(frozen=True)
class Technique:
    """One augmentation: the modalities it applies to and its keys with defaults."""

    modalities: tuple[str, ...]
    defaults: dict[str, Any]
    mixes_labels: bool = False
    summary: str = ""


TECHNIQUES: dict[str, Technique] = {
    "flip": Technique(("image",), {"probability": 0.5, "direction": "horizontal"},
                      summary="mirror the image (horizontal, vertical or both)"),
    "crop": Technique(("image",), {"probability": 1.0, "padding": 4},
                      summary="zero-pad by `padding` pixels, crop a random window of the "
                              "original size"),
    "color_jitter": Technique(
        ("image",), {"probability": 1.0, "brightness": 0.2, "contrast": 0.2, "saturation": 0.2},
        summary="random brightness shift, contrast and saturation factors (saturation is a "
                "no-op unless the image has 3 channels)"),
    "rotation": Technique(("image",), {"probability": 1.0, "degrees": 15.0},
                          summary="rotate by a uniform angle in [-degrees, degrees], zero fill"),
    "mixup": Technique(("image", "tabular", "series"), {"probability": 1.0, "alpha": 0.2},
                       mixes_labels=True,
                       summary="convex combination of two examples and of their labels, "
                               "weight ~ Beta(alpha, alpha)"),
    "cutmix": Technique(("image",), {"probability": 1.0, "alpha": 1.0}, mixes_labels=True,
                        summary="paste a random box from another example; labels mixed by "
                                "the pasted area"),
    "token_mask": Technique(("tokens",), {"probability": 0.15, "mask_token": 0},
                            summary="replace each token by `mask_token` with `probability`"),
    "gaussian_noise": Technique(
        ("tabular", "series"), {"probability": 1.0, "std": 0.05},
        summary="add N(0, std x feature std) noise; the feature std is measured on the batch"),
    "time_warp": Technique(("series",), {"probability": 0.5, "sigma": 0.2, "knots": 4},
                           summary="smooth random stretch of the time axis; keeps the length "
                                   "and both endpoints"),
    "magnitude_scale": Technique(("series",), {"probability": 1.0, "sigma": 0.1},
                                 summary="multiply each channel by a factor ~ N(1, sigma)"),
}

NAMES = tuple(TECHNIQUES)
PARAMETERS = sorted({key for t in TECHNIQUES.values() for key in t.defaults})

_RANK_MODALITY = {1: "tabular", 2: "series", 3: "image"}
_KNOWN_SOURCES = {
    ("sklearn", None): "tabular", ("csv", None): "tabular",
    ("synthetic", "classification"): "tabular", ("synthetic", "regression"): "tabular",
    ("synthetic", "images"): "image", ("synthetic", "sequences"): "tokens",
}


def modality_of(source: str, name: Optional[str], input_shape, is_tokens: bool = False
                ) -> Optional[str]:
    """The data modality when the recipe (or a DataSpec) tells it, else None."""
    tokens = is_tokens or (source, name) == ("synthetic", "sequences")
    if input_shape:
        if tokens:
            return "tokens"
        return _RANK_MODALITY.get(len(input_shape), "unsupported")
    key = (source, None if source in ("sklearn", "csv") else name)
    return _KNOWN_SOURCES.get(key)


def mixes_labels(configs) -> bool:
    """True when any entry of `data.augment` mixes labels (mixup, cutmix)."""
    return any(TECHNIQUES[c.name].mixes_labels for c in configs or ())


def modality_problems(configs, modality: Optional[str]) -> list[tuple[str, str]]:
    """`(augment[i].name, message)` for each entry that does not fit `modality`."""
    if modality is None:
        return []
    problems = []
    for i, config in enumerate(configs):
        allowed = TECHNIQUES[config.name].modalities
        if modality not in allowed:
            fitting = [n for n, t in TECHNIQUES.items() if modality in t.modalities]
            problems.append((f"augment[{i}].name", (
                f"{config.name!r} -> an augmentation for {' or '.join(allowed)} data; this "
                f"data is {modality} -> one of {', '.join(fitting) or '(none)'}")))
    return problems
