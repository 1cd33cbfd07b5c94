"""The recipe's `optimizer` section: one class per `optimizer.name` (no TensorFlow import).

`OptimizerBase` holds what every optimizer takes (learning rate, weight decay,
clipping, the batch-size LR rule); each class adds its own keys with the
playbook's defaults. A new optimizer is a class here, registered with
`@OPTIMIZERS.register`, plus `OPTIMIZERS.register(name)` on the Keras class in
`keras_recipes/optim/optimizers.py`.

Example:

>>> OPTIMIZERS.classes["sgd"]().learning_rate
0.1
"""

from __future__ import annotations

import re
from typing import Literal, Optional

from pydantic import Field, model_validator

from keras_recipes.config.kinds import Kinds, KindSection
from keras_recipes.config.sections import FieldProblems

OPTIMIZERS = Kinds("optimizer", "name", default="adam")

# What `optimizer.decay_exclude` may name, besides `path:TEXT`.
DECAY_EXCLUDE_KINDS = ("bias", "norm", "embedding")
_KINDS = ", ".join(map(repr, DECAY_EXCLUDE_KINDS))
_LR = "Peak/base LR (the schedule's peak)."
_DECAY = "Decoupled weight decay."


class OptimizerBase(KindSection):
    """Optimizer with the playbook's defaults per `name`."""

    name: str = Field("adam", description="The optimizer; selects the keys below.")
    learning_rate: float = Field(1e-3, gt=0.0, description=_LR)
    weight_decay: Optional[float] = Field(None, ge=0.0, description=_DECAY)
    decay_exclude: list[str] = Field(
        default_factory=lambda: ["bias", "norm"], description="Variables weight decay "
        "skips (only with weight_decay > 0): `bias`, `norm` (batch/layer/group/RMS-norm "
        "scales and offsets), `embedding` (token and position embeddings), `path:TEXT` "
        "(variables whose path contains TEXT); `[]` decays every variable.")
    clipnorm: Optional[float] = Field(None, gt=0.0, description="Clip each gradient's norm.")
    global_clipnorm: Optional[float] = Field(
        None, gt=0.0, description="Clip the global gradient norm (1.0 is a common choice).")
    clipvalue: Optional[float] = Field(None, gt=0.0)
    scale_lr: Literal["linear", "sqrt", "none"] = Field(
        "linear", description="LR scaling rule applied when the global batch differs from "
        "`reference_batch_size`.")
    reference_batch_size: Optional[int] = Field(
        None, ge=1, description="Batch size the LR was tuned for; default data.batch_size.")
    layer_decay: Optional[float] = Field(
        None, gt=0.0, le=1.0, description="Layer-wise LR decay: a block at depth d from the "
        "head (head 0, last backbone block 1, ...) trains at LR x layer_decay**d (0.8 is "
        "common; blocks as in docs/FINETUNING.md).")
    lr_multipliers: dict[str, float] = Field(
        default_factory=dict, description="LR multiplier by group: `head`, `backbone`, or a "
        "regular expression on layer names (first match wins), e.g. {backbone: 0.1}; times "
        "layer_decay. Exact for every optimizer (the update is scaled, not the gradient).")

    @model_validator(mode="after")
    def _check_shared(self) -> "OptimizerBase":
        problems = []
        clips = [k for k in ("clipnorm", "global_clipnorm", "clipvalue") if getattr(self, k)]
        if len(clips) > 1:
            problems.append((clips[1], f"given together with {clips[0]} -> only one of "
                                       "clipnorm, global_clipnorm, clipvalue"))
        problems += self._decay_exclude_problems()
        problems += _multiplier_problems(self.lr_multipliers)
        if problems:
            raise FieldProblems(problems)
        return self

    def _decay_exclude_problems(self) -> list[tuple[str, str]]:
        from keras_recipes.registry import did_you_mean

        problems = [("decay_exclude", f"{item!r} -> one of {_KINDS}, 'path:TEXT'"
                                      f"{did_you_mean(item, DECAY_EXCLUDE_KINDS)}")
                    for item in self.decay_exclude
                    if item not in DECAY_EXCLUDE_KINDS and not re.fullmatch(r"path:.+", item)]
        default = type(self).model_fields["decay_exclude"].get_default(call_default_factory=True)
        if not self.weight_decay and self.decay_exclude != default:
            problems.append(("decay_exclude", f"{self.decay_exclude!r} -> only used with "
                             f"weight decay on (here optimizer.weight_decay is "
                             f"{self.weight_decay} for name '{self.name}'; set weight_decay > 0)"))
        return problems


def _multiplier_problems(multipliers: dict) -> list[tuple[str, str]]:
    problems = []
    for key, value in multipliers.items():
        if not value >= 0.0:
            problems.append((f"lr_multipliers.{key}", f"{value} -> a number >= 0"))
        if key not in ("head", "backbone"):
            try:
                re.compile(key)
            except re.error as err:
                problems.append((f"lr_multipliers.{key}", f"not 'head', 'backbone' or a "
                                                          f"regular expression ({err})"))
    return problems


@OPTIMIZERS.register
class AdamOptimizer(OptimizerBase):
    """Adam."""

    name: Literal["adam"] = "adam"
    beta_1: float = Field(0.9, ge=0.0, lt=1.0)
    beta_2: float = Field(0.999, ge=0.0, lt=1.0)
    epsilon: float = Field(1e-8, gt=0.0)


@OPTIMIZERS.register
class AdamwOptimizer(AdamOptimizer):
    """AdamW: Adam with decoupled weight decay."""

    name: Literal["adamw"] = "adamw"  # type: ignore[assignment]
    weight_decay: Optional[float] = Field(0.01, ge=0.0, description=_DECAY)


@OPTIMIZERS.register
class SgdOptimizer(OptimizerBase):
    """SGD with (Nesterov) momentum."""

    name: Literal["sgd"] = "sgd"
    learning_rate: float = Field(0.1, gt=0.0, description=_LR)
    momentum: float = Field(0.9, ge=0.0, lt=1.0)
    nesterov: bool = False


@OPTIMIZERS.register
class LionOptimizer(OptimizerBase):
    """Lion (sign updates: about 3-10x lower LR than Adam)."""

    name: Literal["lion"] = "lion"
    learning_rate: float = Field(1e-4, gt=0.0, description=_LR)
    weight_decay: Optional[float] = Field(0.01, ge=0.0, description=_DECAY)
    beta_1: float = Field(0.9, ge=0.0, lt=1.0)
    beta_2: float = Field(0.99, ge=0.0, lt=1.0)


@OPTIMIZERS.register
class RmspropOptimizer(OptimizerBase):
    """RMSprop."""

    name: Literal["rmsprop"] = "rmsprop"
    momentum: float = Field(0.0, ge=0.0, lt=1.0)
    epsilon: float = Field(1e-7, gt=0.0)
