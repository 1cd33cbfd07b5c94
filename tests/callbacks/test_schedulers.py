import keras
import numpy as np
import pytest

from keras_recipes.callbacks import (
    OneCycleMomentum,
    OneCycleScheduler,
    ReduceLROnPlateau,
    WarmupCosineScheduler,
)
from keras_recipes.schedules import OneCycle, Warmup, WarmupCosine
from tests.callbacks._helpers import Recorder, regression_data, schedule_values

N, BATCH = 32, 8
STEPS = 12  # 3 epochs of 4 batches


def _linear():
    keras.utils.set_random_seed(11)
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, use_bias=False)])


def _fit(model, callbacks, epochs=3):
    x, y = regression_data(N)
    recorder = Recorder()
    model.fit(x, y, batch_size=BATCH, epochs=epochs, shuffle=False, verbose=0,
              callbacks=[*callbacks, recorder])
    return recorder


def _momenta(schedule, steps):
    return np.asarray(keras.ops.convert_to_numpy(schedule.momentum(np.asarray(steps, "float32"))))


def _reference(w, lrs, momenta, kind):
    """Plain NumPy SGD-momentum / Adam on the linear model, per-step hyperparameters."""
    x, y = (a.astype("float64") for a in regression_data(N))
    w = w.astype("float64")
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t, (lr, mom) in enumerate(zip(lrs, momenta)):
        b = t % (N // BATCH)
        xb, yb = x[b * BATCH:(b + 1) * BATCH], y[b * BATCH:(b + 1) * BATCH]
        g = 2.0 / BATCH * xb.T @ (xb @ w - yb)
        if kind == "sgd":
            m = m * mom - g * lr
            w = w + m
        else:  # Keras' Adam with beta_2=0.999, epsilon=1e-7
            m = m + (g - m) * (1 - mom)
            v = v + (g * g - v) * (1 - 0.999)
            alpha = lr * np.sqrt(1 - 0.999 ** (t + 1)) / (1 - mom ** (t + 1))
            w = w - m * alpha / (np.sqrt(v) + 1e-7)
    return w


@pytest.mark.parametrize("optimizer, kind, attribute", [
    (lambda: keras.optimizers.SGD(0.1, momentum=0.9), "sgd", "momentum"),
    (lambda: keras.optimizers.Adam(0.1), "adam", "beta_1"),
])
def test_one_cycle_sets_learning_rate_and_momentum(optimizer, kind, attribute):
    model = _linear()
    model.compile(optimizer=optimizer(), loss="mse")
    w0 = model.get_weights()[0]
    original = getattr(model.optimizer, attribute)
    recorder = _fit(model, [OneCycleScheduler(max_lr=0.05, total_steps=STEPS)])

    schedule = OneCycle(0.05, STEPS)
    lrs = schedule_values(schedule, np.arange(STEPS))
    momenta = _momenta(schedule, np.arange(STEPS))
    np.testing.assert_allclose(recorder.column("learning_rate"), lrs, rtol=1e-6)
    np.testing.assert_allclose(recorder.column("momentum"), momenta, rtol=1e-6)
    # The cycled values reached the traced train step: same weights as by hand.
    np.testing.assert_allclose(model.get_weights()[0], _reference(w0, lrs, momenta, kind),
                               rtol=1e-4, atol=1e-6)
    # The original hyperparameter is back, as a plain float.
    restored = getattr(model.optimizer, attribute)
    assert type(restored) is float and restored == original
    assert model.optimizer.get_config()[attribute] == original


def test_one_cycle_without_momentum_cycling_keeps_momentum():
    model = _linear()
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9), loss="mse")
    w0 = model.get_weights()[0]
    scheduler = OneCycleScheduler(max_lr=0.05, total_steps=STEPS, cycle_momentum=False)
    recorder = _fit(model, [scheduler])
    lrs = schedule_values(OneCycle(0.05, STEPS), np.arange(STEPS))
    assert "momentum" not in recorder.batches[0]
    np.testing.assert_allclose(model.get_weights()[0], _reference(w0, lrs, [0.9] * STEPS, "sgd"),
                               rtol=1e-4, atol=1e-6)


