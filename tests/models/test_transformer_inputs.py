"""The transformer's message for inputs it cannot take names both ways out, without contradiction."""

import pytest

from keras_recipes.config import validate_dict
from keras_recipes.data import DataSpec
from keras_recipes.errors import UsageError
from keras_recipes.models import build_model


def _build(spec):
    return build_model(validate_dict({"model": {"type": "transformer"}}).model, spec)


def test_flat_float_inputs_say_what_token_ids_need():
    with pytest.raises(UsageError) as err:
        _build(DataSpec((16,), "classification", 2, 10, 1, 1))
    message = str(err.value)
    assert message.startswith("model.type: 'transformer' got float inputs of shape [16], "
                              "with no vocabulary size -> ")
    assert "returning vocab_size" in message
    assert "data.input_shape: [16, 1] makes them a feature sequence (values, not token ids)" \
        in message
    assert "needs sequences: token ids (length,)" not in message  # [16] is (length,)


def test_images_are_pointed_elsewhere():
    with pytest.raises(UsageError, match=r"got \[8, 8, 1\] -> data.input_shape: "
                                         r"\[length, channels\], or another model.type"):
        _build(DataSpec((8, 8, 1), "classification", 2, 10, 1, 1))


def test_token_ids_with_a_vocabulary_build():
    model = _build(DataSpec((16,), "classification", 2, 10, 1, 1, vocab_size=30))
    assert model.output_shape == (None, 2)
