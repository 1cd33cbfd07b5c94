"""The monitoring callbacks on tiny `model.fit` runs."""

import keras
import numpy as np
import pytest

from keras_recipes.monitoring import (LossScaleLogger, StepScalars, SummaryDir,
                                      ValidationSummaries)
from tests.monitoring.events import read_events


def _data(n=48, k=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x[:, 0] > 0).astype("int32") + (x[:, 1] > 1).astype("int32")


def _model(k=3):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(k, activation="softmax", dtype="float32")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model


def test_loss_scale_under_mixed_float16():
    keras.mixed_precision.set_dtype_policy("mixed_float16")
    model = _model()
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    x, y = _data()
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0,
                        callbacks=[LossScaleLogger(every_n_steps=1)])
    # Finite gradients for 6 steps: the initial 2**15 has not grown yet (growth every 2000).
    assert history.history["loss_scale"] == [32768.0, 32768.0]


def test_no_loss_scale_in_float32():
    x, y = _data()
    history = _model().fit(x, y, batch_size=16, epochs=1, verbose=0,
                           callbacks=[LossScaleLogger()])
    assert "loss_scale" not in history.history


class _Logs(keras.callbacks.Callback):
    """Puts a fake `grad_norm` into every batch's logs."""

    def on_train_batch_end(self, batch, logs=None):
        logs["grad_norm"] = float(batch)


def test_step_scalars_count_steps_across_epochs_and_executions(tmp_path):
    x, y = _data()
    model = _model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  steps_per_execution=3)
    callbacks = [_Logs(), StepScalars(SummaryDir(tmp_path))]
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=callbacks)
    # A second `fit` (a resumed or segmented run) continues from optimizer.iterations.
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=callbacks)
    plugin, values = read_events(tmp_path / "train")["grad_norm"]
    # 6 steps an epoch, executions of 3: callbacks see batches 2 and 5 each epoch.
    assert plugin == "scalars"
    assert values == [(3, 2.0), (6, 5.0), (9, 2.0), (12, 5.0), (15, 2.0), (18, 5.0)]


def test_validation_summaries_image_frequency_and_values(tmp_path):
    import tensorflow as tf

    x, y = _data(60)
    val = tf.data.Dataset.from_tensor_slices((x[:30], y[:30])).batch(8)
    model = _model()
    callback = ValidationSummaries(SummaryDir(tmp_path), val, 3, ["a", "b", "c"],
                                   confusion_matrix_freq=2)
    model.fit(x[30:], y[30:], validation_data=val, epochs=3, verbose=0, callbacks=[callback])
    events = read_events(tmp_path / "validation")
    assert [step for step, _ in events["confusion_matrix"][1]] == [1, 2]
    # The last epoch's per-class values are those of the final model's predictions.
    predicted = np.argmax(model.predict(x[:30], verbose=0), axis=-1)
    expected = np.mean(predicted[y[:30] == 0] == 0)
    assert events["per_class/recall/a"][1][-1] == (2, pytest.approx(expected, abs=1e-6))


def test_early_stop_still_writes_the_last_confusion_matrix(tmp_path):
    import tensorflow as tf

    x, y = _data(40)
    val = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    stop = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: setattr(model, "stop_training", epoch == 1))
    model = _model()
    callback = ValidationSummaries(SummaryDir(tmp_path), val, 3, per_class=False,
                                   confusion_matrix_freq=5)
    model.fit(x, y, epochs=10, verbose=0, callbacks=[callback, stop])
    events = read_events(tmp_path / "validation")
    assert [step for step, _ in events["confusion_matrix"][1]] == [1]
    assert not any(tag.startswith("per_class") for tag in events)


def test_overhead_budget_skips_epochs_but_keeps_the_last_image(tmp_path):
    import tensorflow as tf

    x, y = _data(40)
    val = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    callback = ValidationSummaries(SummaryDir(tmp_path), val, 3, confusion_matrix_freq=2,
                                   max_overhead=1e-9)
    _model().fit(x, y, epochs=5, verbose=0, callbacks=[callback])
    events = read_events(tmp_path / "validation")
    # Per-class: epoch 0 is the free warm-up, epoch 1 measures the cost, then no budget;
    # the last epoch's values come from on_train_end. Images are charged from the first
    # (prior 0.3 s): only the last epoch's, written by on_train_end.
    assert [s for s, _ in events["per_class/macro_f1"][1]] == [0, 1, 4]
    assert [s for s, _ in events["confusion_matrix"][1]] == [4]


def test_overhead_budget_arithmetic():
    from keras_recipes.monitoring.overhead_budget import OverheadBudget

    now = [0.0]
    budget = OverheadBudget(0.1, {"figure": 1.0}, clock=lambda: now[0])
    for seconds in (5.0, 1.0, 1.0):  # the first epoch (tracing) is not counted
        budget.start_epoch()
        now[0] += seconds
        budget.end_epoch()
    assert budget.trained == 2.0
    # Warm-up 0.1 s (free, sets the estimate); 0 + 0.1 <= 0.2 allowed, costs 0.15;
    # then 0.15 + 0.15 > 10% of 2 s: refused.
    for cost, allowed in ((0.1, True), (0.15, True), (0.0, False)):
        assert budget.allows("work") is allowed
        if allowed:
            with budget.measure("work"):
                now[0] += cost
    assert budget.spent == pytest.approx(0.15)  # the first, warm-up run is free
    assert not budget.allows("figure")  # its prior, 1 s, is over the budget from the start
