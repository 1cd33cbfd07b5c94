"""`PreciseBatchNorm`: batch-norm statistics of the data before every validation.

During `fit`, each batch-norm layer's moving statistics are an exponential
average of training-batch statistics taken with dropout on and with weights
that kept changing: validation (and so early stopping, plateau reductions and
the best checkpoint) sees a model whose inference mode is off, sometimes at
chance level while training-mode accuracy is high. Before each validation
this callback recomputes the statistics over a few training micro-batches
(`keras_recipes.training.batch_norm_stats.recompute_batch_norm`: batch norm
by batch statistics, everything else in inference mode). Training itself is
unaffected (training mode normalizes by the batch).

Example:

>>> model.fit(train, validation_data=val, epochs=10,
...           callbacks=[PreciseBatchNorm(train, max_batches=50)])  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Optional

import keras


class PreciseBatchNorm(keras.callbacks.Callback):
    """Recomputes batch norm's moving statistics when validation begins.

    Args:
        dataset: training batches (`x` or `(x, y[, w])`), read from the start each time.
        max_batches: normalization groups read per validation. Defaults to 50.
        group_size: examples per normalization group; default: `micro_batch`
            (times the replicas when the model's batch norm is synchronized), or
            the dataset's batches.
        micro_batch: examples per replica per micro-batch in training.
    """

    def __init__(self, dataset, max_batches: int = 50, group_size: Optional[int] = None,
                 micro_batch: Optional[int] = None):
        super().__init__()
        if max_batches < 1:
            raise ValueError("Argument `max_batches` must be >= 1. Received: "
                             f"max_batches={max_batches}")
        self.dataset = dataset
        self.max_batches = max_batches
        self.group_size = group_size
        self.micro_batch = micro_batch
        self._group = group_size
        self._probe = None
        self._active = False

    def on_train_begin(self, logs=None):
        from keras_recipes.training.batch_norm_stats import has_trainable_batch_norm

        self._active = has_trainable_batch_norm(self.model)
        self._probe = None
        self._group = self.group_size
        if self._group is None and self.micro_batch:
            from keras_recipes.training.batch_norm_stats import batch_norm_layers

            synchronized = any(getattr(layer, "synchronized", False)
                               for layer in batch_norm_layers(self.model))
            replicas = self.model.distribute_strategy.num_replicas_in_sync
            self._group = self.micro_batch * (replicas if synchronized else 1)

    def on_train_end(self, logs=None):
        self._active = False  # evaluate() after fit leaves the statistics alone

    def on_test_begin(self, logs=None):
        if not self._active:
            return
        from keras_recipes.training.batch_norm_stats import (BatchStatsProbe,
                                                             recompute_batch_norm)

        if self._probe is None:
            self._probe = BatchStatsProbe(self.model)
        recompute_batch_norm(self.model, self.dataset, self.max_batches, self._group,
                             probe=self._probe)