def test_warmup_cosine_scheduler_and_resume():
    model = _linear()
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    scheduler = WarmupCosineScheduler(peak_lr=0.05, total_steps=16, warmup_steps=4, min_lr=0.001)
    first = _fit(model, [scheduler], epochs=2)
    second = _fit(model, [scheduler], epochs=3)  # steps 8..19; past 16 the last value holds
    expected = schedule_values(WarmupCosine(0.05, 16, warmup_steps=4, min_lr=0.001),
                               np.minimum(np.arange(20), 16))
    logged = first.column("learning_rate") + second.column("learning_rate")
    np.testing.assert_allclose(logged, expected, rtol=1e-6)
    np.testing.assert_allclose(second.column("learning_rate", "epochs"), expected[[11, 15, 19]],
                               rtol=1e-6)


def test_one_cycle_momentum_follows_the_optimizer_schedule():
    schedule = OneCycle(0.05, STEPS)
    model = _linear()
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="mse")
    w0 = model.get_weights()[0]
    recorder = _fit(model, [OneCycleMomentum()])
    lrs = schedule_values(schedule, np.arange(STEPS))
    momenta = _momenta(schedule, np.arange(STEPS))
    np.testing.assert_allclose(recorder.column("momentum"), momenta, rtol=1e-6)
    np.testing.assert_allclose(model.get_weights()[0], _reference(w0, lrs, momenta, "adam"),
                               rtol=1e-4, atol=1e-6)
    assert type(model.optimizer.beta_1) is float and model.optimizer.beta_1 == 0.9


def test_one_cycle_momentum_through_warmup_and_plateau_wrappers():
    inner = OneCycle(0.05, 9)
    model = _linear()
    model.compile(optimizer=keras.optimizers.SGD(Warmup(inner, warmup_steps=3), momentum=0.9),
                  loss="mse")
    recorder = _fit(model, [OneCycleMomentum(), ReduceLROnPlateau(monitor="loss", patience=100)])
    shifted = np.maximum(np.arange(STEPS) - 3, 0).astype("float32")
    expected = _momenta(inner, shifted)
    np.testing.assert_allclose(recorder.column("momentum"), expected, rtol=1e-6)


def test_schedulers_refuse_a_schedule_optimizer():
    model = _linear()
    model.compile(optimizer=keras.optimizers.SGD(WarmupCosine(0.1, 10)), loss="mse")
    with pytest.raises(ValueError, match="float `learning_rate`"):
        _fit(model, [WarmupCosineScheduler(peak_lr=0.1, total_steps=10)], epochs=1)


def test_one_cycle_needs_a_momentum_to_cycle():
    for optimizer, match in ((keras.optimizers.Adagrad(0.1), "cycle_momentum=False"),
                             (keras.optimizers.SGD(0.1), "momentum=0")):
        model = _linear()
        model.compile(optimizer=optimizer, loss="mse")
        with pytest.raises(ValueError, match=match):
            _fit(model, [OneCycleScheduler(max_lr=0.05, total_steps=STEPS)], epochs=1)


def test_one_cycle_momentum_needs_a_one_cycle_schedule():
    model = _linear()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    with pytest.raises(ValueError, match="OneCycle"):
        _fit(model, [OneCycleMomentum()], epochs=1)


def test_scheduler_arguments_are_checked():
    with pytest.raises(ValueError, match="total_steps"):
        OneCycleScheduler(max_lr=0.1, total_steps=0)
    with pytest.raises(ValueError, match="cycle_momentum"):
        OneCycleScheduler(max_lr=0.1, total_steps=10, cycle_momentum="no")
    with pytest.raises(ValueError, match="warmup_steps"):
        WarmupCosineScheduler(peak_lr=0.1, total_steps=10, warmup_steps=20)
