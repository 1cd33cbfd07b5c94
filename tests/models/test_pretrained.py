"""model.type: pretrained -- backbones from a weights file, a KerasHub preset, a run folder."""

import warnings

import keras
import numpy as np
import pytest

from keras_recipes.config import validate_dict
from keras_recipes.data import DataSpec
from keras_recipes.errors import UsageError
from keras_recipes.models import build_model
from keras_recipes.models.backbones import source_of
from keras_recipes.models.input_adapters import scaling_layers
from keras_recipes.models.pretrained import backbone_of, family_of, head_layers, \
    preprocess_layers
from keras_recipes.models.weights_file import load_weights_file

DIGITS = DataSpec((8, 8, 1), "classification", 5, 20, 0, 0)


def _build(spec=DIGITS, **section):
    keras.utils.set_random_seed(0)
    return build_model(validate_dict({"model": {"type": "pretrained", **section}}).model, spec)


def _one_eager_step(model, x, y) -> float:
    """One SGD update of every trainable weight; returns the loss."""
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(
            y, model(x, training=True)))
    gradients = tape.gradient(loss, model.trainable_variables)
    keras.optimizers.SGD(0.1).apply(gradients, model.trainable_variables)
    return float(loss)


@pytest.fixture(scope="module")
def mobilenet_file(tmp_path_factory):
    """MobileNetV2(alpha=0.35) with random weights and its 1000-class top, saved to a file."""
    keras.utils.set_random_seed(1)
    source = keras.applications.MobileNetV2(alpha=0.35, weights=None, input_shape=(32, 32, 3))
    path = tmp_path_factory.mktemp("weights") / "mnv2_035.weights.h5"
    source.save_weights(path)
    return path, {layer.name: layer.get_weights() for layer in source.layers if layer.weights}


@pytest.mark.parametrize("family", ["mobilenet_v2", "resnet", "densenet", "efficientnet"])
def test_family_scaling_layers_equal_keras_preprocess_input(family):
    from keras_recipes.config.backbone_families import FAMILIES

    pixels = np.random.default_rng(0).uniform(0, 255, (2, 4, 4, 3)).astype("float32")
    expected = getattr(keras.applications, family).preprocess_input(pixels.copy())
    x = pixels
    for layer in scaling_layers(FAMILIES[family].mode):
        x = layer(x)
    np.testing.assert_allclose(np.asarray(x), np.asarray(expected), atol=1e-4)


def test_application_from_a_weights_file_loads_it_and_fine_tunes(mobilenet_file):
    path, saved = mobilenet_file
    model = _build(**{"from": "MobileNetV2", "weights": str(path), "args": {"alpha": 0.35},
                      "input_range": [0, 16]})
    assert [layer.name for layer in model.layers] == [
        "inputs", "preprocess_resize", "preprocess_rgb", "preprocess_range",
        "preprocess_scale", "backbone", "head_pool", "head_dropout", "head_output_logits",
        "head_output"]
    assert family_of(model) == "mobilenet_v2"
    assert [layer.name for layer in head_layers(model)][-1] == "head_output"
    assert not any(layer.trainable for layer in preprocess_layers(model))
    backbone = backbone_of(model)
    for layer in backbone.layers:  # every backbone weight is the file's, not a random one
        for got, want in zip(layer.get_weights(), saved.get(layer.name, [])):
            np.testing.assert_array_equal(got, want)
    assert "predictions" in saved and "predictions" not in [l.name for l in backbone.layers]
    # the range layer maps 0-16 inputs to 0-255, the family scaling then to [-1, 1]
    scaled = keras.Sequential(preprocess_layers(model))(np.full((1, 8, 8, 1), 16.0, "float32"))
    np.testing.assert_allclose(np.asarray(scaled), 1.0, atol=1e-5)
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 16, (8, 8, 8, 1)).astype("float32")
    y = np.arange(8) % 5
    before = backbone.get_layer("Conv1").get_weights()[0].copy()
    assert np.isfinite(_one_eager_step(model, x, y))  # eager: no tracing of 150 layers
    assert not np.allclose(backbone.get_layer("Conv1").get_weights()[0], before)


