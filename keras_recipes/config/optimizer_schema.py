"""The learning-rate sections of a recipe: `optimizer` and `schedule` (no TensorFlow import)."""

from __future__ import annotations

import re
from typing import Any, Literal, Optional

from pydantic import Field, model_validator

from keras_recipes.config.sections import FieldProblems, Section, _only_for, _raise_if

OPTIMIZERS = ("adam", "adamw", "sgd", "lion", "rmsprop")
SCHEDULES = ("constant", "step_decay", "warmup_cosine", "one_cycle", "warmup_polynomial")


# ---------------------------------------------------------------- optimizer
# name: (learning_rate, extra defaults) from the playbook.
OPTIMIZER_DEFAULTS: dict[str, dict[str, Any]] = {
    "adam": {"learning_rate": 1e-3, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8},
    "adamw": {"learning_rate": 1e-3, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8,
              "weight_decay": 0.01},
    "sgd": {"learning_rate": 0.1, "momentum": 0.9},
    "lion": {"learning_rate": 1e-4, "beta_1": 0.9, "beta_2": 0.99, "weight_decay": 0.01},
    "rmsprop": {"learning_rate": 1e-3, "momentum": 0.0, "epsilon": 1e-7},
}
_OPTIMIZER_KEYS = {
    "beta_1": ("adam", "adamw", "lion"), "beta_2": ("adam", "adamw", "lion"),
    "epsilon": ("adam", "adamw", "rmsprop"), "momentum": ("sgd", "rmsprop"),
    "nesterov": ("sgd",),
}
# What `optimizer.decay_exclude` may name, besides `path:TEXT`.
DECAY_EXCLUDE_KINDS = ("bias", "norm", "embedding")
_KINDS = ", ".join(map(repr, DECAY_EXCLUDE_KINDS))


class OptimizerConfig(Section):
    """Optimizer with the playbook's defaults (filled per `name`)."""

    name: Literal[OPTIMIZERS] = "adam"
    learning_rate: Optional[float] = Field(
        None, gt=0.0, description="Peak/base LR; default adam/adamw/rmsprop 1e-3, sgd 0.1, "
        "lion 1e-4.")
    weight_decay: Optional[float] = Field(
        None, ge=0.0, description="Decoupled weight decay; default 0.01 for adamw and lion.")
    decay_exclude: list[str] = Field(
        default_factory=lambda: ["bias", "norm"], description="Variables weight decay "
        "skips (only with weight_decay > 0): `bias`, `norm` (batch/layer/group/RMS-norm "
        "scales and offsets), `embedding` (token and position embeddings), `path:TEXT` "
        "(variables whose path contains TEXT); `[]` decays every variable.")
    beta_1: Optional[float] = Field(None, ge=0.0, lt=1.0)
    beta_2: Optional[float] = Field(None, ge=0.0, lt=1.0)
    epsilon: Optional[float] = Field(None, gt=0.0)
    momentum: Optional[float] = Field(None, ge=0.0, lt=1.0)
    nesterov: bool = False
    clipnorm: Optional[float] = Field(None, gt=0.0, description="Clip each gradient's norm.")
    global_clipnorm: Optional[float] = Field(
        None, gt=0.0, description="Clip the global gradient norm (1.0 is a common choice).")
    clipvalue: Optional[float] = Field(None, gt=0.0)
    scale_lr: Literal["linear", "sqrt", "none"] = Field(
        "linear", description="LR scaling rule applied when the global batch differs from "
        "`reference_batch_size`.")
    reference_batch_size: Optional[int] = Field(
        None, ge=1, description="Batch size the LR was tuned for; default data.batch_size.")

    @model_validator(mode="after")
    def _fill_and_check(self) -> "OptimizerConfig":
        problems = _only_for(self, "name", self.name, _OPTIMIZER_KEYS)
        clips = [k for k in ("clipnorm", "global_clipnorm", "clipvalue") if getattr(self, k)]
        if len(clips) > 1:
            problems.append((clips[1], f"given together with {clips[0]} -> only one of "
                                       "clipnorm, global_clipnorm, clipvalue"))
        problems += self._decay_exclude_problems()
        _raise_if(problems)
        for key, value in OPTIMIZER_DEFAULTS[self.name].items():
            if getattr(self, key) is None:
                self.__dict__[key] = value
        return self

    def _decay_exclude_problems(self) -> list[tuple[str, str]]:
        from keras_recipes.registry import did_you_mean

        problems = [("decay_exclude", f"{item!r} -> one of {_KINDS}, 'path:TEXT'"
                                      f"{did_you_mean(item, DECAY_EXCLUDE_KINDS)}")
                    for item in self.decay_exclude
                    if item not in DECAY_EXCLUDE_KINDS and not re.fullmatch(r"path:.+", item)]
        decay = self.weight_decay
        if decay is None:
            decay = OPTIMIZER_DEFAULTS[self.name].get("weight_decay")
        default = type(self).model_fields["decay_exclude"].get_default(call_default_factory=True)
        if not decay and self.decay_exclude != default:
            problems.append(("decay_exclude", f"{self.decay_exclude!r} -> only used with "
                             f"weight decay on (here optimizer.weight_decay is {decay} for "
                             f"name '{self.name}'; set weight_decay > 0)"))
        return problems


