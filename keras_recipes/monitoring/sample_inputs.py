"""Once per run: a grid of sample training inputs with their labels."""

from __future__ import annotations

import keras

from keras_recipes.monitoring.figures import input_grid
from keras_recipes.monitoring.per_class_report import class_names_for
from keras_recipes.monitoring.predictions import class_labels, dataset_arrays


class SampleInputs(keras.callbacks.Callback):
    """Writes a grid of the first `count` training inputs with their labels
    (`sample_inputs`, Images tab) when training starts, so misaligned labels
    or broken preprocessing show up before the first epoch ends.

    Example:

    >>> SampleInputs(SummaryDir(logdir), train_ds, count=16)  # doctest: +SKIP

    Args:
        summaries: a `SummaryDir`.
        dataset: the batched training dataset (inputs as the model sees them).
        count: examples in the grid. Defaults to `16`.
        class_names: names for classification labels; `None` for regression.
    """

    def __init__(self, summaries, dataset, count: int = 16, class_names=None):
        super().__init__()
        self.summaries = summaries
        self.dataset = dataset
        self.count = count
        self.class_names = class_names
        self._written = False

    def on_train_begin(self, logs=None):
        if self._written:
            return
        self._written = True
        x, y = dataset_arrays(self.dataset, limit=self.count)
        if self.class_names is not None:
            names = class_names_for(len(self.class_names), self.class_names)
            captions = [names[i] if 0 <= i < len(names) else str(i) for i in class_labels(y)]
        else:
            captions = [", ".join(f"{v:.3g}" for v in row) for row in y.reshape(len(y), -1)]
        self.summaries.image("sample_inputs", input_grid(x, captions, "training inputs"), 0)
        self.summaries.flush()
