"""Run in a subprocess: train the same tiny MLP several ways and print max weight gaps as JSON.

Usage: python -m tests.training.equivalence_script REPLICAS   (2: cases on 1-2 replicas; 4)
The CPU is split into 4 logical devices before TensorFlow starts; every case in
CASES runs once and the gaps are printed as one JSON object. A case's one-device
reference is trained once per (case, precision) and shared by the cases that need it.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.set_logical_device_configuration(
    tf.config.list_physical_devices("CPU")[0], [tf.config.LogicalDeviceConfiguration()] * 4)

import keras  # noqa: E402

from keras_recipes.schedules import WarmupCosine  # noqa: E402
from keras_recipes.training.recipe_model import as_recipe_model  # noqa: E402

GLOBAL_BATCH = 32
STEPS = 6


def _plain_keras(model):
    model.configure_training = lambda accumulation, global_clipnorm=None: setattr(
        model, "_clip", global_clipnorm)
    return model


def per_sample_loss(y_true, y_pred):
    """A custom per-sample loss (Huber-like on the true-class probability)."""
    p = keras.ops.take_along_axis(y_pred, keras.ops.cast(y_true, "int32")[:, None], axis=1)
    return keras.ops.squeeze((1.0 - p) ** 2, axis=1)


def optimizer(case):
    if case == "clip":  # SGD: the update is proportional to the (clipped) gradient
        return keras.optimizers.SGD(0.5)
    lr = WarmupCosine(0.05, total_steps=STEPS, warmup_steps=2) if case == "schedule" else 0.05
    decay = 0.1 if case in ("weight_decay", "accumulate") else None
    return keras.optimizers.AdamW(lr, weight_decay=decay or 0.0)


def train(case, strategy, accumulation, precision):
    keras.mixed_precision.set_dtype_policy(precision)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(GLOBAL_BATCH * STEPS, 6)).astype("float32")
    y = rng.integers(0, 3, GLOBAL_BATCH * STEPS).astype("int32")
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(GLOBAL_BATCH)
    with strategy.scope():
        inputs = keras.Input((6,))
        h = keras.layers.Dense(16, activation="tanh")(inputs)
        outputs = keras.layers.Activation("softmax", dtype="float32")(keras.layers.Dense(3)(h))
        model = as_recipe_model(keras.Model(inputs, outputs))
        clip = 0.05 if case in ("clip", "accumulate") else None
        model.configure_training(accumulation, global_clipnorm=clip)
        loss = per_sample_loss if case == "custom_loss" else "sparse_categorical_crossentropy"
        opt = optimizer(case)
        if getattr(model, "_clip", None):
            opt.global_clipnorm = model._clip
        model.compile(opt, loss)
    model.fit(ds, epochs=1, verbose=0, shuffle=False)
    return [np.asarray(w, np.float64) for w in model.get_weights()]


CASES = [
    *[(case, replicas, 1, "float32") for case in
      ("adamw", "clip", "weight_decay", "schedule", "custom_loss") for replicas in (2, 4)],
    ("adamw", 2, 1, "mixed_bfloat16"), ("adamw", 4, 1, "mixed_bfloat16"),
    *[("accumulate", replicas, 4, precision) for replicas in (1, 2)
      for precision in ("float32", "mixed_float16")],
    ("plain_keras_clip", 2, 1, "float32"),
]


_REFERENCES = {}  # "case/precision" -> one-device weights


def gap(case, replicas, accumulation, precision):
    global as_recipe_model
    build = as_recipe_model
    key = f"{case}/{precision}"
    if case == "plain_keras_clip":  # the trap: Keras clips per replica before the all-reduce
        as_recipe_model, case = _plain_keras, "clip"
    try:
        if key not in _REFERENCES:
            _REFERENCES[key] = train(case, tf.distribute.OneDeviceStrategy("/cpu:0"), 1,
                                     precision)
        reference = _REFERENCES[key]
        devices = [f"/cpu:{i}" for i in range(replicas)]
        strategy = (tf.distribute.MirroredStrategy(devices) if replicas > 1
                    else tf.distribute.OneDeviceStrategy("/cpu:0"))
        other = train(case, strategy, accumulation, precision)
    finally:
        as_recipe_model = build
    return max(float(np.abs(a - b).max()) for a, b in zip(reference, other))


def main():
    # One replica count per process: collectives of a second MirroredStrategy with another
    # device count in the same process abort ("joining a group with size 4, but ... 2").
    wanted = int(sys.argv[1])
    results = {}
    for case in CASES:
        if max(case[1], 2) == wanted:
            results["/".join(map(str, case))] = gap(*case)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
