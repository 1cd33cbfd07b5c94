import keras
import numpy as np
import pytest

from keras_recipes.callbacks import LearningRateLogger
from keras_recipes.schedules import WarmupCosine
from tests.callbacks._helpers import Recorder, mlp, regression_data, schedule_values


def _fit(optimizer, callbacks, epochs=3, batch_size=8, n=32):
    keras.utils.set_random_seed(1)
    x, y = regression_data(n)
    model = mlp()
    model.compile(optimizer=optimizer, loss="mse")
    recorder = Recorder()
    history = model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=False,
                        verbose=0, callbacks=[*callbacks, recorder])
    return model, history, recorder


def test_logs_schedule_value_of_every_step():
    schedule = WarmupCosine(0.1, total_steps=12, warmup_steps=3)
    _, history, recorder = _fit(keras.optimizers.AdamW(schedule), [LearningRateLogger()])

    expected = schedule_values(schedule, np.arange(12))
    np.testing.assert_allclose(recorder.column("learning_rate"), expected, rtol=1e-6)
    # Epoch value: the learning rate of each epoch's last step (4 batches per epoch).
    np.testing.assert_allclose(history.history["learning_rate"], expected[[3, 7, 11]], rtol=1e-6)


def test_every_n_steps_logs_only_those_batches():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.9)
    logger = LearningRateLogger(every_n_steps=5)
    _, history, recorder = _fit(keras.optimizers.SGD(schedule), [logger])

    logged = recorder.column("learning_rate")
    assert [i for i, v in enumerate(logged) if v is not None] == [0, 5, 10]
    np.testing.assert_allclose([logged[i] for i in (0, 5, 10)], 0.1 * 0.9 ** np.array([0, 5, 10]),
                               rtol=1e-6)
    # Epoch logs are always filled.
    np.testing.assert_allclose(history.history["learning_rate"], 0.1 * 0.9 ** np.array([3, 7, 11]),
                               rtol=1e-6)


def test_float_learning_rate_and_loss_scale_optimizer():
    optimizer = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.05))
    _, history, recorder = _fit(optimizer, [LearningRateLogger()], epochs=1)
    np.testing.assert_allclose(recorder.column("learning_rate"), [0.05] * 4, rtol=1e-6)
    np.testing.assert_allclose(history.history["learning_rate"], [0.05], rtol=1e-6)


def test_csv_logger_records_it(tmp_path):
    path = tmp_path / "history.csv"
    schedule = WarmupCosine(0.1, total_steps=8, warmup_steps=2)
    callbacks = [LearningRateLogger(), keras.callbacks.CSVLogger(str(path))]
    _fit(keras.optimizers.SGD(schedule), callbacks, epochs=2)
    rows = path.read_text().splitlines()
    column = rows[0].split(",").index("learning_rate")
    values = [float(row.split(",")[column]) for row in rows[1:]]
    np.testing.assert_allclose(values, schedule_values(schedule, [3, 7]), rtol=1e-6)


def test_rejects_bad_every_n_steps():
    for value in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="Argument `every_n_steps` must be"):
            LearningRateLogger(every_n_steps=value)


def test_needs_a_compiled_model():
    logger = LearningRateLogger()
    logger.set_model(mlp())
    with pytest.raises(ValueError, match="compile"):
        logger.on_train_begin()


def test_steps_per_execution_logs_each_execution_holding_an_nth_step():
    # 3 epochs of 4 batches, 2 steps per execution: Keras calls the callbacks after
    # batches 1 and 3 of each epoch. Steps 0, 5 and 10 fall in executions 1, 3 and 6.
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.9)
    keras.utils.set_random_seed(1)
    x, y = regression_data(32)
    model = mlp()
    model.compile(optimizer=keras.optimizers.SGD(schedule), loss="mse", steps_per_execution=2)
    recorder = Recorder()
    history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0,
                        callbacks=[LearningRateLogger(every_n_steps=5), recorder])

    logged = recorder.column("learning_rate")
    assert len(logged) == 6
    assert [i for i, v in enumerate(logged) if v is not None] == [0, 2, 5]
    # The value is that of the execution's last step: 1, 5 and 11.
    np.testing.assert_allclose([logged[i] for i in (0, 2, 5)], 0.1 * 0.9 ** np.array([1, 5, 11]),
                               rtol=1e-6)
    np.testing.assert_allclose(history.history["learning_rate"], 0.1 * 0.9 ** np.array([3, 7, 11]),
                               rtol=1e-6)
