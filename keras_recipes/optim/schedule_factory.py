"""From the recipe's `schedule` section to a `LearningRateSchedule` over optimizer updates."""

from __future__ import annotations

from keras_recipes import schedules as S
from keras_recipes.errors import UsageError
from keras_recipes.registry import Registry

SCHEDULE_BUILDERS: Registry = Registry("schedule")


@SCHEDULE_BUILDERS.register("constant")
def _constant(config, peak: float, budget, warmup: int):
    return S.Constant(peak)


@SCHEDULE_BUILDERS.register("step_decay")
def _step_decay(config, peak: float, budget, warmup: int):
    return S.StepDecay(peak, max(1, budget.to_updates(config.step_every)), factor=config.factor)


@SCHEDULE_BUILDERS.register("warmup_cosine")
def _warmup_cosine(config, peak: float, budget, warmup: int):
    return S.WarmupCosine(peak, budget.total_updates, warmup_steps=warmup,
                          warmup_start_lr=peak * config.warmup_start_factor,
                          min_lr=peak * config.min_lr_factor)


@SCHEDULE_BUILDERS.register("warmup_polynomial")
def _warmup_polynomial(config, peak: float, budget, warmup: int):
    return S.WarmupPolynomialDecay(peak, budget.total_updates, warmup_steps=warmup,
                                   warmup_start_lr=peak * config.warmup_start_factor,
                                   end_lr=peak * config.min_lr_factor, power=config.power)


@SCHEDULE_BUILDERS.register("one_cycle")
def _one_cycle(config, peak: float, budget, warmup: int):
    return S.OneCycle(peak, budget.total_updates, pct_start=config.pct_start,
                      div_factor=config.div_factor, final_div_factor=config.final_div_factor,
                      anneal_strategy=config.anneal_strategy, three_phase=config.three_phase)


# Schedules whose own formula contains the warmup; others get a `Warmup` wrapper.
_OWN_WARMUP = {"warmup_cosine", "warmup_polynomial"}


def build_schedule(config, peak_lr: float, budget):
    """Builds the schedule named by `config.name`, counting optimizer updates.

    Durations (`warmup`, `step_every`) given in steps, epochs or fractions of
    training are resolved by `budget` (a `StepBudget`). A warmup on a schedule
    without one of its own (constant, step decay) wraps it in `Warmup`.

    Returns:
        A `keras.optimizers.schedules.LearningRateSchedule`.
    """
    warmup = getattr(config, "warmup", None)  # schedules without a warmup have no such key
    warmup = budget.to_updates(warmup) if warmup is not None else 0
    try:
        schedule = SCHEDULE_BUILDERS.get(config.name)(config, peak_lr, budget, warmup)
        if warmup and config.name not in _OWN_WARMUP:
            schedule = S.Warmup(schedule, warmup, start_factor=config.warmup_start_factor)
    except ValueError as err:
        raise UsageError(f"schedule: {config.name} does not fit this run's step budget "
                         f"({budget.describe()}, warmup {warmup} updates) -> {err}") from None
    return schedule
