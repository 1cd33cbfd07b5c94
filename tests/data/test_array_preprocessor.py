"""Array scaling as Keras layers: the statistics of the training split, inside a model."""

import keras
import numpy as np
import pytest

from keras_recipes.data.array_preprocessor import ArrayPreprocessor


@pytest.mark.parametrize("method, expected", [
    ("standard", lambda x: (x - x.mean(0)) / np.where(x.std(0) > 1e-8, x.std(0), 1.0)),
    ("minmax", lambda x: (x - x.min(0)) / np.where(np.ptp(x, 0) > 1e-8, np.ptp(x, 0), 1.0)),
    ("scale", lambda x: x / np.abs(x).max()),
    ("none", lambda x: x),
])
def test_training_statistics_in_a_layer(method, expected):
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, size=(40, 4, 4, 1)).astype(np.float32)
    x[:, 0, 0, 0] = 7.0  # a constant feature is divided by 1, not by ~0
    pre = ArrayPreprocessor(x, method)
    np.testing.assert_allclose(np.asarray(pre(x)), expected(x.astype(np.float64)), atol=1e-5)
    raw = pre.raw_inputs()
    assert raw.shape == (None, 4, 4, 1) and raw.name == "x"
    model = keras.Model(raw, pre(raw))  # the same numbers inside a model
    np.testing.assert_allclose(model.predict(x[:3], verbose=0), np.asarray(pre(x[:3])), atol=1e-6)
