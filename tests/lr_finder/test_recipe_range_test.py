"""`lr-find` and `diagnose` run one range test: the same suggestion for the same recipe."""

import pytest

from keras_recipes.config import validate_dict

RECIPE = {"name": "tiny", "seed": 3,
          "data": {"source": "synthetic", "name": "classification", "batch_size": 32,
                   "synthetic": {"samples": 400, "features": 8, "classes": 3}},
          "model": {"type": "mlp", "hidden": [16]}, "training": {"epochs": 2},
          "callbacks": {"tensorboard": False}}


def test_lr_find_and_diagnose_suggest_the_same_learning_rate(tmp_path):
    import keras

    from keras_recipes.diagnostics.context import Budget, DiagnoseContext, initial_state
    from keras_recipes.diagnostics.diagnose import for_diagnosis
    from keras_recipes.diagnostics.lr_check import check_learning_rate
    from keras_recipes.lr_finder.recipe_range_test import range_test, range_test_recipe
    from keras_recipes.training.trainer import prepare

    recipe = validate_dict(RECIPE)
    diagnosed = prepare(for_diagnosis(recipe), echo=lambda _: None)  # as `diagnose` does
    with initial_state(diagnosed.model):  # an earlier step trains, then restores
        diagnosed.model.fit(diagnosed.data.train, epochs=1, verbose=0, shuffle=False)
    ctx = DiagnoseContext(recipe, diagnosed, None, None, None, None, tmp_path,
                          Budget(range_test_steps=40))
    in_diagnose = check_learning_rate(ctx).details["suggestion"]
    keras.backend.clear_session()
    prepared = prepare(range_test_recipe(recipe), echo=lambda _: None)
    weights = [w.copy() for w in prepared.model.get_weights()]
    result = range_test(prepared, num_steps=40)
    assert result.suggestion == pytest.approx(in_diagnose, rel=1e-5)
    assert len(result.lrs) == 40 and 1e-7 <= result.suggestion <= 10.0
    # the model is left as it was (one capture/restore, the run state's)
    assert all((a == b).all() for a, b in zip(weights, prepared.model.get_weights()))
    assert int(prepared.model.optimizer.iterations.numpy()) == 0
