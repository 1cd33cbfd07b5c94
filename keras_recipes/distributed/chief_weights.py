"""Every replica takes the chief's weights before the final phase: one model is evaluated.

Data parallelism keeps the trainable weights equal on every replica (they
apply the same all-reduced gradients), but not every variable: unsynchronized
batch norm updates its moving mean and variance from each replica's own
shard, so after training each worker holds its own statistics. Keras'
distributed `evaluate` then scores half the data with the chief's statistics
and half with worker 1's, and a resumed launch (where every worker starts from
the chief's saved state) reports other metrics than an uninterrupted one. The
final phase therefore starts by giving every replica the first replica's
(the chief's) value of every floating-point weight: evaluation, the report and
the hand-back model all see the one model the chief writes.
"""

from __future__ import annotations


def use_chief_weights(model, strategy) -> int:
    """Sets every replica's floating-point weights to those of replica 0 (the chief's).

    A collective: under a multi-worker strategy every worker must call it at
    the same point. Replica 0's values come through unchanged (an all-reduce
    sum with zeros from the other replicas), so weights that were already
    equal stay bit-identical. Without replicas (one device) it does nothing.

    Example:

    >>> with strategy.scope():                      # doctest: +SKIP
    ...     model = build_model(...)
    >>> model.fit(...)                              # doctest: +SKIP
    >>> use_chief_weights(model, strategy)          # doctest: +SKIP
    4

    Args:
        model: a Keras model built under `strategy`.
        strategy: its `tf.distribute.Strategy`.

    Returns:
        The number of weights set (0 with a single replica).
    """
    if getattr(strategy, "num_replicas_in_sync", 1) < 2:
        return 0
    import tensorflow as tf

    weights = [w for w in model.weights if tf.as_dtype(w.dtype).is_floating]
    if not weights:
        return 0

    @tf.function
    def chief_values():
        context = tf.distribute.get_replica_context()
        first = tf.equal(context.replica_id_in_sync_group, 0)
        own = [tf.convert_to_tensor(w.value) for w in weights]
        return context.all_reduce(tf.distribute.ReduceOp.SUM,
                                  [tf.where(first, v, tf.zeros_like(v)) for v in own])

    values = strategy.experimental_local_results(strategy.run(chief_values))[0]
    for weight, value in zip(weights, values):
        weight.assign(value)
    return len(weights)
