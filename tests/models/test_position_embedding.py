import keras
import numpy as np
import pytest

from keras_recipes.models import PositionEmbedding


def test_adds_a_learned_vector_per_position_and_round_trips():
    layer = PositionEmbedding(max_length=5)
    out = keras.ops.convert_to_numpy(layer(np.zeros((2, 5, 3), "float32")))
    positions = keras.ops.convert_to_numpy(layer.positions)
    np.testing.assert_allclose(out[0], positions)
    np.testing.assert_allclose(out[1], positions)
    clone = PositionEmbedding.from_config(layer.get_config())
    assert clone.max_length == 5
    with pytest.raises(ValueError, match="max_length"):
        PositionEmbedding(max_length=0)
