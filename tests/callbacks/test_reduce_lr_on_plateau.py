import keras
import numpy as np
import pytest

from keras_recipes.callbacks import (
    LearningRateLogger,
    ReduceLROnPlateau,
    ScaledSchedule,
    plateau_scalable,
)
from keras_recipes.schedules import WarmupCosine
from tests.callbacks._helpers import Recorder, Scripted, mlp, regression_data, schedule_values

BATCHES = 4  # 32 samples, batch size 8


def _model(optimizer):
    keras.utils.set_random_seed(2)
    model = mlp()
    model.compile(optimizer=optimizer, loss="mse")
    return model


def _fit(model, callbacks, epochs, initial_epoch=0):
    x, y = regression_data(32)
    recorder = Recorder()
    model.fit(x, y, batch_size=8, epochs=epochs, initial_epoch=initial_epoch, shuffle=False,
              verbose=0, callbacks=[*callbacks, recorder])
    return recorder


def test_scales_a_schedule_through_several_reductions():
    schedule = WarmupCosine(0.1, total_steps=40, warmup_steps=4)
    model = _model(keras.optimizers.AdamW(schedule))
    # `loss` never improves by 1e9: a reduction at the end of epochs 1, 2, 3, 4
    # (epoch 0 sets the best value; patience 1).
    plateau = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=1e9)
    recorder = _fit(model, [LearningRateLogger(), plateau], epochs=5)

    factors = np.repeat([1.0, 1.0, 0.5, 0.25, 0.125], BATCHES)
    expected = schedule_values(schedule, np.arange(5 * BATCHES)) * factors
    np.testing.assert_allclose(recorder.column("learning_rate"), expected, rtol=1e-6)
    assert isinstance(model.optimizer._learning_rate, ScaledSchedule)
    assert model.optimizer._learning_rate.scale == pytest.approx(0.0625)
    # The epoch log holds the last step's value before that epoch's reduction.
    np.testing.assert_allclose(recorder.column("learning_rate", "epochs"),
                               expected[BATCHES - 1::BATCHES], rtol=1e-6)


def test_same_decisions_as_keras_with_a_float_learning_rate():
    scores = [1.0, 0.9, 0.95, 0.96, 0.97, 0.5, 0.6, 0.61, 0.62, 0.63]
    kwargs = dict(monitor="score", factor=0.5, patience=2, cooldown=1, min_delta=0.01,
                  min_lr=0.02, mode="min")
    ours = _fit(_model(keras.optimizers.SGD(0.1)), [Scripted(scores), ReduceLROnPlateau(**kwargs)],
                epochs=len(scores))
    theirs = _fit(_model(keras.optimizers.SGD(0.1)),
                  [Scripted(scores), keras.callbacks.ReduceLROnPlateau(**kwargs)],
                  epochs=len(scores))
    ours_lrs = ours.column("learning_rate", "epochs")
    np.testing.assert_allclose(ours_lrs, theirs.column("learning_rate", "epochs"), rtol=1e-6)
    assert len(set(np.round(ours_lrs, 6))) == 3  # 0.1 -> 0.05 -> 0.025 (then min_lr holds it)


def test_same_decisions_on_a_schedule_as_keras_on_a_float():
    scores = [1.0, 0.9, 0.95, 0.96, 0.97, 0.5, 0.6, 0.61, 0.62, 0.63]
    kwargs = dict(monitor="score", factor=0.5, patience=2, cooldown=1, min_delta=0.01, mode="min")
    constant = keras.optimizers.schedules.PiecewiseConstantDecay([10**6], [0.1, 0.1])
    ours = _fit(_model(keras.optimizers.SGD(constant)),
                [Scripted(scores), ReduceLROnPlateau(**kwargs)], epochs=len(scores))
    theirs = _fit(_model(keras.optimizers.SGD(0.1)),
                  [Scripted(scores), keras.callbacks.ReduceLROnPlateau(**kwargs)],
                  epochs=len(scores))
    np.testing.assert_allclose(ours.column("learning_rate", "epochs"),
                               theirs.column("learning_rate", "epochs"), rtol=1e-6)


