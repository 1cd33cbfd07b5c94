"""Loss and metric objects for a task, from `training.loss` / `training.metrics`."""

from __future__ import annotations

import keras

from keras_recipes.losses.sparse_smoothed_crossentropy import \
    SparseCategoricalCrossentropyWithSmoothing


def build_loss(config, task: str):
    """`auto` -> sparse categorical cross-entropy (classification) or MSE (regression)."""
    name = config.loss
    if name == "auto":
        name = "sparse_categorical_crossentropy" if task == "classification" else "mse"
    if name == "sparse_categorical_crossentropy":
        if config.label_smoothing > 0:
            return SparseCategoricalCrossentropyWithSmoothing(config.label_smoothing)
        return keras.losses.SparseCategoricalCrossentropy()
    if name == "categorical_crossentropy":
        return keras.losses.CategoricalCrossentropy(label_smoothing=config.label_smoothing)
    if name == "binary_crossentropy":
        return keras.losses.BinaryCrossentropy(label_smoothing=config.label_smoothing)
    return {"mse": keras.losses.MeanSquaredError, "mae": keras.losses.MeanAbsoluteError,
            "huber": keras.losses.Huber}[name]()


def build_metrics(config, task: str) -> list:
    """Metric objects named as in `history.csv` and `metrics.json` (e.g. `accuracy`)."""
    names = config.metrics or (["accuracy"] if task == "classification" else ["mae"])
    built = []
    for name in names:
        if name == "accuracy":
            built.append("accuracy")
        elif name.startswith("top_"):
            k = int(name.split("_")[1])
            built.append(keras.metrics.SparseTopKCategoricalAccuracy(k=k, name=name))
        elif name == "rmse":
            built.append(keras.metrics.RootMeanSquaredError(name="rmse"))
        else:
            metric = {"mae": keras.metrics.MeanAbsoluteError,
                      "mse": keras.metrics.MeanSquaredError}[name]
            built.append(metric(name=name))
    return built
