"""MetricScalars, WeightHistograms and ProfileBatch write what Keras' TensorBoard writes."""

import keras
import numpy as np
import pytest

from keras_recipes.monitoring import MetricScalars, ProfileBatch, SummaryDir, WeightHistograms
from tests.monitoring.events import read_events


def _fit(callbacks, epochs=2, steps_per_execution=1):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x.sum(axis=1, keepdims=True) > 0).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy",
                  metrics=["accuracy"], steps_per_execution=steps_per_execution)
    history = model.fit(x[:32], y[:32], validation_data=(x[32:], y[32:]), batch_size=8,
                        epochs=epochs, verbose=0, callbacks=callbacks)
    return model, history.history


def test_same_tags_and_values_as_keras_tensorboard(tmp_path):
    _, history = _fit([MetricScalars(SummaryDir(tmp_path / "ours"))])
    _fit([keras.callbacks.TensorBoard(str(tmp_path / "keras"))])
    for run in ("train", "validation"):
        ours, theirs = read_events(tmp_path / "ours" / run), read_events(tmp_path / "keras" / run)
        # Keras also evaluates the learning rate itself; here LearningRateLogger provides it.
        assert set(ours) == set(theirs) - {"epoch_learning_rate"}
        for tag, (plugin, values) in ours.items():
            if tag == "keras":
                assert plugin == "graph_keras_model" and b"Dense" in values[0][1].item()
                continue
            assert plugin == theirs[tag][0] == "scalars"
            assert [s for s, _ in values] == [s for s, _ in theirs[tag][1]]
            assert [v for _, v in values] == pytest.approx([v for _, v in theirs[tag][1]])
    train = read_events(tmp_path / "ours" / "train")
    assert [v for _, v in train["epoch_loss"][1]] == pytest.approx(history["loss"])
    evaluation = read_events(tmp_path / "ours" / "validation")["evaluation_loss_vs_iterations"]
    assert [s for s, _ in evaluation[1]] == [4, 8]  # 4 steps an epoch


def test_learning_rate_from_the_logs(tmp_path):
    from keras_recipes.callbacks import LearningRateLogger

    _fit([LearningRateLogger(), MetricScalars(SummaryDir(tmp_path))])
    plugin, values = read_events(tmp_path / "train")["epoch_learning_rate"]
    assert plugin == "scalars" and values == [(0, pytest.approx(0.1)), (1, pytest.approx(0.1))]


@pytest.mark.parametrize("update_freq, steps", [("batch", [1, 2, 3, 4, 5, 6, 7, 8]),
                                                (3, [1, 4, 5, 8])])
def test_batch_scalars_every_update_freq_steps_across_fits(tmp_path, update_freq, steps):
    # Each `fit` logs its first batch and every N-th; the axis continues at optimizer.iterations.
    callback = MetricScalars(SummaryDir(tmp_path), update_freq=update_freq)
    model, _ = _fit([callback], epochs=1)
    x = np.zeros((32, 3), "float32")
    model.fit(x, np.zeros((32, 1), "float32"), batch_size=8, verbose=0, callbacks=[callback])
    plugin, values = read_events(tmp_path / "train")["batch_loss"]
    assert plugin == "scalars" and [s for s, _ in values] == steps


def test_epoch_only_writes_no_batch_scalars(tmp_path):
    _fit([MetricScalars(SummaryDir(tmp_path))])
    assert not any(tag.startswith("batch_") for tag in read_events(tmp_path / "train"))


def test_weight_histograms_every_freq_epochs(tmp_path):
    summaries = SummaryDir(tmp_path)
    model, _ = _fit([WeightHistograms(summaries, freq=2), MetricScalars(summaries)], epochs=3)
    events = read_events(tmp_path / "train")
    kernel = model.layers[0].kernel
    plugin, values = events[f"{kernel.path}/histogram"]
    assert plugin == "histograms" and [s for s, _ in values] == [0, 2]
    buckets = values[-1][1]  # rows (left edge, right edge, count)
    assert buckets[:, 2].sum() == kernel.shape[0] * kernel.shape[1]
    assert buckets[0, 0] == pytest.approx(float(np.min(kernel.numpy())))
    with pytest.raises(ValueError, match="freq must be >= 1"):
        WeightHistograms(summaries, freq=0)


@pytest.mark.slow
def test_profile_batch_writes_a_trace(tmp_path):
    _fit([ProfileBatch(tmp_path, batch=2)], epochs=1)
    traces = list((tmp_path / "train" / "plugins" / "profile").rglob("*.xplane.pb"))
    assert len(traces) == 1 and traces[0].stat().st_size > 0


def test_evaluation_step_counts_updates_under_keras_gradient_accumulation(tmp_path):
    keras.utils.set_random_seed(0)
    x, y = np.ones((32, 3), "float32"), np.zeros((32, 1), "float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1, gradient_accumulation_steps=2),
                  loss="mse")
    callback = MetricScalars(SummaryDir(tmp_path))
    for _ in range(2):  # a second fit continues from optimizer.iterations
        model.fit(x, y, validation_data=(x, y), batch_size=8, epochs=2, verbose=0,
                  callbacks=[callback])
    _, values = read_events(tmp_path / "validation")["evaluation_loss_vs_iterations"]
    assert [s for s, _ in values] == [2, 4, 6, 8] and int(model.optimizer.iterations) == 8
