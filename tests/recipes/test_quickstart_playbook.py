"""The quickstart shows the playbook's defaults (its accuracy target is in test_shipped_recipes)."""

from keras_recipes.config import load_recipe
from tests.helpers import ROOT


def test_quickstart_trains_the_way_the_playbook_recommends():
    recipe = load_recipe(ROOT / "recipes" / "quickstart.yaml")
    assert recipe.optimizer.name == "adamw" and recipe.optimizer.weight_decay > 0
    assert recipe.schedule.name == "warmup_cosine"
    assert recipe.schedule.warmup is not None and recipe.schedule.warmup.epochs > 0
    assert recipe.training.label_smoothing == 0.1
    early = recipe.callbacks.early_stopping
    assert early.enabled and early.monitor == "val_loss" and 5 <= early.patience <= 20
    assert recipe.callbacks.checkpoint.monitor == early.monitor  # the best weights handed back


def test_the_baseline_stays_the_simplest_model():
    recipe = load_recipe(ROOT / "recipes" / "digits_baseline.yaml")
    assert (recipe.model.type, recipe.schedule.name) == ("linear", "constant")
    assert recipe.training.label_smoothing == 0.0
