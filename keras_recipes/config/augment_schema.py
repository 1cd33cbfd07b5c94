"""`data.augment` entries: one class per technique, chosen by `name` (no TensorFlow import).

Each class declares the keys its technique uses with their defaults, plus what the
technique is for (`modalities`, `mixes_labels`; the docstring's first line is its summary). The schema checks an
entry against the data's modality at validate time when the recipe tells it, so an
image flip on tabular data is refused before training; `build_augmenter` checks
again against the real data. A new technique is a class here, registered with
`@AUGMENTS.register`, plus its operation registered in `keras_recipes/augment/`.

Modalities: `image` (height, width, channels), `series` (length, channels),
`tabular` (features,), `tokens` (integer token ids, length).

Example:

>>> AUGMENTS.classes["flip"].modalities
('image',)
>>> modality_of("synthetic", "images", None)
'image'
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Optional

from pydantic import Field, TypeAdapter

from keras_recipes.config.kinds import Kinds, KindSection

AUGMENTS = Kinds("data.augment", "name")

_PROBABILITY = "Chance each example is augmented."


class AugmentBase(KindSection):
    """One training-time augmentation (a `data.augment` list entry)."""

    name: str = Field(description="The technique; selects the keys below.")
    probability: float = Field(1.0, ge=0.0, le=1.0, description=_PROBABILITY)

    modalities: ClassVar[tuple[str, ...]] = ()
    mixes_labels: ClassVar[bool] = False


@AUGMENTS.register
class FlipAugment(AugmentBase):
    """flip (image): mirror the image (horizontal, vertical or both)."""

    name: Literal["flip"] = "flip"
    probability: float = Field(0.5, ge=0.0, le=1.0, description=_PROBABILITY)
    direction: Literal["horizontal", "vertical", "both"] = Field(
        "horizontal", description="Not label-preserving for digits/text.")
    modalities = ("image",)


@AUGMENTS.register
class CropAugment(AugmentBase):
    """crop (image): zero-pad by `padding` pixels, crop a random window of the original size."""

    name: Literal["crop"] = "crop"
    padding: int = Field(4, ge=1, description="Zero padding in pixels (1-2 for 8x8 images).")
    modalities = ("image",)


@AUGMENTS.register
class ColorJitterAugment(AugmentBase):
    """color_jitter (image): random brightness shift, contrast and saturation factors."""

    name: Literal["color_jitter"] = "color_jitter"
    brightness: float = Field(0.2, ge=0.0, description="Max added brightness.")
    contrast: float = Field(0.2, ge=0.0, lt=1.0, description="Factor in [1-c, 1+c].")
    saturation: float = Field(0.2, ge=0.0, lt=1.0, description="Factor in [1-s, 1+s] (a "
                              "no-op unless the image has 3 channels).")
    modalities = ("image",)


@AUGMENTS.register
class RotationAugment(AugmentBase):
    """rotation (image): rotate by a uniform angle in [-degrees, degrees], zero fill."""

    name: Literal["rotation"] = "rotation"
    degrees: float = Field(15.0, gt=0.0, le=180.0, description="Max angle.")
    modalities = ("image",)


@AUGMENTS.register
class MixupAugment(AugmentBase):
    """mixup (image/tabular/series): convex combination of two examples and their labels."""

    name: Literal["mixup"] = "mixup"
    alpha: float = Field(0.2, gt=0.0, description="Beta(alpha, alpha) mixing weight.")
    modalities = ("image", "tabular", "series")
    mixes_labels = True


@AUGMENTS.register
class CutmixAugment(AugmentBase):
    """cutmix (image): paste a random box from another example; labels mixed by area."""

    name: Literal["cutmix"] = "cutmix"
    alpha: float = Field(1.0, gt=0.0, description="Beta(alpha, alpha) mixing weight.")
    modalities = ("image",)
    mixes_labels = True


@AUGMENTS.register
class TokenMaskAugment(AugmentBase):
    """token_mask (tokens): replace each token by `mask_token` with `probability`."""

    name: Literal["token_mask"] = "token_mask"
    probability: float = Field(0.15, ge=0.0, le=1.0, description="Chance each token is masked.")
    mask_token: int = Field(0, ge=0, description="Replacement id.")
    modalities = ("tokens",)


@AUGMENTS.register
class GaussianNoiseAugment(AugmentBase):
    """gaussian_noise (tabular/series): add N(0, std x feature std) noise."""

    name: Literal["gaussian_noise"] = "gaussian_noise"
    std: float = Field(0.05, gt=0.0, description="Noise std as a fraction of each feature's "
                       "std (measured on the batch).")
    modalities = ("tabular", "series")


@AUGMENTS.register
class TimeWarpAugment(AugmentBase):
    """time_warp (series): smooth random stretch of the time axis."""

    name: Literal["time_warp"] = "time_warp"
    probability: float = Field(0.5, ge=0.0, le=1.0, description=_PROBABILITY)
    sigma: float = Field(0.2, gt=0.0, description="Speed variation.")
    knots: int = Field(4, ge=1, description="Interior knots of the smooth speed curve.")
    modalities = ("series",)


@AUGMENTS.register
class MagnitudeScaleAugment(AugmentBase):
    """magnitude_scale (series): multiply each channel by a factor ~ N(1, sigma)."""

    name: Literal["magnitude_scale"] = "magnitude_scale"
    sigma: float = Field(0.1, gt=0.0, description="Factor std.")
    modalities = ("series",)


def augment_config(entry: dict[str, Any]) -> AugmentBase:
    """One validated `data.augment` entry from a mapping, e.g. `{"name": "flip"}`."""
    return _ADAPTER.validate_python(entry)


_ADAPTER = TypeAdapter(AUGMENTS.union())

_RANK_MODALITY = {1: "tabular", 2: "series", 3: "image"}
_KNOWN_SOURCES = {
    ("sklearn", None): "tabular", ("csv", None): "tabular", ("parquet", None): "tabular",
    ("image_folder", None): "image",
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


def modality_problems(configs, modality: Optional[str]) -> list[tuple[str, str]]:
    """`(augment[i].name, message)` for each entry that does not fit `modality`."""
    if modality is None:
        return []
    problems = []
    for i, config in enumerate(configs):
        allowed = type(config).modalities
        if modality not in allowed:
            fitting = [n for n, c in AUGMENTS.classes.items() if modality in c.modalities]
            problems.append((f"augment[{i}].name", (
                f"{config.name!r} -> an augmentation for {' or '.join(allowed)} data; this "
                f"data is {modality} -> one of {', '.join(fitting) or '(none)'}")))
    return problems
