import pytest

from keras_recipes.config import validate_dict
from keras_recipes.optim import build_optimizer, build_schedule, scaled_learning_rate
from keras_recipes.training.budget import StepBudget


def _opt(**section):
    return validate_dict({"optimizer": section}).optimizer


def test_playbook_defaults_reach_the_keras_optimizer():
    adam = build_optimizer(_opt(name="adam"), 1e-3)
    assert (adam.beta_1, adam.beta_2, adam.epsilon) == (0.9, 0.999, 1e-8)
    adamw = build_optimizer(_opt(name="adamw"), 1e-3)
    assert adamw.weight_decay == 0.01
    sgd = build_optimizer(_opt(name="sgd", nesterov=True, global_clipnorm=1.0), 0.1)
    assert sgd.momentum == 0.9 and sgd.nesterov and sgd.global_clipnorm == 1.0
    assert float(sgd.learning_rate) == pytest.approx(0.1)


@pytest.mark.parametrize("rule, expected", [("linear", 4e-3), ("sqrt", 2e-3), ("none", 1e-3)])
def test_lr_scaling_rule(rule, expected):
    lr, factor = scaled_learning_rate(_opt(learning_rate=1e-3, scale_lr=rule), 256, 64)
    assert lr == pytest.approx(expected)


def test_schedule_durations_resolve_to_optimizer_updates():
    budget = StepBudget(batches_per_epoch=20, epochs=10, accumulation=2)
    assert budget.updates_per_epoch == 10 and budget.total_updates == 100
    recipe = validate_dict({"schedule": {"name": "warmup_cosine", "warmup": {"epochs": 1}}})
    schedule = build_schedule(recipe.schedule, 1.0, budget)
    assert schedule.warmup_steps == 10 and schedule.total_steps == 100
    assert float(schedule(10)) == pytest.approx(1.0)
    assert float(schedule(100)) == pytest.approx(0.0, abs=1e-7)
    recipe = validate_dict({"schedule": {"name": "step_decay", "step_every": {"fraction": 0.5}}})
    schedule = build_schedule(recipe.schedule, 1.0, budget)
    assert float(schedule(49)) == pytest.approx(1.0) and float(schedule(50)) == pytest.approx(0.1)
    recipe = validate_dict({"schedule": {"name": "constant", "warmup": {"steps": 4}}})
    schedule = build_schedule(recipe.schedule, 0.5, budget)
    assert float(schedule(0)) == pytest.approx(0.005) and float(schedule(4)) == pytest.approx(0.5)


def test_warmup_longer_than_training_is_a_usage_error():
    from keras_recipes.errors import UsageError

    recipe = validate_dict({"schedule": {"name": "warmup_cosine", "warmup": {"epochs": 20}}})
    with pytest.raises(UsageError, match="step budget"):
        build_schedule(recipe.schedule, 1.0, StepBudget(10, 5))
