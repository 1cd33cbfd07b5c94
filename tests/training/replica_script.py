"""Run in a subprocess: train a tiny model on one device and under MirroredStrategy and
print the largest weight / moving-statistics / validation-loss gaps as JSON.

Usage: python -m tests.training.replica_script DEVICES CASE...
  DEVICES  logical CPUs to split the CPU into (before TensorFlow starts)
  CASE     PRECISION/REPLICAS/ACCUMULATION/BN/LAST/STEPS[/jit], e.g. float32/2/2/bn/partial/3
           (jit: the replicas' train step XLA-compiled, jit_compile=True)
           (BN: bn | nobn | local (batch norm not synchronized);
            LAST: whole | partial | nN for N examples in all)

Every case trains the same seeded model twice at the same global batch: once on
one device (the reference) and once on REPLICAS mirrored replicas, with
synchronized batch norm. The reference sees each update's examples in the
order that puts replica r's micro-batch i next to the other replicas' micro-batch
i, so one device's micro-batch i is exactly the union that synchronized batch
norm normalizes over. A partial last batch (ACCUMULATION 1) is split unevenly
across replicas; with accumulation the training pipeline drops it (as the
trainer does) and the 157-example validation split is the uneven one.
"""

import json
import os
import sys
import types

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.set_logical_device_configuration(
    tf.config.list_physical_devices("CPU")[0],
    [tf.config.LogicalDeviceConfiguration()] * int(sys.argv[1]))

import keras  # noqa: E402

from keras_recipes.runtime.strategy import build_strategy  # noqa: E402
from keras_recipes.training.recipe_model import as_recipe_model  # noqa: E402
from keras_recipes.training.sync_batch_norm import sync_batch_norm  # noqa: E402

MICRO = 8          # examples per replica per micro-batch
FEATURES = 6
VAL = 157


def _data(n):
    rng = np.random.default_rng(0)
    x = (rng.normal(size=(n, FEATURES)) * 2.0 + 1.0).astype("float32")
    y = rng.integers(0, 3, n).astype("int32")
    return x, y


def _reference_order(n, replicas, accumulation):
    """Indices that put the replicas' micro-batch i together in one device's batch."""
    glob = MICRO * replicas * accumulation
    order = []
    for start in range(0, n - n % glob, glob):
        share = glob // replicas
        for i in range(accumulation):
            for r in range(replicas):
                first = start + r * share + i * MICRO
                order.extend(range(first, first + MICRO))
    order.extend(range(n - n % glob, n))
    return np.asarray(order)


def _model(bn: bool):
    inputs = keras.Input((FEATURES,))
    h = keras.layers.Dense(8, use_bias=not bn)(inputs)
    if bn:
        h = keras.layers.BatchNormalization(momentum=0.5)(h)
    h = keras.layers.Activation("relu")(h)
    h = keras.layers.Dense(3)(h)
    return keras.Model(inputs, keras.layers.Activation("softmax", dtype="float32")(h))


def train(strategy, replicas, precision, accumulation, bn, last, steps, jit=False):
    keras.mixed_precision.set_dtype_policy(precision)
    glob = MICRO * replicas * accumulation
    if last.startswith("n"):  # an exact example count
        n = int(last[1:])
    else:
        n = glob * steps + (MICRO * replicas + 3 if last == "partial" else 0)
    x, y = _data(n)
    xv, yv = _data(VAL)
    if strategy is None:  # one device: micro-batches of MICRO * replicas
        order = _reference_order(n, replicas, accumulation)
        x, y = x[order], y[order]
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(glob, drop_remainder=accumulation > 1)
    val = tf.data.Dataset.from_tensor_slices((xv, yv)).batch(glob)
    scope = strategy.scope() if strategy is not None else tf.distribute.get_strategy().scope()
    keras.utils.set_random_seed(0)
    with scope:
        model = as_recipe_model(_model(bn))
        model.configure_training(accumulation)
        sync_batch_norm(model, strategy is not None and bn != "local")
        optimizer = keras.optimizers.SGD(0.1, momentum=0.9)
        if precision == "mixed_float16":  # a scale that overflows on neither side
            optimizer = keras.optimizers.LossScaleOptimizer(optimizer, initial_scale=2.0 ** 8)
        # One device runs eagerly (no tracing: the reference is cheap); replicas compiled.
        model.compile(optimizer, "sparse_categorical_crossentropy", metrics=["accuracy"],
                      run_eagerly=strategy is None, jit_compile=jit and strategy is not None)
    # The uneven validation split runs where it used to crash (accumulation > 1).
    history = model.fit(ds, epochs=1, validation_data=val if accumulation > 1 else None,
                        verbose=0)
    weights = [np.asarray(keras.ops.convert_to_numpy(w), np.float64) for w in model.weights]
    return weights, history.history.get("val_loss", [0.0])[-1], history.history["loss"][-1]


def gap(case: str) -> dict:
    precision, replicas, accumulation, bn, last, steps, *jit = case.split("/")
    replicas, accumulation, steps = int(replicas), int(accumulation), int(steps)
    args = (precision, accumulation, {"bn": True, "local": "local"}.get(bn, False), last, steps)
    one, val_one, loss_one = train(None, replicas, *args)
    config = types.SimpleNamespace(strategy="mirrored", devices=replicas, virtual_cpus=None,
                                   tpu=None)
    many, val_many, loss_many = train(build_strategy(config), replicas, *args, jit=jit == ["jit"])
    return {"weights": max(float(np.max(np.abs(a - b))) for a, b in zip(one, many)),
            "val_loss": abs(val_one - val_many), "loss": abs(loss_one - loss_many)}


if __name__ == "__main__":
    print(json.dumps({case: gap(case) for case in sys.argv[2:]}))
