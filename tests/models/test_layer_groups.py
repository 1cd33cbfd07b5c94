"""Head, backbone blocks and their depths, for built-in families and pretrained backbones."""

import keras
import pytest

from keras_recipes.config import validate_dict
from keras_recipes.data import DataSpec
from keras_recipes.models import build_model
from keras_recipes.models.layer_groups import block_name, layer_groups, \
    learning_rate_multipliers


BLOCKS = {  # layer name -> block (one test: every test item pays a Keras clean-up)
    "conv5_block3_2_bn": "conv5_block3", "conv1_conv": "conv1", "block6a_expand_conv": "block6a",
    "block_16_project_BN": "block_16", "bn_Conv1": "Conv1", "Conv_1_bn": "Conv",
    "transformer_layer_3": "transformer_layer_3", "stage1_block0_conv1": "stage1_block0",
    "stage0_a_norm": "stage0", "hidden1_dense": "hidden1", "stem_norm": "stem",
    "embedding": "embedding"}


def test_block_names():
    assert {layer: block_name(layer) for layer in BLOCKS} == BLOCKS


def _build(model, spec):
    keras.utils.set_random_seed(0)
    return build_model(validate_dict({"data": {"source": "synthetic", "name": "classification"},
                                      "model": model}).model, spec)


def test_a_built_in_resnet_splits_into_head_stem_and_residual_blocks():
    spec = DataSpec((8, 8, 1), "classification", 3, 20, 0, 0)
    model = _build({"type": "resnet", "filters": [4, 8], "blocks_per_stage": 1,
                    "hidden": [6]}, spec)
    groups = layer_groups(model)
    assert [(b.name, b.depth) for b in groups.blocks] == [
        ("head", 0), ("stage1_block0", 1), ("stage0_block0", 2), ("stem", 3)]
    assert [layer.name for layer in groups.head.layers] == ["head0_dense", "head0_norm",
                                                            "output_logits"]
    decay = learning_rate_multipliers(groups, layer_decay=0.5, explicit={"stem": 0.0})
    assert decay[id(model.get_layer("stem_conv").kernel)] == 0.0
    assert decay[id(model.get_layer("stage0_block0_a_conv").kernel)] == 0.25


def test_a_pretrained_backbone_is_split_by_its_own_blocks():
    spec = DataSpec((8, 8, 1), "classification", 5, 20, 0, 0)
    model = _build({"type": "pretrained", "from": "MobileNetV2", "weights": "none",
                    "args": {"alpha": 0.35}}, spec)
    groups = layer_groups(model)
    names = [b.name for b in groups.backbone]
    assert names[0] == "Conv1" and names[-2:] == ["block_16", "Conv"] and len(names) == 19
    assert [layer.name for layer in groups.head.layers] == ["head_output_logits"]
    assert all(layer.name.startswith("preprocess") for layer in groups.preprocess)
    assert groups.matching_layers("^block_16_")[0].name == "block_16_expand"
