import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_recipes.callbacks import GradientNormLogger
from tests.callbacks._helpers import Recorder, mlp, regression_data


def _functional():
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(8, activation="tanh")(inputs)
    return keras.Model(inputs, keras.layers.Dense(1)(hidden))


class Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(8, activation="tanh")
        self.out = keras.layers.Dense(1)

    def call(self, x):
        return self.out(self.hidden(x))


def _hand_norms(model, x, y, loss=keras.losses.MeanSquaredError()):
    """Global and per-variable gradient norms of the compiled loss, by GradientTape."""
    with tf.GradientTape() as tape:
        value = loss(y, model(x, training=True))
    grads = tape.gradient(value, model.trainable_variables)
    per_variable = [float(tf.norm(tf.convert_to_tensor(g))) for g in grads]
    return float(np.sqrt(np.sum(np.square(per_variable)))), per_variable


def _one_step(model, optimizer="sgd", **logger_kwargs):
    x, y = regression_data(32)
    model.compile(optimizer=optimizer, loss="mse")
    model(x[:1])  # build, so the hand computation sees the same weights
    expected = _hand_norms(model, x, y)
    recorder = Recorder()
    history = model.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0,
                        callbacks=[GradientNormLogger(**logger_kwargs), recorder])
    return expected, recorder, history


@pytest.mark.parametrize("build", [mlp, _functional, Subclassed],
                         ids=["sequential", "functional", "subclassed"])
def test_matches_gradient_tape(build):
    keras.utils.set_random_seed(3)
    (expected, _), recorder, history = _one_step(build())
    np.testing.assert_allclose(recorder.column("grad_norm"), [expected], rtol=1e-5)
    np.testing.assert_allclose(history.history["grad_norm"], [expected], rtol=1e-5)


def test_per_layer_norms():
    keras.utils.set_random_seed(4)
    model = _functional()
    (expected, per_variable), recorder, _ = _one_step(model, per_layer=True)
    logs = recorder.batches[0]
    names = [f"grad_norm/{v.path}" for v in model.trainable_variables]
    np.testing.assert_allclose([logs[n] for n in names], per_variable, rtol=1e-5)
    np.testing.assert_allclose(logs["grad_norm"], expected, rtol=1e-5)


def test_mixed_float16_logs_the_unscaled_norm():
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        keras.utils.set_random_seed(5)
        model = mlp(output_dtype="float32")
        (expected, _), recorder, _ = _one_step(model)
        assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
        assert float(model.optimizer.dynamic_scale) > 1000  # the loss really was scaled
    finally:
        keras.mixed_precision.set_global_policy("float32")
    np.testing.assert_allclose(recorder.column("grad_norm"), [expected], rtol=2e-3)


def test_embedding_gradients_with_repeated_rows():
    keras.utils.set_random_seed(6)
    model = keras.Sequential([keras.Input((5,), dtype="int32"), keras.layers.Embedding(10, 3),
                              keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)])
    x = np.array([[1, 1, 2, 3, 1], [2, 2, 2, 9, 0]] * 4, "int32")
    y = np.linspace(0, 1, 8, dtype="float32")[:, None]
    model.compile(optimizer="sgd", loss="mse")
    expected, _ = _hand_norms(model, x, y)
    recorder = Recorder()
    model.fit(x, y, batch_size=8, shuffle=False, verbose=0,
              callbacks=[GradientNormLogger(), recorder])
    np.testing.assert_allclose(recorder.column("grad_norm"), [expected], rtol=1e-5)


def test_every_n_steps_and_epoch_mean():
    keras.utils.set_random_seed(7)
    x, y = regression_data(40)
    model = mlp()
    model.compile(optimizer="sgd", loss="mse")
    recorder = Recorder()
    history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0,
                        callbacks=[GradientNormLogger(every_n_steps=2), recorder])
    logged = recorder.column("grad_norm")
    assert [i for i, v in enumerate(logged) if v is not None] == [0, 2, 4, 6, 8]
    assert all(v > 0 for v in logged if v is not None)
    # Epoch value: mean of the values logged in the epoch (batches 0, 2, 4 then 6, 8).
    np.testing.assert_allclose(history.history["grad_norm"],
                               [np.mean([logged[0], logged[2], logged[4]]),
                                np.mean([logged[6], logged[8]])], rtol=1e-6)


