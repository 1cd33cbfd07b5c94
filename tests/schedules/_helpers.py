"""Shared checks for the schedule tests."""

from __future__ import annotations

import inspect
import json

import keras
import numpy as np
import tensorflow as tf

STEPS = np.arange(1000)  # every step of a 1000-step run


def evaluate(schedule, steps) -> np.ndarray:
    """The schedule's values at `steps` (vectorised), as float64 NumPy."""
    return np.asarray(keras.ops.convert_to_numpy(schedule(np.asarray(steps))), np.float64)


def evaluate_each(schedule, steps) -> np.ndarray:
    """The schedule's values, one scalar call per step."""
    return np.array([float(schedule(getattr(s, "item", lambda: s)())) for s in steps])


def assert_close(actual, expected, peak, tol=1e-6):
    """Absolute error <= `tol * peak` (the acceptance bound of every schedule)."""
    np.testing.assert_allclose(
        np.asarray(actual, np.float64),
        np.asarray(expected, np.float64),
        rtol=0,
        atol=tol * peak,
    )


def _values(schedule, steps, vectorised):
    return evaluate(schedule, steps) if vectorised else evaluate_each(schedule, steps)


def check_config_round_trip(schedule, steps=STEPS, vectorised=True):
    """get_config holds every constructor argument, is JSON-able and rebuilds it."""
    config = schedule.get_config()
    params = set(inspect.signature(type(schedule).__init__).parameters) - {"self"}
    assert set(config) == params
    json.dumps(config)
    rebuilt = type(schedule).from_config(config)
    assert rebuilt.get_config() == config
    np.testing.assert_array_equal(
        _values(rebuilt, steps, vectorised), _values(schedule, steps, vectorised)
    )
    # And through Keras' generic (de)serialization, by registered name.
    serialized = keras.saving.serialize_keras_object(schedule)
    assert serialized["registered_name"] == f"keras_recipes>{type(schedule).__name__}"
    again = keras.saving.deserialize_keras_object(json.loads(json.dumps(serialized)))
    assert type(again) is type(schedule)
    np.testing.assert_array_equal(
        _values(again, steps, vectorised), _values(schedule, steps, vectorised)
    )
    return rebuilt


def check_tf_function(schedule, steps=(0, 1, 7, 100, 999, 5000)):
    """Traced (int64, int32 and float32 steps, and under XLA) equals eager."""
    eager = evaluate_each(schedule, steps)
    traced = tf.function(lambda s: schedule(s))
    jitted = tf.function(lambda s: schedule(s), jit_compile=True)
    for dtype in (tf.int64, tf.int32, tf.float32):
        got = [float(traced(tf.constant(s, dtype))) for s in steps]
        np.testing.assert_allclose(got, eager, rtol=1e-6, atol=0)
    got = [float(jitted(tf.constant(s, tf.int64))) for s in steps]
    np.testing.assert_allclose(got, eager, rtol=1e-5, atol=1e-12)
    # Like optimizer.iterations: an int64 variable read inside the graph.
    iterations = tf.Variable(0, dtype=tf.int64)
    read = tf.function(lambda: schedule(iterations))
    for step, expected in zip(steps, eager):
        iterations.assign(step)
        np.testing.assert_allclose(float(read()), expected, rtol=1e-6, atol=0)


def check_keras_save_load(schedule, directory, iterations=123, steps=STEPS, vectorised=True):
    """A .keras model compiled with the schedule reloads with it, values identical."""
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule), loss="mse")
    model.optimizer.build(model.trainable_variables)
    model.optimizer.iterations.assign(iterations)
    path = directory / "model.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    optimizer = reloaded.optimizer
    loaded = optimizer._learning_rate
    assert type(loaded) is type(schedule)
    assert loaded is not schedule
    assert loaded.get_config() == schedule.get_config()
    np.testing.assert_array_equal(
        _values(loaded, steps, vectorised), _values(schedule, steps, vectorised)
    )
    assert int(optimizer.iterations) == iterations
    np.testing.assert_allclose(
        float(optimizer.learning_rate), float(schedule(iterations)), rtol=1e-6
    )
    return loaded
