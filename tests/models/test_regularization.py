"""Every regularization knob of the playbook is reachable from the recipe and does its job."""

import keras
import numpy as np
import pytest

from keras_recipes.config import validate_dict
from keras_recipes.data import DataSpec
from keras_recipes.errors import RecipeError
from keras_recipes.losses import build_loss
from keras_recipes.models import build_model
from keras_recipes.optim import build_optimizer

TOKENS = DataSpec((10,), "classification", 4, 10, 1, 1, vocab_size=20)
IMAGES = DataSpec((8, 8, 1), "classification", 10, 10, 1, 1)


def _kinds(recipe_model: dict, spec) -> list[str]:
    keras.utils.set_random_seed(0)
    model = build_model(validate_dict({"model": recipe_model}).model, spec)
    return [type(layer).__name__ for layer in model.layers]


def test_resnet_has_no_dropout_after_convolutions_and_bn_before_activation():
    kinds = _kinds({"type": "resnet", "filters": [4], "blocks_per_stage": 1, "hidden": [8],
                    "dropout": 0.5}, IMAGES)
    assert kinds.count("Dropout") == 1  # the dense head only
    assert kinds[kinds.index("Dropout") - 3:kinds.index("Dropout")] == [
        "Dense", "BatchNormalization", "Activation"]
    for i, kind in enumerate(kinds[:-1]):
        if kind == "Conv2D":
            assert kinds[i + 1] == "BatchNormalization"


def test_transformer_uses_layer_norm_and_dropout_after_attention_and_feed_forward():
    model_section = {"type": "transformer", "d_model": 16, "num_heads": 2, "num_layers": 1,
                     "ff_dim": 16, "hidden": [], "dropout": 0.2}
    keras.utils.set_random_seed(0)
    model = build_model(validate_dict({"model": model_section}).model, TOKENS)
    names = [layer.name for layer in model.layers]
    assert "block0_attention_dropout" in names and "block0_ff_dropout" in names
    assert model.get_layer("block0_attention").dropout == 0.2
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds.count("LayerNormalization") == 3 and "BatchNormalization" not in kinds
    with pytest.raises(RecipeError, match="model.normalization: 'batch' -> 'layer' for "
                                          "transformer"):
        validate_dict({"model": {**model_section, "normalization": "batch"}})
    with pytest.raises(RecipeError, match=r"model.dropout: 0.3 -> not used by model.type "
                                          r"'linear'"):
        validate_dict({"model": {"type": "linear", "dropout": 0.3}})


def test_weight_decay_is_decoupled_from_the_gradient():
    """AdamW on a zero gradient: w <- w - lr * wd * w exactly (an L2 penalty would instead
    go through Adam's normalization and move w by about lr)."""
    recipe = validate_dict({"optimizer": {"name": "adamw", "learning_rate": 1e-2,
                                          "weight_decay": 0.1}})
    optimizer = build_optimizer(recipe.optimizer, recipe.optimizer.learning_rate)
    weight = keras.Variable(np.full((3,), 2.0, np.float32))
    optimizer.apply_gradients([(keras.ops.zeros((3,)), weight)])
    np.testing.assert_allclose(weight.numpy(), 2.0 * (1 - 1e-2 * 0.1), rtol=1e-6)


def test_l2_penalty_and_label_smoothing_from_the_recipe():
    recipe = validate_dict({"model": {"type": "mlp", "hidden": [4], "l2": 1e-3},
                            "training": {"label_smoothing": 0.1}})
    keras.utils.set_random_seed(0)
    model = build_model(recipe.model, DataSpec((3,), "classification", 2, 10, 1, 1))
    assert model.get_layer("hidden0_dense").kernel_regularizer.l2 == pytest.approx(1e-3)
    loss = build_loss(recipe.training, "classification")
    # target for class 0 of 2 with eps 0.1: [0.95, 0.05]
    expected = -(0.95 * np.log(0.8) + 0.05 * np.log(0.2))
    assert float(loss(np.array([0]), np.array([[0.8, 0.2]], np.float32))) == \
        pytest.approx(expected, rel=1e-5)
    mixed = np.array([[0.5, 0.5]], np.float32)  # mixup labels: smoothing applies on top
    assert float(loss(mixed, np.array([[0.8, 0.2]], np.float32))) == \
        pytest.approx(-(0.5 * np.log(0.8) + 0.5 * np.log(0.2)), rel=1e-5)
