"""A saved RecipeModel (the run's best.keras) loads compiled, optimizer state included."""

import warnings

import keras
import numpy as np

from keras_recipes.training.recipe_model import RecipeModel, as_recipe_model


def test_a_saved_recipe_model_loads_compiled_without_keras_warning(tmp_path):
    inputs = keras.Input((4,))
    model = as_recipe_model(keras.Model(inputs, keras.layers.Dense(3)(inputs)))
    model.compile(optimizer=keras.optimizers.AdamW(1e-2), metrics=["accuracy"],
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
    model.fit(x, np.arange(16) % 3, batch_size=8, epochs=1, verbose=0)
    model.save(tmp_path / "best.keras")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = keras.saving.load_model(tmp_path / "best.keras")
    assert not [w for w in caught if "compile()" in str(w.message)]
    assert isinstance(loaded, RecipeModel) and loaded.compiled
    assert int(loaded.optimizer.iterations.numpy()) == 2  # its saved state, not a fresh one
    for a, b in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    np.testing.assert_allclose(loaded.evaluate(x, np.arange(16) % 3, verbose=0),
                               model.evaluate(x, np.arange(16) % 3, verbose=0), rtol=1e-6)
