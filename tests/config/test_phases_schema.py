"""`training.phases` and the optimizer's LR multipliers in the recipe schema."""

import pytest

from keras_recipes.config import validate_dict
from keras_recipes.errors import RecipeError

BASE = {"data": {"source": "synthetic", "name": "classification"}, "model": {"type": "mlp"}}


def _recipe(training=None, optimizer=None):
    return validate_dict({**BASE, "training": training or {}, "optimizer": optimizer or {}})


def test_epochs_default_to_the_sum_of_the_phases():
    recipe = _recipe({"phases": [{"epochs": 2, "train": "head"},
                                 {"epochs": 5, "train": {"pattern": "stage[12]"},
                                  "learning_rate_multiplier": 0.1, "warmup": {"epochs": 1}}]})
    assert recipe.training.epochs == 7
    second = recipe.training.phases[1]
    assert (second.train.pattern, second.warmup.epochs, second.batch_norm) == (
        "stage[12]", 1.0, "frozen")
    assert recipe.training.phases[0].learning_rate_multiplier == 1.0


PROBLEMS = [  # (training, optimizer, expected message)
    ({"epochs": 4, "phases": [{"epochs": 2}]}, {},
     "training.epochs: 4 but the phases add up to 2 epochs"),
    ({"phases": [{"epochs": 1, "train": {"last_blocks": 2, "pattern": "x"}}]}, {},
     "training.phases[0].train: ['last_blocks', 'pattern'] -> exactly one of last_blocks, "
     "pattern"),
    ({"phases": [{"epochs": 1, "train": {"pattern": "conv5_("}}]}, {},
     "training.phases[0].train.pattern"),
    ({"phases": [{"epochs": 1, "learning_rate_multiplier": 0}]}, {},
     "training.phases[0].learning_rate_multiplier"),
    ({}, {"lr_multipliers": {"block[": 0.5}},
     "optimizer.lr_multipliers.block[: not 'head', 'backbone' or a regular expression"),
    ({}, {"lr_multipliers": {"backbone": -1.0}}, "optimizer.lr_multipliers.backbone: -1.0 -> "
     "a number >= 0"),
    ({}, {"layer_decay": 0}, "optimizer.layer_decay: 0 -> input should be greater than 0"),
]


def test_problems_name_the_dotted_key():
    for training, optimizer, expected in PROBLEMS:
        with pytest.raises(RecipeError) as info:
            _recipe(training, optimizer)
        assert expected in str(info.value)
