"""Regression metrics in the target's units when training used standardized targets.

With `DataBundle.target_scale = (mean, std)` the network learns
`(y - mean) / std`; its `loss` and metrics in `history.csv` are in those
standardized units. `metrics.json` reports the recipe's metrics (`mae`,
`mse`, `rmse`) on predictions and labels mapped back to the target's units,
as the hand-back `model.keras` predicts them; `loss` stays the training
objective (standardized units).

Example:

>>> metrics = {"test": {"loss": 0.41, "mae": 0.52}}
>>> with_target_units(metrics, network, data_bundle, recipe.training)  # doctest: +SKIP
{'test': {'loss': 0.41, 'mae': 39.8}}
"""

from __future__ import annotations

import numpy as np


def unscale(values, target_scale) -> np.ndarray:
    """Standardized targets or predictions back in the target's units (`v * std + mean`)."""
    mean, std = (np.asarray(v, np.float32).reshape(-1) for v in target_scale)
    values = np.asarray(values, np.float32)
    shaped = values.reshape(len(values), -1) * std + mean
    return shaped.reshape(values.shape)


def evaluate_in_target_units(network, dataset, target_scale, metrics) -> dict[str, float]:
    """The `metrics` (fresh Keras metric objects) of `network` on `dataset`, unscaled.

    Args:
        network: the trained network (takes what `dataset` yields).
        dataset: batches of `(x, y_standardized)` or `(x, y, sample_weight)`.
        target_scale: `(mean, std)` the targets were standardized with.
        metrics: Keras metric objects, e.g. `keras.metrics.MeanAbsoluteError(name="mae")`.
    """
    for batch in dataset:
        x, y = batch[0], batch[1]
        weight = batch[2] if len(batch) > 2 else None
        predicted = np.asarray(network(x, training=False), np.float32)
        predicted = unscale(predicted.reshape(len(predicted), -1), target_scale)
        actual = unscale(np.asarray(y, np.float32).reshape(predicted.shape), target_scale)
        for metric in metrics:
            metric.update_state(actual, predicted, sample_weight=weight)
    return {metric.name: float(metric.result()) for metric in metrics}


def with_target_units(metrics: dict, network, data, training_config) -> dict:
    """`metrics` (`{split: {name: value}}`) with the regression metrics in target units.

    Unchanged unless `data.target_scale` is set; `loss` keeps its training units.
    """
    scale = getattr(data, "target_scale", None)
    if scale is None or data.spec.task != "regression":
        return metrics
    from keras_recipes.losses import build_metrics

    updated = {}
    for split, values in metrics.items():
        dataset = getattr(data, split, None)
        fresh = [m for m in build_metrics(training_config, "regression") if not isinstance(m, str)]
        units = evaluate_in_target_units(network, dataset, scale, fresh) if dataset else {}
        updated[split] = {**values, **units}
    return updated
