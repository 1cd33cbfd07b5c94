"""PreciseBatchNorm: validation sees the data's batch-norm statistics."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

from keras_recipes.callbacks.precise_batch_norm import PreciseBatchNorm  # noqa: E402


def _fit(callbacks):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = (rng.normal(size=(128, 3)) * 2.0 + 5.0).astype("float32")
    y = (x[:, 0] > 5.0).astype("int32")
    inputs = keras.Input((3,))
    bn = keras.layers.BatchNormalization(momentum=0.99)
    outputs = keras.layers.Dense(2, activation="softmax")(keras.layers.Dropout(0.5)(bn(inputs)))
    model = keras.Model(inputs, outputs)
    model.compile("adam", "sparse_categorical_crossentropy")
    train = tf.data.Dataset.from_tensor_slices((x, y)).batch(32)
    model.fit(train, validation_data=train, epochs=1, verbose=0,
              callbacks=[c(train) for c in callbacks])
    return np.asarray(bn.moving_mean), x.mean(0)


def test_validation_runs_on_the_population_statistics():
    moving, mean = _fit([lambda ds: PreciseBatchNorm(ds, max_batches=10)])
    np.testing.assert_allclose(moving, mean, atol=1e-4)


def test_without_it_the_moving_averages_lag():
    moving, mean = _fit([])
    assert np.max(np.abs(moving - mean)) > 4.0  # 0.99^4 of the initial zeros remain


def test_rejects_an_empty_budget():
    with pytest.raises(ValueError, match="max_batches"):
        PreciseBatchNorm(None, max_batches=0)