# ----------------------------------------------------------------- schedule
class Duration(Section):
    """A span of training in exactly one unit: steps, epochs or a fraction of training."""

    steps: Optional[int] = Field(None, ge=0)
    epochs: Optional[float] = Field(None, ge=0.0)
    fraction: Optional[float] = Field(None, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _one_unit(self) -> "Duration":
        given = [k for k in ("steps", "epochs", "fraction") if getattr(self, k) is not None]
        if len(given) != 1:
            raise FieldProblems([("", f"{given or 'nothing'} -> exactly one of steps, epochs, "
                                      "fraction")])
        return self


_WARMUP_SCHEDULES = ("constant", "step_decay", "warmup_cosine", "warmup_polynomial")


class ScheduleConfig(Section):
    """The learning-rate schedule; `optimizer.learning_rate` is its peak/base value."""

    name: Literal[SCHEDULES] = "constant"
    warmup: Optional[Duration] = Field(None, description="Linear warmup before the schedule.")
    warmup_start_factor: float = Field(0.01, gt=0.0, le=1.0,
                                       description="Warmup starts at this fraction of the peak.")
    min_lr_factor: float = Field(0.0, ge=0.0, le=1.0,
                                 description="Final LR as a fraction of the peak (cosine/poly).")
    power: float = Field(1.0, gt=0.0, description="warmup_polynomial: decay exponent.")
    step_every: Optional[Duration] = Field(None, description="step_decay: interval.")
    factor: float = Field(0.1, gt=0.0, lt=1.0, description="step_decay: multiplier.")
    pct_start: float = Field(0.3, gt=0.0, lt=1.0, description="one_cycle: rising fraction.")
    div_factor: float = Field(25.0, gt=0.0, description="one_cycle: max_lr / initial LR.")
    final_div_factor: float = Field(1e4, gt=0.0, description="one_cycle: initial / final LR.")
    anneal_strategy: Literal["cos", "linear"] = "cos"
    three_phase: bool = False
    cycle_momentum: bool = Field(True, description="one_cycle: cycle momentum/beta_1 inversely.")

    @model_validator(mode="after")
    def _check(self) -> "ScheduleConfig":
        problems = _only_for(self, "name", self.name, {
            "step_every": ("step_decay",), "factor": ("step_decay",),
            "power": ("warmup_polynomial",),
            "min_lr_factor": ("warmup_cosine", "warmup_polynomial"),
            "pct_start": ("one_cycle",), "div_factor": ("one_cycle",),
            "final_div_factor": ("one_cycle",), "anneal_strategy": ("one_cycle",),
            "three_phase": ("one_cycle",), "cycle_momentum": ("one_cycle",),
            "warmup": _WARMUP_SCHEDULES, "warmup_start_factor": _WARMUP_SCHEDULES,
        })
        if self.name == "one_cycle" and self.three_phase and self.pct_start >= 0.5:
            problems.append(("pct_start", f"{self.pct_start} -> below 0.5 with three_phase"))
        if self.name == "step_decay" and self.step_every is None:
            problems.append(("step_every", "missing -> e.g. {epochs: 10}"))
        _raise_if(problems)
        return self
