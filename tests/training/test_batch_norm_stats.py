"""Precise batch-norm statistics: exact population values, inference mode elsewhere,
frozen layers untouched, the inference/training-mode check, and the run verdict."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

from keras_recipes.training.batch_norm_stats import (ModeAgreement, batch_norm_layers,  # noqa: E402
                                                     mode_agreement, recompute_batch_norm)


def _data(n=100, features=3, seed=0):
    rng = np.random.default_rng(seed)
    x = (rng.normal(size=(n, features)) * [1.0, 3.0, 0.5] + [5.0, -2.0, 0.0]).astype(np.float32)
    y = (x[:, 0] > 5.0).astype(np.int32)
    return x, y


def _batches(x, y=None, size=32):
    data = (x, y) if y is not None else x
    return tf.data.Dataset.from_tensor_slices(data).batch(size)


def _stale(model):
    for layer in batch_norm_layers(model):
        layer.moving_mean.assign(np.full(layer.moving_mean.shape, 40.0, np.float32))
        layer.moving_variance.assign(np.full(layer.moving_variance.shape, 1e-3, np.float32))


def test_population_statistics_are_exact_over_uneven_batches():
    x, _ = _data(100)  # batches of 32, 32, 32, 4
    inputs = keras.Input((3,))
    bn = keras.layers.BatchNormalization()
    model = keras.Model(inputs, bn(inputs))
    report = recompute_batch_norm(model, _batches(x))
    np.testing.assert_allclose(np.asarray(bn.moving_mean), x.mean(0), atol=1e-5)
    np.testing.assert_allclose(np.asarray(bn.moving_variance), x.var(0), rtol=1e-5)
    assert (report.layers, report.batches, report.examples) == (1, 4, 100)


def test_later_layers_see_batch_normalized_inputs_and_dropout_is_off():
    x, _ = _data(96)
    inputs = keras.Input((3,))
    first = keras.layers.BatchNormalization(epsilon=1e-3)
    h = keras.layers.Dropout(0.9)(first(inputs))
    dense = keras.layers.Dense(2, kernel_initializer="ones", bias_initializer="zeros")
    second = keras.layers.BatchNormalization()
    model = keras.Model(inputs, second(dense(h)))
    _stale(model)
    recompute_batch_norm(model, _batches(x, size=32), max_batches=2)  # first 64 examples
    hidden = []
    for b in (x[:32], x[32:64]):
        normalized = (b - b.mean(0)) / np.sqrt(b.var(0) + 1e-3)
        hidden.append(normalized @ np.ones((3, 2)))
    hidden = np.concatenate(hidden)
    np.testing.assert_allclose(np.asarray(first.moving_mean), x[:64].mean(0), atol=1e-5)
    np.testing.assert_allclose(np.asarray(second.moving_mean), hidden.mean(0), atol=1e-4)
    np.testing.assert_allclose(np.asarray(second.moving_variance), hidden.var(0), rtol=1e-4)


def test_group_size_rebatches_to_the_training_micro_batch():
    x, _ = _data(64)
    inputs = keras.Input((3,))
    first = keras.layers.BatchNormalization(epsilon=1e-3)
    second = keras.layers.BatchNormalization()
    model = keras.Model(inputs, second(keras.layers.Dense(1, kernel_initializer="ones")(
        first(inputs))))
    report = recompute_batch_norm(model, _batches(x, size=64), group_size=16)
    parts = [x[i:i + 16] for i in range(0, 64, 16)]
    hidden = np.concatenate([((b - b.mean(0)) / np.sqrt(b.var(0) + 1e-3)).sum(1) for b in parts])
    assert report.batches == 4
    np.testing.assert_allclose(float(np.asarray(second.moving_variance)[0]), hidden.var(),
                               rtol=1e-4)


def test_frozen_and_nested_layers():
    x, _ = _data(64)
    inner_in = keras.Input((3,))
    inner_bn = keras.layers.BatchNormalization(name="inner_bn")
    inner = keras.Model(inner_in, inner_bn(inner_in), name="inner")
    inputs = keras.Input((3,))
    frozen = keras.layers.BatchNormalization(name="frozen")
    frozen.trainable = False
    model = keras.Model(inputs, frozen(inner(inputs)))
    before = np.asarray(frozen.moving_mean).copy()
    report = recompute_batch_norm(model, _batches(x))
    assert report.layers == 1
    np.testing.assert_allclose(np.asarray(inner_bn.moving_mean), x.mean(0), atol=1e-5)
    np.testing.assert_array_equal(np.asarray(frozen.moving_mean), before)


def test_mixed_precision_model_gets_float32_statistics():
    keras.mixed_precision.set_dtype_policy("mixed_float16")
    x, _ = _data(64)
    inputs = keras.Input((3,))
    bn = keras.layers.BatchNormalization()
    h = keras.layers.Dense(4)(bn(inputs))
    model = keras.Model(inputs, keras.layers.Activation("softmax", dtype="float32")(h))
    recompute_batch_norm(model, _batches(x))
    assert bn.moving_mean.dtype == "float32"
    np.testing.assert_allclose(np.asarray(bn.moving_mean), x.mean(0), atol=1e-2)


def test_mode_agreement_names_stale_statistics_until_recomputed():
    keras.utils.set_random_seed(0)  # unseeded, 1 initialization in 6 had not learned in 32 steps
    x, y = _data(256, seed=1)
    inputs = keras.Input((3,))
    h = keras.layers.BatchNormalization()(inputs)
    outputs = keras.layers.Dense(2, activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    model.compile(keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=64, epochs=8, verbose=0)
    _stale(model)
    stale = mode_agreement(model, _batches(x, y, 64))
    assert stale.training > 0.9 and stale.inference < 0.8 and not stale.agree
    recompute_batch_norm(model, _batches(x, size=64))
    fixed = mode_agreement(model, _batches(x, y, 64))
    assert fixed.agree and abs(fixed.inference - fixed.training) <= 0.02
    assert mode_agreement(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]),
                          _batches(x, y)) is None


@pytest.mark.parametrize("inference, training, agree", [
    (0.90, 0.91, True), (0.95, 0.90, True), (0.10, 0.98, False), (0.87, 0.90, False)])
def test_agreement_tolerance_is_two_points_one_sided(inference, training, agree):
    assert ModeAgreement("accuracy", inference, training, 100).agree is agree


def test_run_report_is_not_healthy_when_modes_disagree(tmp_path):
    from keras_recipes.monitoring.run_report import write_run_report

    history = {"loss": [1.5, 0.4, 0.15], "val_loss": [1.6, 0.5, 0.2]}
    bad = ModeAgreement("accuracy", 0.10, 0.98, 400)
    line = write_run_report(tmp_path, history, batch_norm=bad)
    assert line.startswith("run looks inconsistent: batch norm: val accuracy 0.1 in inference")
    assert "Batch norm" in (tmp_path / "report.md").read_text()
    good = ModeAgreement("accuracy", 0.97, 0.98, 400)
    assert write_run_report(tmp_path, history, batch_norm=good).startswith("run looks healthy")
    assert "(consistent)" in (tmp_path / "report.md").read_text()


@pytest.mark.slow
def test_short_resnet_run_hands_back_a_model_right_in_inference_mode(tmp_path):
    """The issue's case, scaled down: a ResNet, SGD + one-cycle, 3 short epochs. Before the
    precise-statistics pass its inference-mode accuracy was at chance."""
    from keras_recipes.config import validate_dict
    from keras_recipes.training.trainer import train

    recipe = validate_dict({
        "name": "bn", "seed": 0,
        "data": {"source": "synthetic", "name": "images", "batch_size": 32,
                 "synthetic": {"samples": 800, "classes": 10, "image_size": 16, "channels": 3,
                               "noise": 0.3}, "val_split": 0.2, "test_split": 0.2,
                 "normalize": "scale"},
        "model": {"type": "resnet", "filters": [8, 16], "blocks_per_stage": 1},
        "optimizer": {"name": "sgd"}, "schedule": {"name": "one_cycle"},
        "training": {"epochs": 3, "verbose": 0}, "callbacks": {"tensorboard": False}})
    lines = []
    (tmp_path / "run").mkdir()
    result = train(recipe, tmp_path / "run", echo=lines.append)
    assert any(line.startswith("batch norm: statistics of 7 layer(s) recomputed over 15 "
                               "training batches (480 examples)") for line in lines)
    from keras_recipes.data import build_data

    gap = mode_agreement(result.model, build_data(recipe.data, recipe.seed, 32).val)
    assert gap.agree and gap.inference >= gap.training - 0.02, gap
    assert result.metrics["test"]["accuracy"] > 0.4  # chance: 0.1
    report = (tmp_path / "run" / "report.md").read_text()
    assert "**Batch norm:** val accuracy" in report and "(consistent)" in report
