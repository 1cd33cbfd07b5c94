"""The private Keras/TF API the package uses still exists, and behaves as relied on."""

import keras
import pytest

from keras_recipes import _keras_compat as compat


def _model():
    inputs = keras.Input((3,))
    inner = keras.Sequential([keras.layers.Dense(4), keras.layers.BatchNormalization()],
                             name="inner")
    return keras.Model(inputs, keras.layers.Dense(2)(inner(inputs)))


def test_every_private_attribute_exists_on_the_installed_versions():
    import tensorflow as tf

    model = _model()
    optimizer = keras.optimizers.Adam(keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5))
    metric = keras.metrics.AUC()
    owners = {compat.MODEL_SYMBOLIC_BUILD: keras.Model, compat.MODEL_LOSS_TRACKER: model,
              compat.MODEL_FLATTEN_LAYERS: model, compat.OPTIMIZER_ALL_REDUCE: optimizer,
              compat.OPTIMIZER_VAR_KEY: optimizer, compat.OPTIMIZER_LEARNING_RATE: optimizer,
              compat.OPTIMIZER_ITERATIONS: optimizer, compat.METRIC_DIRECTION: metric,
              compat.STRATEGY_MULTI_WORKER: tf.distribute.get_strategy().extended,
              compat.MODEL_TRAIN_FUNCTION: model, compat.MODEL_MAKE_TRAIN_FUNCTION: model,
              compat.OPTIMIZER_WEIGHT_DECAY: optimizer, compat.OPTIMIZER_USE_DECAY: optimizer,
              compat.OPTIMIZER_STRATEGY: optimizer}
    missing = [name for name, owner in owners.items() if not hasattr(owner, name)]
    assert not missing, f"{compat.versions()} lacks {missing}"
    assert compat.model_strategy(model) is None or hasattr(compat.model_strategy(model), "scope")


def test_the_helpers_return_what_the_package_relies_on():
    import tensorflow as tf

    model = _model()
    layers = [layer.name for layer in compat.flatten_layers(model)]
    assert layers[0] == model.name and "inner" in layers and len(layers) == 7
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    optimizer = keras.optimizers.Adam(schedule)
    optimizer.build(model.trainable_variables)
    assert compat.schedule_object(optimizer) is schedule
    assert int(compat.iterations_variable(optimizer).numpy()) == 0
    keys = {compat.variable_key(optimizer, v) for v in model.trainable_variables}
    assert len(keys) == len(model.trainable_variables)
    assert compat.supports_gradient_taps(optimizer)
    assert compat.in_multi_worker_mode(tf.distribute.get_strategy()) is False
    assert float(compat.unscale_loss_for_distribution(tf.constant(2.0))) == 2.0
    model.compile(loss="mse", metrics=[keras.metrics.AUC(name="auc")])
    model.evaluate(tf.ones((2, 3)), tf.ones((2, 2)), verbose=0)
    assert compat.declared_direction(model, "val_auc") == "max"
    assert compat.declared_direction(model, "val_nothing") is None
    assert compat.loss_tracker(model).name == "loss"


def test_a_missing_private_api_names_the_versions_checked():
    with pytest.raises(compat.KerasCompatError, match=r"object._var_key is missing in Keras "
                                                      r"3\.\d+.* checked on Keras 3\.11"):
        compat.variable_key(object(), None)