@pytest.mark.parametrize("section, spec, message", [
    ({"from": "MobileNetV2", "weights": "missing.weights.h5"}, DIGITS,
     "model.weights: 'missing.weights.h5' -> an existing weights file"),
    ({"from": "MobileNetV2", "weights": "none"}, DataSpec((64,), "classification", 3, 9, 0, 0),
     "model.from: MobileNetV2 is an image backbone -> image data shaped (height, width, 1 or "
     "3), got [64]"),
    ({"from": "runs/nowhere"}, DIGITS, "model.from: 'runs/nowhere' is no file or folder"),
    ({"from": "MobileNetV2", "weights": "none", "args": {"alpah": 0.35}}, DIGITS,
     "model.args: 'alpah' is not an argument of MobileNetV2 -> one of alpha"),
])
def test_bad_backbones_are_usage_errors_naming_the_key(section, spec, message):
    with pytest.raises(UsageError) as err:
        _build(spec, **section)
    assert str(err.value).startswith(message)


def test_unknown_architecture_lists_close_names():
    with pytest.raises(UsageError, match=r"'ResNet5O' .*close: ResNet50"):
        source_of("ResNet5O")
    with pytest.raises(ValueError, match=r"model.from: 'Mobilenetv2' is not a "
                                         r"keras.applications architecture \(close: "
                                         r"MobileNetV2"):
        validate_dict({"model": {"type": "pretrained", "from": "Mobilenetv2",
                                 "weights": "none"}})


def test_imagenet_weights_are_refused_at_validation():
    with pytest.raises(ValueError, match=r"model.weights: 'imagenet' -> a weights file on disk "
                                         r"\(nothing is downloaded\)"):
        validate_dict({"model": {"type": "pretrained", "from": "ResNet50",
                                 "weights": "imagenet"}})


def test_keras2_h5_files_load_by_layer_name_with_or_without_top(tmp_path):
    import h5py

    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(3, name="features")(inputs)
    full = keras.Model(inputs, keras.layers.Dense(2, name="predictions")(hidden))
    path = tmp_path / "legacy.h5"
    with h5py.File(path, "w") as f:  # the layout of Keras 2's save_weights(.h5)
        f.attrs["layer_names"] = [b"features", b"predictions"]
        for layer in full.layers[1:]:
            group = f.create_group(layer.name)
            names = [f"{layer.name}/{w.name}:0".encode() for w in layer.weights]
            group.attrs["weight_names"] = names
            for name, value in zip(names, layer.get_weights()):
                group[name.decode()] = value
    notop_in = keras.Input((4,))
    notop = keras.Model(notop_in, keras.layers.Dense(3, name="features")(notop_in))
    load_weights_file(notop, str(path))
    for got, want in zip(notop.get_layer("features").get_weights(),
                         full.get_layer("features").get_weights()):
        np.testing.assert_array_equal(got, want)
    wider = keras.Model(notop_in, keras.layers.Dense(5, name="features")(notop_in))
    with pytest.raises(UsageError, match=r"holds weights shaped \[\[4, 3\], \[3\]\] for layer "
                                         r"'features', which needs \[\[4, 5\], \[5\]\]"):
        load_weights_file(wider, str(path))


def test_a_keras3_weights_file_of_a_smaller_network_is_refused(tmp_path):
    inputs = keras.Input((4,))
    small = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    small.save_weights(tmp_path / "small.weights.h5")
    bigger = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Dense(3)(inputs)))
    with pytest.raises(UsageError, match=r"model.weights: .* holds 2 weight arrays, this "
                                         r"backbone needs 4 -> a file saved from the same "
                                         r"architecture"):
        load_weights_file(bigger, str(tmp_path / "small.weights.h5"))


@pytest.fixture(scope="module")
def cnn_run(tmp_path_factory):
    """A run folder holding a hand-back model.keras: 0-16 inputs scaled -> cnn (5 classes)."""
    from keras_recipes.data.array_preprocessor import ArrayPreprocessor
    from keras_recipes.serving.handback import build_handback_model

    keras.utils.set_random_seed(2)
    config = validate_dict({"model": {"type": "cnn", "filters": [4], "hidden": [8]}}).model
    network = build_model(config, DIGITS)
    x = np.random.default_rng(1).uniform(0, 16, (30, 8, 8, 1)).astype("float32")
    handback = build_handback_model(network, ArrayPreprocessor(x, "scale"), DIGITS)
    run = tmp_path_factory.mktemp("runs") / "digits_pretrain"
    run.mkdir()
    handback.save(run / "model.keras")
    (run / "recipe.yaml").write_text("model: {type: cnn, filters: [4], hidden: [8]}\n")
    return run, handback, x


