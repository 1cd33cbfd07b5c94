"""Per-class validation metrics and confusion-matrix images in TensorBoard."""

from __future__ import annotations

from typing import Optional

import keras
import numpy as np

from keras_recipes.monitoring.figures import confusion_matrix_image
from keras_recipes.monitoring.overhead_budget import OverheadBudget
from keras_recipes.monitoring.per_class_report import (class_names_for, confusion_matrix,
                                                       per_class_report)
from keras_recipes.monitoring.predictions import class_labels, predicted_classes

# A confusion-matrix figure takes 0.1-0.5 s of Matplotlib and traces nothing: charged
# from the first one.
_PRIORS = {"image": 0.3}


class ValidationSummaries(keras.callbacks.Callback):
    """Predicts the validation split at the end of an epoch and writes to TensorBoard's
    `validation` run:

    - `per_class/precision/<class>`, `per_class/recall/<class>`,
      `per_class/f1/<class>` and `per_class/macro_f1` (every epoch, if
      `per_class`);
    - `confusion_matrix`, an image, every `confusion_matrix_freq` epochs and
      for the last epoch trained (also when early stopping ends the run).

    The validation batches are kept in memory at the start of training; the
    extra cost is one forward pass over them (a traced function, not
    `model.predict`) on the epochs that write something, plus about 0.1-0.5 s
    of Matplotlib per confusion-matrix image; `max_overhead` caps the total.

    Example:

    >>> ValidationSummaries(SummaryDir(logdir), val_ds, num_classes=10)  # doctest: +SKIP

    Args:
        summaries: a `SummaryDir`.
        dataset: the batched validation `(x, y)` dataset (fixed order).
        num_classes: number of classes.
        class_names: display names. Defaults to `"0"`, `"1"`, ...
        per_class: write the per-class scalars. Defaults to `True`.
        confusion_matrix_freq: epochs between confusion-matrix images; 0 for
            none. Defaults to `10`.
        max_overhead: share of the training time (after the first epoch) this
            callback may use, e.g. `0.02`: on short epochs it then skips
            epochs (per-class scalars first, a due image waits for budget).
            `None`: every epoch. Defaults to `None`.
    """

    def __init__(self, summaries, dataset, num_classes: int, class_names=None,
                 per_class: bool = True, confusion_matrix_freq: int = 10,
                 max_overhead: Optional[float] = None):
        super().__init__()
        self.summaries = summaries
        self.dataset = dataset
        self.names = class_names_for(num_classes, class_names)
        self.per_class = per_class
        self.confusion_matrix_freq = confusion_matrix_freq
        self._inputs, self._labels, self._forward = [], None, None
        self.max_overhead = max_overhead
        self._epoch = self._image_epoch = self._scalars_epoch = None  # last ended / written
        self._image_pending = False
        self._budget = OverheadBudget(max_overhead, _PRIORS)

    def on_train_begin(self, logs=None):
        import tensorflow as tf

        batches = [(element[0], element[1]) for element in self.dataset]
        self._inputs = [x for x, _ in batches]
        self._labels = class_labels(np.concatenate([np.asarray(y) for _, y in batches]))
        model = self.model
        # One traced forward pass per batch shape: far cheaper than `model.predict`.
        self._forward = tf.function(lambda x: model(x, training=False), reduce_retracing=True)
        self._epoch = self._image_epoch = self._scalars_epoch = None
        self._image_pending = False
        self._budget = OverheadBudget(self.max_overhead, _PRIORS)

    def _predict(self) -> np.ndarray:
        return np.concatenate([np.asarray(self._forward(x)) for x in self._inputs])

    def _image_due(self, epoch: int) -> bool:
        freq = self.confusion_matrix_freq
        return bool(freq) and ((epoch + 1) % freq == 0 or epoch + 1 == self.params.get("epochs"))

    def _matrix(self) -> np.ndarray:
        predicted, _ = predicted_classes(self._predict())
        return confusion_matrix(self._labels, predicted, len(self.names))

    def on_epoch_begin(self, epoch, logs=None):
        self._budget.start_epoch()

    def on_epoch_end(self, epoch, logs=None):
        self._budget.end_epoch()
        self._epoch = epoch
        self._image_pending = self._image_pending or self._image_due(epoch)
        matrix = None
        if self.per_class and self._budget.allows("per_class"):
            with self._budget.measure("per_class"):
                matrix = self._matrix()
                self._write_scalars(epoch, matrix)
            self._scalars_epoch = epoch
        if self._image_pending and self._budget.allows("image"):
            with self._budget.measure("image"):
                self._write_image(epoch, self._matrix() if matrix is None else matrix)
            self._image_pending, self._image_epoch = False, epoch

    def _write_scalars(self, epoch, matrix):
        report = per_class_report(matrix, self.names)
        values = {f"per_class/{metric}/{name}": row[metric]
                  for name, row in report["classes"].items()
                  for metric in ("precision", "recall", "f1")}
        values["per_class/macro_f1"] = report["macro avg"]["f1"]
        self.summaries.scalars(values, epoch, run="validation")

    def _write_image(self, epoch, matrix):
        self.summaries.image("confusion_matrix", confusion_matrix_image(
            matrix, self.names, f"validation confusion matrix, epoch {epoch + 1}"), epoch,
            run="validation")

    def on_train_end(self, logs=None):
        # The last epoch trained (early stopping may end the run before the planned
        # last epoch, the budget may have skipped it) always gets its values.
        last, matrix = self._epoch, None
        if last is not None and self.per_class and self._scalars_epoch != last:
            matrix = self._matrix()
            self._write_scalars(last, matrix)
        if last is not None and self.confusion_matrix_freq and self._image_epoch != last:
            self._write_image(last, self._matrix() if matrix is None else matrix)
        self.summaries.flush()
