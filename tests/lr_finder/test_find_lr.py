import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_recipes.lr_finder import LRFinder, LRFinderResult, find_lr
from keras_recipes.schedules import WarmupCosine


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x @ rng.normal(size=(4, 1)) + 0.1 * rng.normal(size=(n, 1))).astype("float32")
    return x, y


def _model(optimizer="adam", dropout=0.0):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dropout(dropout), keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def _values(variables):
    return [np.array(keras.ops.convert_to_numpy(v)) for v in variables]


def test_restores_weights_and_optimizer_state_exactly():
    x, y = _data()
    model = _model(keras.optimizers.Adam(1e-2), dropout=0.2)
    twin = _model(keras.optimizers.Adam(1e-2), dropout=0.2)
    for m in (model, twin):  # some real optimizer state first
        m.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    weights, slots = _values(model.variables), _values(model.optimizer.variables)
    assert int(model.optimizer.iterations.numpy()) == 4

    result = find_lr(model, (x, y), start_lr=1e-5, end_lr=1.0, num_steps=20, batch_size=16)
    assert len(result.lrs) > 5  # it did train

    for before, after in zip(weights, _values(model.variables)):
        np.testing.assert_array_equal(before, after)
    for before, after in zip(slots, _values(model.optimizer.variables)):
        np.testing.assert_array_equal(before, after)
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(1e-2)
    # Training continues exactly as on a model that never ran the finder.
    for m in (model, twin):
        m.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    for ours, theirs in zip(_values(model.variables), _values(twin.variables)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_schedule_optimizer_and_dataset_input():
    x, y = _data()
    schedule = WarmupCosine(0.01, total_steps=100)
    model = _model(keras.optimizers.SGD(schedule))
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    result = find_lr(model, dataset, start_lr=1e-4, end_lr=1e-1, num_steps=12, smoothing=0.5)
    assert isinstance(result, LRFinderResult)
    np.testing.assert_allclose(result.lrs, np.logspace(-4, -1, 12), rtol=1e-9)
    assert result.stop_reason == "completed"
    assert model.optimizer._learning_rate is schedule
    assert int(model.optimizer.iterations.numpy()) == 0
    # The optimizer is back on its schedule: the first real step uses schedule(0).
    before = _values(model.trainable_variables)
    model.fit(x[:16], y[:16], batch_size=16, verbose=0)
    assert not all(np.array_equal(a, b) for a, b in zip(before, _values(model.trainable_variables)))
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(float(schedule(1)))


def test_smoothing_with_bias_correction():
    x, y = _data()
    model = _model(keras.optimizers.SGD(1e-3))
    result = find_lr(model, (x, y), start_lr=1e-6, end_lr=1e-5, num_steps=10, smoothing=0.9,
                     batch_size=16, shuffle=False)
    raw, beta = result.raw_losses, 0.9
    avg, expected = 0.0, []
    for i, loss in enumerate(raw):
        avg = beta * avg + (1 - beta) * loss
        expected.append(avg / (1 - beta ** (i + 1)))
    np.testing.assert_allclose(result.losses, expected, rtol=1e-12)
    # Batch losses, not Keras' running mean: the first batch's loss repeats every 4 batches
    # while the learning rate is too small to change anything.
    np.testing.assert_allclose(raw[4], raw[0], rtol=1e-3)
    assert "too_flat" in result.flags


def test_stops_when_the_loss_diverges():
    x, y = _data()
    model = _model(keras.optimizers.SGD(0.01))
    result = find_lr(model, (x, y), start_lr=1e-4, end_lr=1e3, num_steps=60, batch_size=16,
                     smoothing=0.7, diverge_threshold=4.0)
    assert result.stop_reason in ("diverged", "non_finite")
    assert len(result.lrs) < 60
    finite = result.losses[np.isfinite(result.losses)]
    assert result.stop_reason == "non_finite" or finite[-1] > 4.0 * finite.min()
    assert np.all(finite[:-1] <= 4.0 * np.minimum.accumulate(finite)[:-1])
    # The suggestion lies on the final descent: below the loss minimum, where the
    # loss has already fallen below half of its plateau.
    lowest = int(np.nanargmin(result.losses))
    assert result.suggestion < result.lrs[lowest]
    at = int(np.argmin(np.abs(result.lrs - result.suggestion)))
    assert result.losses[at] < 0.75 * np.median(result.losses[:lowest])


def test_flags_early_divergence_and_non_finite_losses():
    x, y = _data()
    model = _model(keras.optimizers.SGD(0.01))
    result = find_lr(model, (x, y * 1e3), start_lr=10.0, end_lr=1e6, num_steps=50, batch_size=16)
    assert result.stop_reason in ("diverged", "non_finite")
    assert {"diverged_early", "too_few_points"} <= set(result.flags)
    if result.stop_reason == "non_finite":
        assert "non_finite_losses" in result.flags and np.isnan(result.losses[-1])


def test_lr_finder_callback_records_an_exponential_sweep():
    x, y = _data()
    model = _model(keras.optimizers.SGD(0.01))
    finder = LRFinder(start_lr=1e-3, end_lr=1e-1, num_steps=5)
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0, callbacks=[finder])
    np.testing.assert_allclose(finder.lrs, [1e-3, 10**-2.5, 1e-2, 10**-1.5, 1e-1], rtol=1e-9)
    assert finder.stop_reason == "completed"
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.01)  # put back