def test_run_folder_minus_its_classifier_becomes_the_backbone_of_a_new_task(cnn_run):
    run, handback, x = cnn_run
    three = DataSpec((8, 8, 1), "classification", 3, 20, 0, 0)
    model = _build(three, **{"from": str(run)})
    assert family_of(model) == "run:cnn"
    assert model.output_shape == (None, 3)
    assert [layer.name for layer in model.layers[:3]] == ["inputs", "preprocess_source",
                                                          "backbone"]
    network = handback.get_layer("network")
    features = keras.Model(network.inputs, network.get_layer("output_logits").input)
    expected = features(handback.get_layer("rescale")(x))  # the earlier run's scaling
    got = backbone_of(model)(model.get_layer("preprocess_source")(x))
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), atol=1e-5)
    cut = _build(three, **{"from": str(run / "model.keras"), "cut": "flatten"})
    assert backbone_of(cut).output_shape == network.get_layer("flatten").output.shape
    with pytest.raises(UsageError, match=r"model.from: .* takes inputs shaped \[8, 8, 1\], this "
                                         r"data gives \[64\]"):
        _build(DataSpec((64,), "classification", 3, 9, 0, 0), **{"from": str(run)})


@pytest.mark.slow
def test_a_run_folder_is_fine_tuned_into_a_new_task_end_to_end(cnn_run, tmp_path):
    from keras_recipes.training.trainer import train

    run, _, x = cnn_run
    y = np.arange(len(x)) % 3 + 7  # a new task: 3 classes named 7, 8, 9
    np.savez(tmp_path / "new.npz", x=x, y=y)
    recipe = validate_dict({
        "name": "finetune", "seed": 0,
        "data": {"source": "npz", "path": str(tmp_path / "new.npz"), "normalize": "none",
                 "batch_size": 10, "val_split": 0.2, "test_split": 0.0},
        "model": {"type": "pretrained", "from": str(run)},
        "training": {"epochs": 1, "verbose": 0}, "callbacks": {"tensorboard": False}})
    (tmp_path / "run").mkdir()
    lines = []
    train(recipe, tmp_path / "run", echo=lines.append)
    assert any(line.startswith("backbone: network from ") and "cut at the input of "
               "'output_logits'" in line for line in lines), lines
    handback = keras.saving.load_model(tmp_path / "run" / "model.keras")
    probabilities = np.asarray(handback(x[:4]))
    assert probabilities.shape == (4, 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.slow
def test_a_kerashub_preset_folder_is_fine_tuned(tmp_path):
    keras_hub = pytest.importorskip(
        "keras_hub", reason="keras-hub is not installed (optional: pip install "
                            "keras-recipes[hub]); the preset source is untested here")
    keras.utils.set_random_seed(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        source = keras_hub.models.ResNetBackbone(
            input_conv_filters=[64], input_conv_kernel_sizes=[3], stackwise_num_filters=[64],
            stackwise_num_blocks=[1], stackwise_num_strides=[1], block_type="basic_block")
        source.save_to_preset(str(tmp_path / "preset"))
        keras_hub.layers.ResNetImageConverter(image_size=(16, 16), scale=1 / 255.0) \
            .save_to_preset(str(tmp_path / "preset"))
    model = _build(**{"from": str(tmp_path / "preset"), "input_range": [0, 16]})
    assert family_of(model) == "hub:ResNetBackbone"
    assert [layer.name for layer in preprocess_layers(model)] == [
        "preprocess_resize", "preprocess_rgb", "preprocess_range", "preprocess_scale"]
    backbone = backbone_of(model)
    for got, want in zip(backbone.get_weights(), source.get_weights()):
        np.testing.assert_array_equal(got, want)
    x = np.random.default_rng(0).uniform(0, 16, (10, 8, 8, 1)).astype("float32")
    before = [w.copy() for w in backbone.get_weights()]
    assert np.isfinite(_one_eager_step(model, x, np.arange(10) % 5))
    assert any(not np.allclose(a, b) for a, b in zip(backbone.get_weights(), before))
