"""LearningRateLogger and GradientNormLogger share the optimizer hooks (`_optimizer_taps`)."""

import keras
import numpy as np
import pytest

from keras_recipes.callbacks import GradientNormLogger, LearningRateLogger
from keras_recipes.callbacks._optimizer_access import unwrap_optimizer
from tests.callbacks._helpers import ImpliedLearningRate, Recorder, mlp, regression_data

HOOKS = ("apply", "_all_reduce_sum_gradients", "_keras_recipes_taps")


def _decay():
    return keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.9)


def _assert_unhooked(optimizer):
    for obj in (optimizer, unwrap_optimizer(optimizer)):
        assert not set(HOOKS) & set(vars(obj))


def _fit_both(model, x, y, epochs=2):
    hand = ImpliedLearningRate(x, y, batch_size=8)
    recorder = Recorder()
    logger = LearningRateLogger()
    history = model.fit(x, y, batch_size=8, epochs=epochs, shuffle=False, verbose=0,
                        callbacks=[hand, logger, GradientNormLogger(), recorder])
    # The value came from the train step, not from a host-side computation.
    assert float(logger._applied.numpy()) == pytest.approx(hand.values[-1], rel=1e-4)
    return hand, recorder, history


def test_both_loggers_in_one_fit_then_unhooked_and_again():
    keras.utils.set_random_seed(11)
    x, y = regression_data(32)
    model = mlp()
    model.compile(optimizer=keras.optimizers.SGD(_decay()), loss="mse")
    for fit in range(2):  # the second fit starts at step 8
        hand, recorder, history = _fit_both(model, x, y)
        expected = 0.1 * 0.9 ** np.arange(8 * fit, 8 * fit + 8)
        np.testing.assert_allclose(recorder.column("learning_rate"), expected, rtol=1e-6)
        np.testing.assert_allclose(hand.values, expected, rtol=1e-4)  # really applied
        np.testing.assert_allclose(history.history["learning_rate"], expected[[3, 7]], rtol=1e-6)
        np.testing.assert_allclose(recorder.column("grad_norm"), hand.norms, rtol=1e-5)
        _assert_unhooked(model.optimizer)


def test_loss_scale_optimizer_and_skipped_steps():
    # The first steps overflow and are skipped: no update yet, so the value is
    # computed on the host; afterwards, that of the last applied update.
    keras.utils.set_random_seed(9)
    x, y = regression_data(32)
    model = mlp()
    optimizer = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(_decay()),
                                                    initial_scale=2.0**127)
    model.compile(optimizer=optimizer, loss="mse")

    class Iterations(keras.callbacks.Callback):
        values = []

        def on_train_batch_end(self, batch, logs=None):
            self.values.append(int(self.model.optimizer.iterations.numpy()))

    recorder = Recorder()
    model.fit(x, 10.0 * y, batch_size=2, epochs=1, shuffle=False, verbose=0,
              callbacks=[LearningRateLogger(), GradientNormLogger(), Iterations(), recorder])
    iterations = np.array(Iterations.values)
    assert 0 < iterations[-1] < len(iterations)  # some steps were skipped
    np.testing.assert_allclose(recorder.column("learning_rate"),
                               0.1 * 0.9 ** np.maximum(iterations - 1, 0), rtol=1e-6)
    grad_norms = np.array(recorder.column("grad_norm"))
    assert np.isnan(grad_norms).sum() == len(iterations) - iterations[-1]
    _assert_unhooked(optimizer)


def test_float_learning_rate_set_by_a_per_batch_callback():
    keras.utils.set_random_seed(12)
    x, y = regression_data(32)
    model = mlp()
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")

    class PerBatch(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            self.model.optimizer.learning_rate = 0.1 / (batch + 1)

        def on_train_batch_end(self, batch, logs=None):
            self.model.optimizer.learning_rate = 1.0  # not what the step used

    implied = ImpliedLearningRate(x, y, batch_size=8)
    recorder = Recorder()
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0,
              callbacks=[PerBatch(), implied, LearningRateLogger(), recorder])
    expected = 0.1 / np.arange(1, 5)
    np.testing.assert_allclose(recorder.column("learning_rate"), expected, rtol=1e-6)
    np.testing.assert_allclose(implied.values, expected, rtol=1e-4)


