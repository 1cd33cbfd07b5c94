"""Synchronized batch norm across replicas: the statistics of the global micro-batch.

Under a data-parallel strategy each replica normalizes its share of the batch
by that share's statistics, so 2 replicas of 32 behave like batch norm on
batches of 32, not of 64, and their moving statistics drift apart from one
device's. Synchronized, every batch-norm layer all-reduces the sum, the sum of
squares and the count of its inputs across replicas (Keras'
`BatchNormalization(synchronized=True)` on the TensorFlow backend) and
normalizes by the global mean and variance: at the same global batch, N
replicas give one device's weights and moving statistics.

The layers stay plain `keras.layers.BatchNormalization` (the flag is a
constructor argument of that class); `unsynchronize` clears it before the
model is handed back, so the saved model carries no distribution setting.

Under gradient accumulation the statistics are those of one micro-batch
(batch size x replicas examples: "ghost batches"), never of the whole
accumulated batch.

Example:

>>> synchronized = sync_batch_norm(model, strategy, "auto")  # doctest: +SKIP
"""

from __future__ import annotations

_MULTI_REPLICA = ("mirrored", "multi_worker", "tpu")


def resolve_sync(mode, strategy_name: str, replicas: int, per_replica_xla: bool = False) -> bool:
    """`auto`: on for mirrored, multi_worker and tpu with more than one replica.

    An XLA-compiled replica step (`training.jit_compile: true` under several
    replicas) cannot stop to all-reduce inside the compiled forward pass: `auto`
    then keeps batch norm per replica, and `true` is refused.

    Example:

    >>> resolve_sync("auto", "mirrored", 2), resolve_sync("auto", "default", 1)
    (True, False)

    Raises:
        UsageError: `true` together with an XLA-compiled replica step.
    """
    if mode in (False, "false") or replicas <= 1:
        return False
    if per_replica_xla:
        if mode in (True, "true"):
            from keras_recipes.errors import UsageError

            raise UsageError("model.sync_batch_norm: true cannot be combined with "
                             "training.jit_compile: true under several replicas (the XLA-"
                             "compiled replica step cannot all-reduce) -> set one of them "
                             "to false (or auto)")
        return False
    return mode in (True, "true") or strategy_name in _MULTI_REPLICA


def sync_batch_norm(model, synchronized: bool) -> int:
    """Sets `synchronized` on every batch-norm layer of `model` (before its first trace).

    Returns:
        The number of batch-norm layers.
    """
    from keras_recipes.training.batch_norm_stats import batch_norm_layers

    layers = batch_norm_layers(model)
    for layer in layers:
        layer.synchronized = bool(synchronized)
    return len(layers)


def unsynchronize(model) -> None:
    """Clears the flag: the hand-back model's batch norm is plain, for any backend."""
    sync_batch_norm(model, False)


def describe(synchronized: bool, replicas: int, accumulation: int, micro_batch: int) -> str:
    """The plan's batch-norm line."""
    if synchronized:
        what = (f"batch norm: synchronized across {replicas} replicas (statistics of "
                f"{micro_batch * replicas} examples)")
    elif replicas > 1:
        what = (f"batch norm: per replica (statistics of {micro_batch} examples; "
                "model.sync_batch_norm: true to synchronize)")
    else:
        what = f"batch norm: statistics of {micro_batch} examples"
    if accumulation > 1:
        what += f", per micro-batch (ghost batches: not of the {accumulation}x accumulated batch)"
    return what


def configure_batch_norm(model, plan, micro_batch: int, accumulation: int) -> str:
    """Applies `plan.sync_batch_norm` to `model`'s batch-norm layers; returns the plan's
    batch-norm line ("" when the model has no batch norm)."""
    if not sync_batch_norm(model, plan.sync_batch_norm):
        return ""
    return describe(plan.sync_batch_norm, plan.replicas, accumulation, micro_batch)
