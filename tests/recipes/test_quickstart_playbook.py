"""The quickstart shows the playbook's defaults (its accuracy target is in test_shipped_recipes)."""

import pytest

from keras_recipes.config import load_recipe
from keras_recipes.optim.schedule_factory import build_schedule
from keras_recipes.training.budget import StepBudget
from tests.helpers import ROOT


def test_quickstart_trains_the_way_the_playbook_recommends():
    recipe = load_recipe(ROOT / "recipes" / "quickstart.yaml")
    assert recipe.optimizer.name == "adamw" and recipe.optimizer.weight_decay > 0
    assert recipe.schedule.name == "warmup_cosine"
    assert recipe.schedule.warmup is not None and recipe.schedule.warmup.fraction == 0.05
    assert recipe.training.label_smoothing == 0.1
    early = recipe.callbacks.early_stopping
    assert early.enabled and early.monitor == "val_loss" and 5 <= early.patience <= 20
    assert recipe.callbacks.checkpoint.monitor == early.monitor  # the best weights handed back


def test_the_baseline_stays_the_simplest_model():
    recipe = load_recipe(ROOT / "recipes" / "digits_baseline.yaml")
    assert (recipe.model.type, recipe.schedule.name) == ("linear", "constant")
    assert recipe.training.label_smoothing == 0.0


@pytest.mark.parametrize("epochs, warmup", [(1, 1), (2, 2), (40, 40)])
def test_quickstart_schedule_fits_short_runs(epochs, warmup):
    """`train quickstart --set training.epochs=1` must work: the warmup scales with the run."""
    recipe = load_recipe(ROOT / "recipes" / "quickstart.yaml", [f"training.epochs={epochs}"])
    budget = StepBudget.for_examples(1257, recipe.data.batch_size, epochs)  # digits' train split
    assert budget.to_updates(recipe.schedule.warmup) == warmup
    schedule = build_schedule(recipe.schedule, recipe.optimizer.learning_rate, budget)
    peak = recipe.optimizer.learning_rate
    assert float(schedule(0)) < peak
    assert float(schedule(warmup)) == pytest.approx(peak, rel=1e-3)
    assert float(schedule(budget.total_updates)) < 0.01 * peak
