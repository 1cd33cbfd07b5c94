"""Where the time goes: a pipeline slowed on purpose is input-bound, a ResNet on cached data is
compute-bound, the timed train function trains exactly like Keras', and the report says so."""

import time

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_recipes import _keras_compat as compat
from keras_recipes.monitoring.step_breakdown import (KEYS, Breakdown, read_timing, report_lines,
                                                     verdict)
from keras_recipes.monitoring.run_report import write_run_report
from keras_recipes.monitoring.step_time_callback import DropLogKeys, StepTimeBreakdown
from keras_recipes.training.recipe_model import RecipeModel

SLEEP_PER_EXAMPLE = 0.002  # heavy per-example decoding/augmentation: 16 ms per batch of 8
BATCH = 8


def _fit(model, ds, epochs=2, steps=8, spe=4, path=None, extra=()):
    model.compile(keras.optimizers.SGD(0.01),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  steps_per_execution=spe)
    timer = StepTimeBreakdown(path, peak_flops=1e12)
    history = model.fit(ds, epochs=epochs, steps_per_epoch=steps, callbacks=[timer, *extra],
                        verbose=0)
    return timer, history.history


def _slow_augment(image, label):
    """Stands in for an expensive per-example augmentation of a batch (sleeping: it holds no
    core, so the truth does not depend on the machine's load)."""
    def work(x):
        time.sleep(SLEEP_PER_EXAMPLE * BATCH)
        return x
    return tf.ensure_shape(tf.py_function(work, [image], tf.float32), image.shape), label


def _tiny_mlp(inputs=(16,), seed=0):
    keras.utils.set_random_seed(seed)
    x = keras.Input(inputs)
    return RecipeModel(x, keras.layers.Dense(4)(keras.layers.Dense(8, activation="relu")(x)))


def _tiny_resnet():
    keras.utils.set_random_seed(0)
    x = keras.Input((32, 32, 3))
    h = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    for _ in range(3):
        r = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(h)
        r = keras.layers.Conv2D(32, 3, padding="same")(r)
        h = keras.layers.ReLU()(keras.layers.Add()([h, r]))
    h = keras.layers.GlobalAveragePooling2D()(h)
    return RecipeModel(x, keras.layers.Dense(4)(h))


