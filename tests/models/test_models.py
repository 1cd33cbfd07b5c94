import keras
import numpy as np
import pytest

from keras_recipes.config import validate_dict
from keras_recipes.data import DataSpec
from keras_recipes.errors import UsageError
from keras_recipes.models import build_model

CLASSES = DataSpec((8, 8, 1), "classification", 10, 100, 10, 10)


def _model(spec, **section):
    keras.utils.set_random_seed(0)
    return build_model(validate_dict({"model": section}).model, spec)


@pytest.mark.parametrize("section, spec", [
    ({"type": "linear"}, CLASSES),
    ({"type": "mlp", "hidden": [16, 8]}, CLASSES),
    ({"type": "cnn", "filters": [4, 8], "hidden": [8]}, CLASSES),
    ({"type": "resnet", "filters": [4, 8], "blocks_per_stage": 1, "hidden": []}, CLASSES),
    ({"type": "cnn", "filters": [4]}, DataSpec((12, 3), "classification", 3, 10, 1, 1)),
    ({"type": "transformer", "d_model": 16, "num_heads": 2, "num_layers": 1, "ff_dim": 16,
      "hidden": []}, DataSpec((10,), "classification", 4, 10, 1, 1, vocab_size=20)),
    ({"type": "mlp", "hidden": [8]}, DataSpec((5,), "regression", 2, 10, 1, 1)),
])
def test_models_output_float32_probabilities_or_values(section, spec):
    model = _model(spec, **section)
    dtype = "int32" if spec.is_tokens else "float32"
    x = np.ones((3,) + spec.input_shape, dtype=dtype)
    out = keras.ops.convert_to_numpy(model(x, training=False))
    assert out.shape == (3, spec.num_outputs) and out.dtype == np.float32
    if spec.task == "classification":
        np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)


def test_output_stays_float32_under_mixed_precision():
    keras.mixed_precision.set_dtype_policy("mixed_float16")
    model = _model(CLASSES, type="mlp", hidden=[8])
    assert model.layers[1].compute_dtype == "float16"
    assert model.output.dtype == "float32"


def test_playbook_layer_placement():
    model = _model(CLASSES, type="cnn", filters=[4], hidden=[8], dropout=0.5)
    kinds = [type(layer).__name__ for layer in model.layers]
    # batch norm sits between the conv and its activation; no dropout right after a conv
    first_conv = kinds.index("Conv2D")
    assert kinds[first_conv + 1:first_conv + 3] == ["BatchNormalization", "Activation"]
    for i, kind in enumerate(kinds):
        if kind == "Dropout":
            assert kinds[i - 1] == "Activation" and "Dense" in kinds[i - 3:i]
    conv = model.get_layer("stage0_a_conv")
    assert conv.use_bias is False
    assert type(conv.kernel_initializer).__name__ == "HeNormal"


def test_initializer_follows_activation():
    model = _model(CLASSES, type="mlp", hidden=[8], activation="tanh")
    assert type(model.get_layer("hidden0_dense").kernel_initializer).__name__ == "GlorotUniform"


def test_cnn_refuses_flat_inputs_with_advice():
    with pytest.raises(UsageError, match=r"set data.input_shape"):
        _model(DataSpec((64,), "classification", 10, 1, 1, 1), type="cnn")


def test_python_model_is_built_and_cast_to_float32(tmp_path, monkeypatch):
    (tmp_path / "user_models.py").write_text(
        "import keras\n"
        "def tiny(input_shape, num_outputs, width=4):\n"
        "    inputs = keras.Input(input_shape)\n"
        "    x = keras.layers.Flatten()(inputs)\n"
        "    x = keras.layers.Dense(width, activation='relu')(x)\n"
        "    return keras.Model(inputs, keras.layers.Dense(num_outputs, activation='softmax')(x))\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    keras.mixed_precision.set_dtype_policy("mixed_bfloat16")
    model = _model(CLASSES, type="python", python="user_models:tiny", args={"width": 6})
    assert model.output.dtype == "float32"
    assert model.count_params() == 64 * 6 + 6 + 6 * 10 + 10
