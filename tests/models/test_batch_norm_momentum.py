"""Batch-norm momentum fitted to the step budget in the built-in model families."""

import pytest

from keras_recipes.models.batch_norm import budget_momentum


@pytest.mark.parametrize("updates, momentum", [
    (1, 0.9), (50, 0.9), (100, 0.9), (114, 0.9123), (200, 0.95), (500, 0.98), (1000, 0.99),
    (50_000, 0.99)])
def test_budget_momentum_leaves_e_minus_10_of_the_initial_statistics(updates, momentum):
    assert budget_momentum(updates) == momentum


def test_budget_momentum_rejects_an_empty_budget():
    with pytest.raises(ValueError, match="total_updates"):
        budget_momentum(0)


def test_built_in_families_take_the_budget_momentum_and_save_it():
    import keras

    from keras_recipes.config import validate_dict
    from keras_recipes.data import DataSpec
    from keras_recipes.models import build_model
    from keras_recipes.training.batch_norm_stats import batch_norm_layers

    spec = DataSpec((8, 8, 1), "classification", 10, 100, 10, 10)
    config = validate_dict({"model": {"type": "resnet", "filters": [4], "blocks_per_stage": 1,
                                      "hidden": [8]}}).model
    model = build_model(config, spec, total_updates=114)
    layers = batch_norm_layers(model)
    assert len(layers) == 4 and {layer.momentum for layer in layers} == {0.9123}
    assert {layer.get_config()["momentum"] for layer in layers} == {0.9123}
    default = build_model(config, spec)
    assert {layer.momentum for layer in batch_norm_layers(default)} == {0.99}
    assert isinstance(layers[0], keras.layers.BatchNormalization)
