"""The recipe's `tune` section: one class per `tune.algorithm` (no TensorFlow import).

Every trial is the recipe with the trial's values set, validated and built exactly
like `train`. A new algorithm is a class here, registered with
`@TUNE_ALGORITHMS.register`, plus its keras-tuner oracle in
`keras_recipes/tuning/tuner.py` (`build_oracle`).

Example:

>>> TUNE_ALGORITHMS.classes["hyperband"](space={"model.dropout": {"float": [0, 0.5]}}).factor
3
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import Field, model_validator

from keras_recipes.config.kinds import Kinds, KindSection
from keras_recipes.config.sections import FieldProblems
from keras_recipes.config.tune_space import parse_space
from keras_recipes.monitor import metric_direction

TUNE_ALGORITHMS = Kinds("tune", "algorithm", default="random")


class TuneBase(KindSection):
    """A keras-tuner search over dotted recipe paths (`tune RECIPE`); every trial is the
    recipe with the trial's values set, validated and built exactly like `train`."""

    algorithm: str = Field("random", description="Search algorithm; selects the keys below.")
    objective: str = Field("val_loss", pattern=r"^(val_)?[a-z0-9_]+$", description=(
        "Metric to optimize, evaluated like `train`'s metrics.json: `val_<name>` on the "
        "validation split with the best checkpoint's weights, `<name>` from the last epoch."))
    direction: Literal["auto", "min", "max"] = Field(
        "auto", description="`auto`: min for losses/errors, max for accuracy-like metrics.")
    executions_per_trial: int = Field(
        1, ge=1, description="Trainings per trial (seeds seed, seed+1, ...); the mean counts.")
    seed: Optional[int] = Field(None, ge=0, description="Search seed; default the recipe seed.")
    max_consecutive_failed_trials: int = Field(3, ge=1)
    space: dict[str, dict[str, Any]] = Field(default_factory=dict, description=(
        "Dotted recipe path -> one of `int: [lo, hi]`, `float: [lo, hi]` (`step`, `sampling: "
        "log`), `choice: [...]`, `bool: default`; optional `when: {other.path: value}`."))

    @model_validator(mode="after")
    def _check_shared(self) -> "TuneBase":
        problems = parse_space(self.space)[1]
        if metric_direction(self.objective, self.direction) is None:
            problems.append(("direction", f"'auto' cannot tell for {self.objective!r} -> "
                                          "min or max"))
        if problems:
            raise FieldProblems(problems)
        return self


class CountedSearch(TuneBase):
    """A search with a fixed number of trials."""

    max_trials: int = Field(10, ge=1, description="Trials in total.")


@TUNE_ALGORITHMS.register
class RandomSearch(CountedSearch):
    """Random search: each trial samples the space independently."""

    algorithm: Literal["random"] = "random"


@TUNE_ALGORITHMS.register
class GridSearch(CountedSearch):
    """Grid search over the space (ranges by their `step`)."""

    algorithm: Literal["grid"] = "grid"


@TUNE_ALGORITHMS.register
class BayesianSearch(CountedSearch):
    """Bayesian optimization (Gaussian process) after `initial_points` random trials."""

    algorithm: Literal["bayesian"] = "bayesian"
    initial_points: Optional[int] = Field(
        None, ge=1, description="Random trials before the model guides the search.")


@TUNE_ALGORITHMS.register
class HyperbandSearch(TuneBase):
    """Hyperband: many short trials, the best continued for longer (trial count follows)."""

    algorithm: Literal["hyperband"] = "hyperband"
    max_epochs: Optional[int] = Field(
        None, ge=1, description="Epochs of the longest trial; default training.epochs.")
    factor: int = Field(3, ge=2, description="Reduction factor between rounds.")
