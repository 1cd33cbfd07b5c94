"""One direction rule for every monitored metric (checkpoint, early stopping, plateau, tuning)."""

import pytest

from keras_recipes.monitor import metric_direction, monitor_direction

NAMES = {"loss": "min", "val_loss": "min", "val_mae": "min", "rmse": "min",
         "val_mean_squared_error": "min", "val_accuracy": "max", "top_3_accuracy": "max",
         "val_auc": "max", "val_precision": "max", "recall": "max", "val_f1_score": "max"}


@pytest.mark.parametrize("name, expected", sorted(NAMES.items()))
def test_names_decide_the_direction(name, expected):
    assert metric_direction(name) == expected
    assert metric_direction(name, "max" if expected == "min" else "min") != expected


def test_an_unknown_name_asks_for_a_mode():
    assert metric_direction("val_wobble") is None
    with pytest.raises(ValueError, match="BestCheckpoint: cannot tell whether 'val_wobble'"):
        monitor_direction("val_wobble", who="BestCheckpoint")
    with pytest.raises(ValueError, match="mode 'up' -> one of auto, min, max"):
        metric_direction("val_loss", "up")


def test_a_keras_metric_declares_the_direction_the_name_does_not_tell():
    import keras

    class Wobble(keras.metrics.MeanMetricWrapper):
        def __init__(self):
            super().__init__(lambda y, p: keras.ops.abs(y - p), name="wobble")
            self._direction = "up"

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(loss="mse", metrics=[Wobble()])
    model.evaluate(keras.ops.ones((2, 2)), keras.ops.ones((2, 1)), verbose=0)
    assert monitor_direction("val_wobble", model=model) == "max"


@pytest.mark.parametrize("name", sorted(NAMES))
def test_every_callback_uses_the_same_rule(tmp_path, name):
    from keras_recipes.callbacks import BestCheckpoint, EarlyStopping, ReduceLROnPlateau

    expected = NAMES[name]
    assert BestCheckpoint(tmp_path / "b.keras", monitor=name).mode == expected
    assert EarlyStopping(monitor=name).mode == expected
    assert ReduceLROnPlateau(monitor=name)._resolve_direction() == expected
