import pytest

from keras_recipes.config.schema import Recipe
from keras_recipes.training.trainer import _steps_per_execution

LOGGERS = {"learning_rate_logger": {"enabled": True},
           "gradient_norm_logger": {"enabled": True, "every_n_steps": 10}}


@pytest.mark.parametrize("callbacks, replicas, batches, expected", [
    ({}, 1, 20, 20),                                   # one execution per epoch
    ({}, 1, 500, 32),                                  # capped
    (LOGGERS, 1, 20, 20),                              # loggers log at execution ends
    (LOGGERS, 2, 20, 1),                               # multi-replica: plain Keras breaks
    ({"tensorboard": {"update_freq": 5}}, 1, 20, 1),   # TensorBoard counts calls as steps
    ({"custom": [{"python": "keras.callbacks:History"}]}, 1, 20, 1),
])
def test_auto_steps_per_execution(callbacks, replicas, batches, expected):
    recipe = Recipe.model_validate({"callbacks": callbacks})
    assert _steps_per_execution(recipe, replicas, batches) == expected


def test_explicit_value_is_kept():
    recipe = Recipe.model_validate({"training": {"steps_per_execution": 4}})
    assert _steps_per_execution(recipe, 2, 20) == 4