def test_plot_writes_an_image(tmp_path):
    lrs = np.logspace(-5, 0, 30)
    losses = 1.0 - 0.5 * np.tanh(np.log10(lrs) + 3)
    result = LRFinderResult(lrs=lrs, losses=losses, suggestion=1e-3, flags=["too_flat"])
    path = result.plot(tmp_path / "plots" / "lr.png")
    data = (tmp_path / "plots" / "lr.png").read_bytes()
    assert path.endswith("lr.png") and data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_needs_a_compiled_model_and_valid_arguments():
    x, y = _data()
    uncompiled = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="compile"):
        find_lr(uncompiled, (x, y))
    model = _model()
    with pytest.raises(ValueError, match="batch_size"):
        find_lr(model, tf.data.Dataset.from_tensor_slices((x, y)).batch(8), batch_size=8)
    with pytest.raises(ValueError, match="data"):
        find_lr(model, x)
    with pytest.raises(ValueError, match="end_lr"):
        find_lr(model, (x, y), start_lr=1.0, end_lr=0.1)
    with pytest.raises(ValueError, match="diverge_threshold"):
        LRFinder(diverge_threshold=1.0)
    with pytest.raises(ValueError, match="num_steps"):
        LRFinder(num_steps=1)


def test_restores_everything_when_training_fails():
    x, y = _data()
    schedule = WarmupCosine(0.01, total_steps=100)
    model = _model(keras.optimizers.SGD(schedule))
    model.optimizer.build(model.trainable_variables)
    weights = _values(model.variables)
    original_fit = model.fit

    def failing_fit(*args, **kwargs):  # Keras skips on_train_end on an exception
        kwargs["callbacks"] = [*kwargs["callbacks"], _FailAfter(3)]
        return original_fit(*args, **kwargs)

    model.fit = failing_fit
    with pytest.raises(RuntimeError, match="interrupted"):
        find_lr(model, (x, y), num_steps=10, batch_size=16)
    assert model.optimizer._learning_rate is schedule
    assert int(model.optimizer.iterations.numpy()) == 0
    for before, after in zip(weights, _values(model.variables)):
        np.testing.assert_array_equal(before, after)


class _FailAfter(keras.callbacks.Callback):
    def __init__(self, batches):
        super().__init__()
        self.batches = batches

    def on_train_batch_end(self, batch, logs=None):
        if batch + 1 >= self.batches:
            raise RuntimeError("interrupted")
