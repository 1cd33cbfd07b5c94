"""The recipe's `schedule` section: one class per `schedule.name` (no TensorFlow import).

`optimizer.learning_rate` is the schedule's peak/base value. Schedules that take
a linear warmup derive from `WarmupSchedule`. A new schedule is a class here,
registered with `@SCHEDULES.register`, plus its builder registered under the same
name in `keras_recipes/optim/schedule_factory.py`.

Example:

>>> SCHEDULES.classes["one_cycle"]().pct_start
0.3
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field, model_validator

from keras_recipes.config.kinds import Kinds, KindSection
from keras_recipes.config.sections import FieldProblems, Section

SCHEDULES = Kinds("schedule", "name", default="constant")


class Duration(Section):
    """A span of training in exactly one unit: steps, epochs or a fraction of training.

    A bare whole number is a step count: `warmup: 100` is `warmup: {steps: 100}`.
    """

    steps: Optional[int] = Field(None, ge=0)
    epochs: Optional[float] = Field(None, ge=0.0)
    fraction: Optional[float] = Field(None, ge=0.0, le=1.0)

    @model_validator(mode="before")
    @classmethod
    def _bare_steps(cls, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return {"steps": value}
        if isinstance(value, float):
            raise ValueError(f"a whole number of steps, or {{epochs: {value:g}}} or "
                             f"{{fraction: {value:g}}}")
        return value

    @model_validator(mode="after")
    def _one_unit(self) -> "Duration":
        given = [k for k in ("steps", "epochs", "fraction") if getattr(self, k) is not None]
        if len(given) != 1:
            raise FieldProblems([("", f"{given or 'nothing'} -> exactly one of steps, epochs, "
                                      "fraction")])
        return self


class ScheduleBase(KindSection):
    """The learning-rate schedule; `optimizer.learning_rate` is its peak/base value."""

    name: str = Field("constant", description="The schedule; selects the keys below.")


class WarmupSchedule(ScheduleBase):
    """A schedule that takes a linear warmup."""

    warmup: Optional[Duration] = Field(None, description="Linear warmup before the schedule.")
    warmup_start_factor: float = Field(0.01, gt=0.0, le=1.0,
                                       description="Warmup starts at this fraction of the peak.")


@SCHEDULES.register
class ConstantSchedule(WarmupSchedule):
    """The peak LR throughout (after the optional warmup)."""

    name: Literal["constant"] = "constant"


@SCHEDULES.register
class StepDecaySchedule(WarmupSchedule):
    """Multiply the LR by `factor` every `step_every`."""

    name: Literal["step_decay"] = "step_decay"
    step_every: Duration = Field(description="Interval, e.g. {epochs: 10}.")
    factor: float = Field(0.1, gt=0.0, lt=1.0, description="Multiplier per interval.")


@SCHEDULES.register
class WarmupCosineSchedule(WarmupSchedule):
    """Linear warmup, then cosine decay to `min_lr_factor` x peak at the end of training."""

    name: Literal["warmup_cosine"] = "warmup_cosine"
    min_lr_factor: float = Field(0.0, ge=0.0, le=1.0,
                                 description="Final LR as a fraction of the peak.")


@SCHEDULES.register
class OneCycleSchedule(ScheduleBase):
    """One cycle (Smith): rise to the peak over `pct_start`, then anneal far below it."""

    name: Literal["one_cycle"] = "one_cycle"
    pct_start: float = Field(0.3, gt=0.0, lt=1.0, description="Rising fraction of training.")
    div_factor: float = Field(25.0, gt=0.0, description="max_lr / initial LR.")
    final_div_factor: float = Field(1e4, gt=0.0, description="initial / final LR.")
    anneal_strategy: Literal["cos", "linear"] = "cos"
    three_phase: bool = False
    cycle_momentum: bool = Field(True, description="Cycle momentum/beta_1 inversely.")

    @model_validator(mode="after")
    def _three_phase_start(self) -> "OneCycleSchedule":
        if self.three_phase and self.pct_start >= 0.5:
            raise FieldProblems([("pct_start", f"{self.pct_start} -> below 0.5 with "
                                               "three_phase")])
        return self


@SCHEDULES.register
class WarmupPolynomialSchedule(WarmupSchedule):
    """Linear warmup, then polynomial decay to `min_lr_factor` x peak."""

    name: Literal["warmup_polynomial"] = "warmup_polynomial"
    min_lr_factor: float = Field(0.0, ge=0.0, le=1.0,
                                 description="Final LR as a fraction of the peak.")
    power: float = Field(1.0, gt=0.0, description="Decay exponent.")