def test_min_lr_clamps_the_scale():
    schedule = keras.optimizers.schedules.PiecewiseConstantDecay([10**6], [0.1, 0.1])
    model = _model(keras.optimizers.SGD(schedule))
    plateau = ReduceLROnPlateau(monitor="loss", factor=0.1, patience=1, min_delta=1e9, min_lr=0.004)
    recorder = _fit(model, [LearningRateLogger(), plateau], epochs=4)
    lrs = recorder.column("learning_rate")
    np.testing.assert_allclose(lrs[::BATCHES], [0.1, 0.1, 0.01, 0.004], rtol=1e-6)


def test_reduced_scale_survives_save_and_load(tmp_path):
    schedule = WarmupCosine(0.1, total_steps=40, warmup_steps=4)
    model = _model(keras.optimizers.Adam(schedule))
    plateau = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=1e9)
    _fit(model, [plateau], epochs=3)
    scale = model.optimizer._learning_rate.scale
    assert scale == pytest.approx(0.25)

    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.optimizer._learning_rate, ScaledSchedule)
    assert loaded.optimizer._learning_rate.scale == pytest.approx(scale)
    for saved, restored in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(saved),
                                      keras.ops.convert_to_numpy(restored))

    # Training the reloaded model continues at the reduced scale, and reduces further.
    plateau = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=1e9)
    recorder = _fit(loaded, [LearningRateLogger(), plateau], epochs=5, initial_epoch=3)
    factors = np.repeat([0.25, 0.25], BATCHES)
    expected = schedule_values(schedule, np.arange(3 * BATCHES, 5 * BATCHES)) * factors
    np.testing.assert_allclose(recorder.column("learning_rate"), expected, rtol=1e-6)
    assert loaded.optimizer._learning_rate.scale == pytest.approx(0.125)


def test_prewrapped_schedule_is_used_as_is():
    wrapped = plateau_scalable(WarmupCosine(0.1, total_steps=40))
    assert plateau_scalable(wrapped) is wrapped
    model = _model(keras.optimizers.SGD(wrapped))
    plateau = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=1e9)
    _fit(model, [plateau], epochs=2)
    assert model.optimizer._learning_rate is wrapped
    assert wrapped.scale == pytest.approx(0.5)  # epoch 0 sets the best value


def test_scaled_schedule_config_round_trip():
    schedule = ScaledSchedule(WarmupCosine(0.1, total_steps=10), factor=0.3)
    restored = ScaledSchedule.from_config(schedule.get_config())
    np.testing.assert_allclose(schedule_values(restored, range(10)),
                               schedule_values(schedule, range(10)), rtol=1e-6)
    assert restored.scale == pytest.approx(0.3)


def test_rejects_a_callable_learning_rate():
    model = _model(keras.optimizers.SGD(lambda: 0.01))
    with pytest.raises(ValueError, match="plain callable"):
        _fit(model, [ReduceLROnPlateau(monitor="loss")], epochs=1)


def test_rejects_bad_arguments():
    for kwargs in (dict(factor=1.0), dict(factor=-0.1), dict(patience=-1), dict(mode="best"),
                   dict(cooldown=1.5), dict(min_lr=-1.0), dict(monitor="")):
        (name, value), = kwargs.items()
        with pytest.raises(ValueError, match=f"Argument `{name}` must .* Received: {name}="):
            ReduceLROnPlateau(**kwargs)


def test_mode_auto_needs_a_known_direction():
    model = _model(keras.optimizers.SGD(0.1))
    with pytest.raises(ValueError, match="mode='min'"):
        _fit(model, [Scripted([1.0]), ReduceLROnPlateau(monitor="score")], epochs=1)
