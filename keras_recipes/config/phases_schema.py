"""The recipe's `training.phases`: freeze/unfreeze schedule for fine-tuning (no TensorFlow).

Example (train the new head for 3 epochs, then the top 2 backbone blocks too at a
tenth of the learning rate, with a one-epoch warmup):

```yaml
training:
  phases:
    - {epochs: 3, train: head}
    - {epochs: 7, train: {last_blocks: 2}, learning_rate_multiplier: 0.1,
       warmup: {epochs: 1}}
```
"""

from __future__ import annotations

import re
from typing import Literal, Optional, Union

from pydantic import Field, field_validator, model_validator

from keras_recipes.config.schedule_schema import Duration
from keras_recipes.config.sections import FieldProblems, Section


class TrainPart(Section):
    """What a phase trains besides the head: the last K backbone blocks, or the backbone
    layers whose name matches a regular expression."""

    last_blocks: Optional[int] = Field(None, ge=1, description="The head plus the last K "
                                       "backbone blocks (see docs/FINETUNING.md for blocks).")
    pattern: Optional[str] = Field(None, description="The head plus every backbone layer "
                                   "whose name matches this regular expression (re.search).")

    @model_validator(mode="after")
    def _one_of(self) -> "TrainPart":
        given = [k for k in ("last_blocks", "pattern") if getattr(self, k) is not None]
        if len(given) != 1:
            raise FieldProblems([("", f"{given or 'nothing'} -> exactly one of last_blocks, "
                                      "pattern")])
        return self

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value):
        if value is not None:
            try:
                re.compile(value)
            except re.error as err:
                raise ValueError(f"{value!r} is not a regular expression ({err})") from None
        return value


class Phase(Section):
    """One fine-tuning phase: what trains, for how long, at which LR."""

    epochs: int = Field(ge=1, description="Epochs of this phase.")
    train: Union[Literal["all", "head"], TrainPart] = Field(
        "all", description="`head` (backbone frozen), `all`, {last_blocks: K} or "
        "{pattern: REGEX}; everything else is frozen (inference-mode batch norm).")
    learning_rate_multiplier: float = Field(
        1.0, gt=0.0, description="Multiplies the schedule in this phase (0.1: a tenth).")
    warmup: Optional[Duration] = Field(
        None, description="This phase's warmup (fractions are of the phase); default: the "
        "schedule's own `warmup`, restarted in every phase. `0` for none.")
    batch_norm: Literal["frozen", "train"] = Field(
        "frozen", description="Batch norm in the trained backbone part: `frozen` keeps it in "
        "inference mode with its statistics, scale and offset fixed (the Keras fine-tuning "
        "advice); `train` trains it like any layer.")


def phases_problems(phases, epochs: int, epochs_given: bool) -> list[tuple[str, str]]:
    """The cross-field problems of `training.phases` against `training.epochs`."""
    if not phases:
        return []
    total = sum(phase.epochs for phase in phases)
    if epochs_given and epochs != total:
        return [("epochs", f"{epochs} but the phases add up to {total} epochs -> leave "
                           "training.epochs out (it is their sum), or make them agree")]
    return []


def default_epochs(data):
    """A `before` hook: `training.epochs` defaults to the sum of the phases' epochs."""
    if isinstance(data, dict) and data.get("phases") and "epochs" not in data:
        try:
            data = {**data, "epochs": sum(int(p["epochs"]) for p in data["phases"])}
        except (TypeError, KeyError, ValueError):
            pass  # the phase problems are reported by the phase's own validation
    return data
