"""Loss and metric objects for a task, from `training.loss` / `training.metrics`."""

from __future__ import annotations

import keras

from keras_recipes.losses.classification_crossentropy import ClassificationCrossentropy
from keras_recipes.losses.top_k_accuracy import TopKAccuracy


def build_loss(config, task: str):
    """`auto` -> categorical cross-entropy (classification) or MSE (regression).

    Both cross-entropy names give `ClassificationCrossentropy`, which reads the
    label format from its shape: class ids, or one-hot / mixed labels when
    `data.augment` mixes labels (mixup, cutmix); `label_smoothing` applies to both.
    """
    name = config.loss
    if name == "auto":
        name = "sparse_categorical_crossentropy" if task == "classification" else "mse"
    if name in ("sparse_categorical_crossentropy", "categorical_crossentropy"):
        return ClassificationCrossentropy(config.label_smoothing)
    if name == "binary_crossentropy":
        return keras.losses.BinaryCrossentropy(label_smoothing=config.label_smoothing)
    return {"mse": keras.losses.MeanSquaredError, "mae": keras.losses.MeanAbsoluteError,
            "huber": keras.losses.Huber}[name]()


def build_metrics(config, task: str) -> list:
    """Metric objects named as in `history.csv` and `metrics.json` (e.g. `accuracy`).

    `accuracy` and the top-k metrics accept class ids and one-hot / mixed labels.
    """
    names = config.metrics or (["accuracy"] if task == "classification" else ["mae"])
    built = []
    for name in names:
        if name == "accuracy":
            built.append("accuracy")
        elif name.startswith("top_"):
            k = int(name.split("_")[1])
            built.append(TopKAccuracy(k=k, name=name))
        elif name == "rmse":
            built.append(keras.metrics.RootMeanSquaredError(name="rmse"))
        else:
            metric = {"mae": keras.metrics.MeanAbsoluteError,
                      "mse": keras.metrics.MeanSquaredError}[name]
            built.append(metric(name=name))
    return built
