"""Runs the callbacks under a 2-replica MirroredStrategy on 2 logical CPUs.

Started in a fresh interpreter by `test_mirrored.py` (the CPU must be split
before TensorFlow initializes its devices). Prints one JSON line.
"""

import json

import tensorflow as tf

_cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(_cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_recipes.callbacks import (  # noqa: E402
    GradientNormLogger,
    LearningRateLogger,
    ReduceLROnPlateau,
)
from keras_recipes.schedules import WarmupCosine  # noqa: E402
from tests.callbacks._helpers import (  # noqa: E402
    ImpliedLearningRate,
    Recorder,
    mlp,
    regression_data,
    schedule_values,
)


def hand_norm(model, x, y):
    with tf.GradientTape() as tape:
        loss = keras.losses.MeanSquaredError()(y, model(x, training=True))
    return float(tf.linalg.global_norm(tape.gradient(loss, model.trainable_variables)))


def main():
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    out = {"replicas": strategy.num_replicas_in_sync}
    x, y = regression_data(32)

    # Gradient norm of one full-batch step (16 samples per replica).
    for policy in ("float32", "mixed_float16"):
        keras.mixed_precision.set_global_policy(policy)
        keras.utils.set_random_seed(0)
        with strategy.scope():
            model = mlp(output_dtype="float32")
            model.compile(optimizer="sgd", loss="mse")
        expected = hand_norm(model, x, y)
        one_replica_share = hand_norm(model, x[:16], y[:16])
        recorder = Recorder()
        model.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0,
                  callbacks=[GradientNormLogger(), recorder])
        out[f"grad_norm/{policy}"] = {
            "logged": recorder.batches[0]["grad_norm"],
            "expected": expected,
            "one_replica_share": one_replica_share,
            "optimizer": type(model.optimizer).__name__,
        }
    keras.mixed_precision.set_global_policy("float32")

    # Plateau on a schedule: logged and really applied learning rates.
    schedule = WarmupCosine(0.1, total_steps=40, warmup_steps=4)
    keras.utils.set_random_seed(1)
    with strategy.scope():
        model = mlp()
        model.compile(optimizer=keras.optimizers.SGD(schedule), loss="mse")
    recorder = Recorder()
    implied = ImpliedLearningRate(x, y, batch_size=8)
    plateau = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=1e9)
    model.fit(x, y, batch_size=8, epochs=5, shuffle=False, verbose=0,
              callbacks=[implied, LearningRateLogger(), plateau, recorder])
    factor = model.optimizer._learning_rate.factor
    out["plateau"] = {
        "logged": recorder.column("learning_rate"),
        "applied": implied.values,
        "expected": list(schedule_values(schedule, np.arange(20))
                         * np.repeat([1.0, 1.0, 0.5, 0.25, 0.125], 4)),
        "factor_per_replica": [float(v) for v in strategy.experimental_local_results(
            factor.value)],
    }
    # Both loggers in one fit (sharing the optimizer hooks), twice.
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.9)
    keras.utils.set_random_seed(2)
    with strategy.scope():
        model = mlp()
        model.compile(optimizer=keras.optimizers.SGD(schedule), loss="mse")
    out["both"] = []
    for _ in range(2):
        recorder = Recorder()
        implied = ImpliedLearningRate(x, y, batch_size=8)
        logger = LearningRateLogger()
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0,
                  callbacks=[implied, logger, GradientNormLogger(), recorder])
        out["both"].append({
            "learning_rate": recorder.column("learning_rate"),
            "epoch_learning_rate": recorder.column("learning_rate", "epochs"),
            "applied": implied.values,
            "grad_norm": recorder.column("grad_norm"),
            "hand_norm": implied.norms,
            "recorded_in_step": float(logger._applied.numpy()),
            "hooks_left": sorted({"apply", "_keras_recipes_taps"} & set(vars(model.optimizer))),
        })
    print(json.dumps(out))


if __name__ == "__main__":
    main()
