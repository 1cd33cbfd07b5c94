"""The hand-back model: built-in Keras classes only, probabilities out, target units out."""

import types

import keras
import numpy as np
import pytest

from keras_recipes.data.preprocessor import IdentityPreprocessor
from keras_recipes.data.spec import DataSpec
from keras_recipes.models import build_model
from keras_recipes.serving.handback import build_handback_model, network_of
from keras_recipes.serving.plain_keras import emits_probabilities, non_keras_classes
from keras_recipes.training.recipe_model import as_recipe_model

IMAGES = DataSpec((8, 8, 1), "classification", 3, 10, 2, 2)
TOKENS = DataSpec((6,), "classification", 3, 10, 2, 2, vocab_size=20)
SEQUENCES = DataSpec((6, 3), "regression", 2, 10, 2, 2)


def _model_config(kind: str):
    from keras_recipes.config import validate_dict

    small = {"mlp": {"hidden": [8]}, "linear": {}, "cnn": {"filters": [4], "hidden": [8]},
             "resnet": {"filters": [4], "blocks_per_stage": 1, "hidden": []},
             "transformer": {"d_model": 8, "num_heads": 2, "num_layers": 1, "ff_dim": 8}}
    return validate_dict({"name": "t", "model": {"type": kind, **small[kind]}}).model


@pytest.mark.parametrize("kind,spec", [("mlp", IMAGES), ("linear", IMAGES), ("cnn", IMAGES),
                                       ("resnet", IMAGES), ("transformer", TOKENS),
                                       ("transformer", SEQUENCES)])
def test_every_builtin_family_hands_back_only_keras_classes(kind, spec, tmp_path):
    trained = as_recipe_model(build_model(_model_config(kind), spec))
    assert non_keras_classes(trained) == ["keras_recipes.training.recipe_model.RecipeModel"]
    dtype = "int32" if spec.is_tokens else "float32"
    model = build_handback_model(trained, IdentityPreprocessor(spec.input_shape, dtype), spec)
    assert non_keras_classes(model) == []
    x = (np.arange(12).reshape(2, 6) % 20 if spec.is_tokens
         else np.random.default_rng(0).normal(size=(2,) + spec.input_shape)).astype(dtype)
    expected = np.asarray(trained(x))
    np.testing.assert_allclose(np.asarray(model(x)), expected, atol=1e-6)
    model.save(tmp_path / "m.keras")
    reloaded = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(np.asarray(reloaded(x)), expected, atol=1e-6)
    assert network_of(reloaded).count_params() == trained.count_params()


def _network(activation=None, units=3):
    inputs = keras.Input((4,), name="inputs")
    hidden = keras.layers.Dense(units, activation=activation, name="head")(inputs)
    return keras.Model(inputs, hidden)


def test_a_network_emitting_logits_gets_a_softmax():
    logits = _network()
    assert not emits_probabilities(logits) and emits_probabilities(_network("softmax"))
    spec = DataSpec((4,), "classification", 3, 10, 2, 2)
    model = build_handback_model(logits, IdentityPreprocessor((4,)), spec)
    x = np.random.default_rng(1).normal(size=(5, 4)).astype("float32")
    expected = keras.ops.convert_to_numpy(keras.ops.softmax(logits(x)))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, atol=1e-6)
    assert model.get_layer("probabilities").dtype_policy.compute_dtype == "float32"


def test_standardized_regression_targets_come_back_in_their_units():
    network = _network(units=2)
    spec = DataSpec((4,), "regression", 2, 10, 2, 2)
    mean, std = np.array([150.0, -3.0]), np.array([20.0, 0.5])
    model = build_handback_model(network, IdentityPreprocessor((4,)), spec, (mean, std))
    x = np.random.default_rng(2).normal(size=(5, 4)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0),
                               np.asarray(network(x)) * std + mean, rtol=1e-5)
    assert non_keras_classes(model) == []


def test_the_preprocessing_sits_inside_and_inputs_keep_their_names():
    from keras_recipes.data.array_preprocessor import ArrayPreprocessor

    raw = np.random.default_rng(3).normal(50.0, 10.0, size=(40, 4)).astype("float32")
    pre = ArrayPreprocessor(raw, "standard")
    network = _network("softmax")
    spec = DataSpec((4,), "classification", 3, 10, 2, 2)
    model = build_handback_model(network, pre, spec)
    standardized = (raw - raw.mean(0)) / raw.std(0)
    np.testing.assert_allclose(model.predict(raw, verbose=0), network.predict(standardized,
                                                                              verbose=0),
                               atol=1e-5)
    assert [t.name for t in model.inputs] == ["x"]


def test_write_handback_writes_the_model_and_the_class_names(tmp_path):
    import json

    from keras_recipes.serving.handback import write_handback

    spec = DataSpec((4,), "classification", 3, 10, 2, 2, class_names=("cat", "dog", "emu"))
    data = types.SimpleNamespace(spec=spec, preprocessor=None)
    notes = []
    write_handback(as_recipe_model(_network("softmax")), data, tmp_path, echo=notes.append)
    info = json.loads((tmp_path / "serving.json").read_text())
    assert info["class_names"] == ["cat", "dog", "emu"] and info["task"] == "classification"
    assert info["inputs"] == [{"name": "x", "dtype": "float32", "shape": [4]}]
    assert notes == []  # no class Keras does not ship
    assert not keras.saving.load_model(tmp_path / "model.keras").compiled


def test_regression_metrics_come_back_in_target_units():
    import tensorflow as tf

    from keras_recipes.config import validate_dict
    from keras_recipes.serving.target_units import with_target_units

    network = _network(units=1)
    x = np.random.default_rng(4).normal(size=(12, 4)).astype("float32")
    y_scaled = np.random.default_rng(5).normal(size=(12,)).astype("float32")
    mean, std = np.array([150.0], np.float32), np.array([20.0], np.float32)
    dataset = tf.data.Dataset.from_tensor_slices((x, y_scaled)).batch(5)
    spec = DataSpec((4,), "regression", 1, 12, 12, 0)
    data = types.SimpleNamespace(spec=spec, val=dataset, test=None, target_scale=(mean, std))
    training = validate_dict({"name": "t", "training": {"metrics": ["mae", "rmse"]}}).training
    scaled = {"val": {"loss": 0.5, "mae": 0.1, "rmse": 0.2}}
    result = with_target_units(scaled, network, data, training)
    error = np.asarray(network(x))[:, 0] * std[0] - y_scaled * std[0]
    assert result["val"]["loss"] == 0.5  # the training objective keeps its units
    assert result["val"]["mae"] == pytest.approx(np.abs(error).mean(), rel=1e-5)
    assert result["val"]["rmse"] == pytest.approx(np.sqrt((error ** 2).mean()), rel=1e-5)
    data.target_scale = None
    assert with_target_units(scaled, network, data, training) == scaled