def test_hooks_are_removed_after_training():
    keras.utils.set_random_seed(8)
    x, y = regression_data(16)
    model = mlp()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, batch_size=16, verbose=0, callbacks=[GradientNormLogger()])
    optimizer = model.optimizer
    assert "apply" not in vars(optimizer)
    assert "_all_reduce_sum_gradients" not in vars(optimizer)
    # A second logger attaches again; the same optimizer keeps training normally.
    expected, _ = _hand_norms(model, x, y)
    recorder = Recorder()
    model.fit(x, y, batch_size=16, shuffle=False, verbose=0,
              callbacks=[GradientNormLogger(), recorder])
    np.testing.assert_allclose(recorder.column("grad_norm"), [expected], rtol=1e-5)


def test_after_a_failed_fit_a_new_logger_takes_over():
    keras.utils.set_random_seed(10)
    x, y = regression_data(16)
    model = mlp()
    model.compile(optimizer="sgd", loss="mse")

    class Boom(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):  # Keras skips on_train_end here
        model.fit(x, y, batch_size=16, verbose=0, callbacks=[GradientNormLogger(), Boom()])
    expected, _ = _hand_norms(model, x, y)
    recorder = Recorder()
    with pytest.warns(UserWarning, match="replaced"):
        model.fit(x, y, batch_size=16, shuffle=False, verbose=0,
                  callbacks=[GradientNormLogger(), recorder])
    np.testing.assert_allclose(recorder.column("grad_norm"), [expected], rtol=1e-5)
    assert "apply" not in vars(model.optimizer)


def test_rejects_bad_arguments():
    for kwargs in (dict(every_n_steps=0), dict(per_layer="yes")):
        with pytest.raises(ValueError, match=f"Argument `{next(iter(kwargs))}` must be"):
            GradientNormLogger(**kwargs)


def test_state_round_trips_and_a_bad_state_is_refused():
    # A run resumed mid-epoch continues the step count and the epoch's sums
    # (tests/reliability/test_kill_points.py checks history.csv's grad_norm end to end).
    from keras_recipes.errors import StateError

    logger = GradientNormLogger(every_n_steps=10)
    state = {"version": 1, "steps_done": 12, "epoch_logged": 1, "epoch_sums": [0.5],
             "epoch_counts": [1]}
    logger.set_state(state)
    assert logger.get_state() == state and logger._window.steps_done == 12
    for bad, match in ((dict(epoch_sums=[float("nan")]), "epoch_sums"),
                       (dict(epoch_counts=[1, 2]), "1 sums and 2 counts"),
                       (dict(steps_done=-1), "steps_done"), (dict(version=2), "version")):
        with pytest.raises(StateError, match=match):
            logger.set_state({**state, **bad})
    assert logger.get_state() == state  # a refused state changes nothing


def test_steps_skipped_by_loss_scaling_log_nan():
    keras.utils.set_random_seed(9)
    x, y = regression_data(32)
    model = mlp()
    # A loss scale this large overflows the first steps' gradients: the
    # LossScaleOptimizer skips them (halving the scale) until they are finite.
    optimizer = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.01),
                                                    initial_scale=2.0**127)
    model.compile(optimizer=optimizer, loss="mse")
    recorder = Recorder()
    model.fit(x, 10.0 * y, batch_size=2, epochs=1, shuffle=False, verbose=0,
              callbacks=[GradientNormLogger(), recorder])
    logged = np.array(recorder.column("grad_norm"))
    applied = int(optimizer.iterations.numpy())
    skipped = len(logged) - applied
    assert 0 < skipped < len(logged)
    assert np.isnan(logged).sum() == skipped
    assert (logged[np.isfinite(logged)] > 0).all()


def test_steps_per_execution_logs_the_norm_of_each_executions_last_step():
    def fit(steps_per_execution, every_n_steps):
        keras.utils.set_random_seed(9)
        x, y = regression_data(48)
        model = mlp()
        model.compile(optimizer="sgd", loss="mse", steps_per_execution=steps_per_execution)
        recorder = Recorder()
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0,
                  callbacks=[GradientNormLogger(every_n_steps=every_n_steps), recorder])
        return recorder.column("grad_norm")

    every_step = fit(1, 1)  # 6 steps per epoch, 12 in all
    # 3 steps per execution (last batches 2, 5 per epoch); steps 0, 4, 8 lie in
    # executions 1, 2 and 3: their last steps are 2, 5 and 8.
    logged = fit(3, 4)
    assert len(every_step) == 12 and len(logged) == 4
    assert [i for i, v in enumerate(logged) if v is not None] == [0, 1, 2]
    np.testing.assert_allclose(logged[:3], [every_step[2], every_step[5], every_step[8]],
                               rtol=1e-5)
