"""One `data.augment` entry: a technique and the keys it uses (defaults per technique)."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field, model_serializer, model_validator

from keras_recipes.augment.catalog import NAMES as AUGMENT_NAMES
from keras_recipes.augment.catalog import TECHNIQUES as AUGMENT_TECHNIQUES
from keras_recipes.config.sections import Section, _only_for, _raise_if


class AugmentConfig(Section):
    """One training-time augmentation (`data.augment` list entry); keys not used by `name` are refused."""

    name: Literal[AUGMENT_NAMES] = Field(description="; ".join(
        f"`{n}` ({'/'.join(t.modalities)}): {t.summary}" for n, t in AUGMENT_TECHNIQUES.items()))
    probability: Optional[float] = Field(
        None, ge=0.0, le=1.0, description="Chance each example is augmented (token_mask: each "
        "token is masked); default 0.5 flip and time_warp, 0.15 token_mask, else 1.")
    direction: Optional[Literal["horizontal", "vertical", "both"]] = Field(
        None, description="flip: default horizontal (not label-preserving for digits/text).")
    padding: Optional[int] = Field(None, ge=1, description="crop: zero padding in pixels, "
                                   "default 4 (1-2 for 8x8 images).")
    brightness: Optional[float] = Field(None, ge=0.0, description="color_jitter: max "
                                        "added brightness, default 0.2.")
    contrast: Optional[float] = Field(None, ge=0.0, lt=1.0, description="color_jitter: "
                                      "factor in [1-c, 1+c], default 0.2.")
    saturation: Optional[float] = Field(None, ge=0.0, lt=1.0, description="color_jitter: "
                                        "factor in [1-s, 1+s], default 0.2 (RGB only).")
    degrees: Optional[float] = Field(None, gt=0.0, le=180.0,
                                     description="rotation: max angle, default 15.")
    alpha: Optional[float] = Field(None, gt=0.0, description="mixup/cutmix: Beta(alpha, "
                                   "alpha) mixing weight; default 0.2 mixup, 1.0 cutmix.")
    mask_token: Optional[int] = Field(None, ge=0, description="token_mask: replacement id, "
                                      "default 0.")
    std: Optional[float] = Field(None, gt=0.0, description="gaussian_noise: noise std as a "
                                 "fraction of each feature's std, default 0.05.")
    sigma: Optional[float] = Field(None, gt=0.0, description="time_warp: speed variation, "
                                   "default 0.2; magnitude_scale: factor std, default 0.1.")
    knots: Optional[int] = Field(None, ge=1, description="time_warp: interior knots of the "
                                 "smooth speed curve, default 4.")

    @model_validator(mode="after")
    def _fill_and_check(self) -> "AugmentConfig":
        defaults = AUGMENT_TECHNIQUES[self.name].defaults
        users = {key: tuple(n for n, t in AUGMENT_TECHNIQUES.items() if key in t.defaults)
                 for key in type(self).model_fields if key != "name"}
        _raise_if(_only_for(self, "name", self.name, users))
        for key, value in defaults.items():
            if getattr(self, key) is None:
                self.__dict__[key] = value
        return self

    @model_serializer(mode="wrap")
    def _without_unused_keys(self, handler):
        """The resolved recipe lists only the keys this technique uses."""
        return {k: v for k, v in handler(self).items() if v is not None}
