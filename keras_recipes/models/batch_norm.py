"""Batch-norm momentum fitted to the run's step budget.

Keras' `BatchNormalization` keeps `momentum ** N` of its initial moving
statistics after N updates: with its default 0.99, 32% after 114 updates, so a
short run hands back a model whose inference-mode statistics are not those of
the data. The built-in families (mlp, cnn, resnet) therefore take their
momentum from the budget: the initial values must weigh at most `e**-10` at
the end of the run, within PyTorch's default (0.9 in Keras terms) and Keras'
(0.99):

```
momentum = clip(1 - 10 / total_updates, 0.9, 0.99)
```

114 updates give 0.9123, 1,000 or more give 0.99. The precise-statistics pass
(`keras_recipes.training.batch_norm_stats`) then sets the final statistics
exactly; the momentum matters for the validation numbers during training.

Example:

>>> budget_momentum(114)
0.9123
>>> budget_momentum(50_000)
0.99
"""

from __future__ import annotations

MIN_MOMENTUM, MAX_MOMENTUM = 0.9, 0.99
_HORIZON = 10.0  # the initial statistics weigh exp(-_HORIZON) after the budget


def budget_momentum(total_updates: int) -> float:
    """The batch-norm momentum for a run of `total_updates` optimizer updates.

    Args:
        total_updates: optimizer updates of the whole run (>= 1).

    Returns:
        `clip(1 - 10 / total_updates, 0.9, 0.99)`, rounded to 4 decimals.
    """
    if total_updates < 1:
        raise ValueError("Argument `total_updates` must be >= 1. Received: "
                         f"total_updates={total_updates}")
    return round(min(MAX_MOMENTUM, max(MIN_MOMENTUM, 1.0 - _HORIZON / total_updates)), 4)


def set_batch_norm_momentum(model, momentum: float) -> int:
    """Sets `momentum` on every trainable batch-norm layer of `model` (nested models too).

    Takes effect for calls traced afterwards (set it before `compile`/`fit`);
    `get_config` reports it, so a saved model records it. A frozen
    (non-trainable) layer keeps its momentum: it runs in inference mode and its
    statistics never move.

    Returns:
        The number of layers changed.
    """
    from keras_recipes.training.batch_norm_stats import batch_norm_layers

    if not 0.0 <= momentum < 1.0:
        raise ValueError(f"Argument `momentum` must be in [0, 1). Received: momentum={momentum}")
    layers = [layer for layer in batch_norm_layers(model) if layer.trainable]
    for layer in layers:
        layer.momentum = float(momentum)
    return len(layers)