def test_a_pipeline_with_heavy_per_example_work_is_reported_input_bound(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.random((64, 16), dtype=np.float32), rng.integers(0, 4, 64)
    ds = (tf.data.Dataset.from_tensor_slices((x, y)).batch(BATCH).map(_slow_augment)
          .repeat().prefetch(2))
    timer, history = _fit(_tiny_mlp(), ds, path=tmp_path / "timing.csv")
    b = timer.last
    # Truth: 8 batches x 16 ms of augmentation against steps of well under 1 ms (the last
    # epoch: the first one's dispatch holds the tracing).
    assert b.input >= 0.6 * 8 * BATCH * SLEEP_PER_EXAMPLE
    assert b.input_share > 0.6 and b.compute < b.input / 4
    assert verdict(b).startswith("input-bound: ")
    assert history["samples_per_s"][-1] == pytest.approx(64 / b.training)
    assert len(history["time_input_s"]) == 2 and history["input_share"][-1] == b.input_share
    timing = read_timing(tmp_path / "timing.csv")  # the run directory's copy, 6 digits
    assert set(timing) == set(history) - {"loss"} and len(timing["input_share"]) == 2
    assert timing["time_input_s"][-1] == pytest.approx(b.input, rel=1e-5)
    assert report_lines(timing)[2].startswith("**input-bound: ")
    line = write_run_report(tmp_path, {"loss": [1.4, 1.2]})  # report.md and the printed line
    assert line.split("\n")[1].startswith("speed: input-bound: ")
    assert "## Where the time goes" in (tmp_path / "report.md").read_text()


def test_a_resnet_on_cached_data_is_reported_compute_bound():
    rng = np.random.default_rng(0)
    x, y = rng.random((64, 32, 32, 3), dtype=np.float32), rng.integers(0, 4, 64)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(16).cache().repeat().prefetch(2)
    timer, history = _fit(_tiny_resnet(), ds, steps=4, spe=2)
    b = timer.last
    assert b.compute / b.in_calls > 0.8 and b.input_share < 0.1
    assert verdict(b).startswith("compute-bound: ")
    # 3 x the forward pass: the stem conv, 6 block convs (2 x 32x32 x 9 x 32 x 32 each), the head.
    forward = 2 * 32 * 32 * 9 * (3 * 32 + 6 * 32 * 32) + 2 * 32 * 4
    assert timer.flops_per_example == 3 * forward
    assert history["flops_per_s"][-1] == pytest.approx(3 * forward * history["samples_per_s"][-1])
    assert history["mfu"][-1] == pytest.approx(history["flops_per_s"][-1] / 1e12)


def test_the_timed_train_function_trains_exactly_like_keras():
    rng = np.random.default_rng(1)
    x, y = rng.random((40, 16), dtype=np.float32), rng.integers(0, 4, 40)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(8).repeat()  # last call: 1 of 2 steps
    timed, plain = _tiny_mlp(seed=3), _tiny_mlp(seed=3)
    _fit(timed, ds, epochs=1, steps=5, spe=2)
    plain.compile(keras.optimizers.SGD(0.01),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  steps_per_execution=2)
    plain.fit(ds, epochs=1, steps_per_epoch=5, verbose=0)
    assert timed.step_clock is not None and plain.step_clock is None
    for a, b in zip(timed.get_weights(), plain.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert int(timed.optimizer.iterations) == int(plain.optimizer.iterations) == 6  # as Keras


def test_a_keras_model_or_op_determinism_gets_the_host_side_keys_only(monkeypatch):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((4,))
    ds = tf.data.Dataset.from_tensor_slices((np.ones((8, 4), "float32"), np.zeros(8))).batch(4)
    monkeypatch.setattr(compat, "op_determinism_enabled", lambda: True)  # refuses tf.timestamp
    for model in (keras.Model(inputs, keras.layers.Dense(2)(inputs)),
                  RecipeModel(inputs, keras.layers.Dense(2)(inputs))):
        _, history = _fit(model, ds.repeat(), epochs=1, steps=2, spe=1)
        assert history["time_train_s"][0] > 0 and history["samples_per_s"][0] > 0
        assert not {"time_input_s", "time_compute_s", "time_callbacks_s"} & set(history)
        assert Breakdown.from_history(history) is None and report_lines(history) == []


def test_the_timing_keys_stay_out_of_the_logs_after_drop_log_keys():
    class Seen(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.keys = set(logs)

    seen = Seen()
    ds = tf.data.Dataset.from_tensor_slices((np.ones((8, 16), "float32"), np.zeros(8))).batch(4)
    _fit(_tiny_mlp(), ds.repeat(), epochs=1, steps=2, spe=2, extra=[DropLogKeys(), seen])
    assert "loss" in seen.keys and not seen.keys & set(KEYS)


def test_the_report_section_holds_the_verdict_and_the_steady_epochs():
    history = {"loss": [1.0, 0.5, 0.4], "time_input_s": [9.0, 3.0, 3.2],
               "time_compute_s": [2.0, 1.8, 1.8], "time_dispatch_s": [5.0, 0.2, 0.0],
               "time_callbacks_s": [1.0, 0.1, 0.1], "time_validation_s": [0.5, 0.5, 0.5],
               "input_share": [0.5, 0.6, 0.64], "samples_per_s": [100.0, 200.0, 195.0]}
    text = "\n".join(report_lines(history))
    assert "**input-bound: 62% of step time waiting for data -> cache" in text  # 6.2 / 10
    assert "Over 2 epoch(s) after the first" in text
    assert "| waiting for data | 3.1 | 55.4% |" in text  # 6.2 / (6.2 + 3.6 + 0.2 + 0.2 + 1.0)
    assert "Throughput (last epoch): 195 samples/s." in text
    assert report_lines({"loss": [1.0]}) == []


VERDICTS = [  # (wait, compute, dispatch, callbacks) -> the verdict's start
    ((0.1, 9.0, 0.1, 0.3), "compute-bound: 98% of step time in the compiled step, 1% waiting"),
    ((0.1, 1.0, 2.0, 0.3), "host-bound: 68% of training time outside the compiled step, "
                           "mostly launching calls"),
    ((0.1, 1.0, 0.1, 3.0), "host-bound: 74% of training time outside the compiled step, "
                           "mostly in callbacks"),
    ((4.6, 0.4, 0.6, 6.8), "input-bound: 82% of step time waiting for data -> cache, parallel "
                           "decode, prefetch, fewer/cheaper augmentations; also 60% of training "
                           "time outside the step"),
]


def test_verdicts():
    for (wait, compute, dispatch, callbacks), expected in VERDICTS:
        b = Breakdown(wait, compute, dispatch, callbacks, 0.0, wait + compute + dispatch)
        assert verdict(b).startswith(expected), verdict(b)