def test_steps_per_execution_with_both_loggers():
    # 2 epochs of 6 batches, 3 steps per execution: the callbacks run after
    # steps 2, 5, 8, 11 and log those steps' values.
    keras.utils.set_random_seed(13)
    x, y = regression_data(48)
    model = mlp()
    model.compile(optimizer=keras.optimizers.SGD(_decay()), loss="mse", steps_per_execution=3)
    recorder = Recorder()
    history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0,
                        callbacks=[LearningRateLogger(), GradientNormLogger(), recorder])
    np.testing.assert_allclose(recorder.column("learning_rate"),
                               0.1 * 0.9 ** np.array([2, 5, 8, 11]), rtol=1e-6)
    np.testing.assert_allclose(history.history["learning_rate"],
                               0.1 * 0.9 ** np.array([5, 11]), rtol=1e-6)
    assert all(v > 0 for v in recorder.column("grad_norm"))
    _assert_unhooked(model.optimizer)


def test_taps_left_by_an_aborted_fit_are_dropped():
    keras.utils.set_random_seed(14)
    x, y = regression_data(16)
    model = mlp()
    model.compile(optimizer=keras.optimizers.SGD(_decay()), loss="mse")

    class Boom(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            raise RuntimeError("boom")

    aborted = LearningRateLogger()
    with pytest.raises(RuntimeError, match="boom"):  # Keras skips on_train_end here
        model.fit(x, y, batch_size=8, verbose=0,
                  callbacks=[aborted, GradientNormLogger(), Boom()])
    assert "apply" in vars(model.optimizer)
    # A fit with a GradientNormLogger only drops the stale learning-rate tap too.
    recorder = Recorder()
    with pytest.warns(UserWarning, match="replaced"):
        model.fit(x, y, batch_size=8, verbose=0, callbacks=[GradientNormLogger(), recorder])
    assert not aborted._tap.attached
    _assert_unhooked(model.optimizer)
    # The same logger works again.
    recorder = Recorder()
    model.fit(x, y, batch_size=8, shuffle=False, verbose=0, callbacks=[aborted, recorder])
    np.testing.assert_allclose(recorder.column("learning_rate"), 0.1 * 0.9 ** np.array([3, 4]),
                               rtol=1e-6)
    _assert_unhooked(model.optimizer)


def test_epoch_without_steps_reads_the_optimizer():
    model = mlp()
    model.compile(optimizer=keras.optimizers.SGD(_decay()), loss="mse")
    model.optimizer.build(model.trainable_variables)
    model.optimizer.iterations.assign(3)
    logger = LearningRateLogger()
    logger.set_model(model)
    logger.on_train_begin()
    logger.on_epoch_begin(0)
    logs = {}
    logger.on_epoch_end(0, logs)
    assert logs["learning_rate"] == pytest.approx(0.1 * 0.9**2, rel=1e-6)
    logger.on_train_end()
    _assert_unhooked(model.optimizer)


def test_run_eagerly():
    keras.utils.set_random_seed(15)
    x, y = regression_data(16)
    model = mlp()
    model.compile(optimizer=keras.optimizers.SGD(_decay()), loss="mse", run_eagerly=True)
    hand, recorder, _ = _fit_both(model, x, y, epochs=1)
    np.testing.assert_allclose(recorder.column("learning_rate"), [0.1, 0.09], rtol=1e-6)
    np.testing.assert_allclose(recorder.column("grad_norm"), hand.norms, rtol=1e-5)
    _assert_unhooked(model.optimizer)
