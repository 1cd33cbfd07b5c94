"""Per-class validation metrics and confusion-matrix images in TensorBoard."""

from __future__ import annotations

import keras

from keras_recipes.monitoring.figures import confusion_matrix_image
from keras_recipes.monitoring.per_class_report import (class_names_for, confusion_matrix,
                                                       per_class_report)
from keras_recipes.monitoring.predictions import (class_labels, dataset_arrays, inputs_only,
                                                  predicted_classes)


class ValidationSummaries(keras.callbacks.Callback):
    """Predicts the validation split at the end of an epoch and writes to TensorBoard's
    `validation` run:

    - `per_class/precision/<class>`, `per_class/recall/<class>`,
      `per_class/f1/<class>` and `per_class/macro_f1` (every epoch, if
      `per_class`);
    - `confusion_matrix`, an image, every `confusion_matrix_freq` epochs and
      for the last epoch trained (also when early stopping ends the run).

    The extra cost is one `model.predict` over the validation split on the
    epochs that write something.

    Example:

    >>> ValidationSummaries(SummaryDir(logdir), val_ds, num_classes=10)  # doctest: +SKIP

    Args:
        summaries: a `SummaryDir`.
        dataset: the batched validation `(x, y)` dataset (fixed order).
        num_classes: number of classes.
        class_names: display names. Defaults to `"0"`, `"1"`, ...
        per_class: write the per-class scalars. Defaults to `True`.
        confusion_matrix_freq: epochs between confusion-matrix images; 0 for
            none. Defaults to `5`.
    """

    def __init__(self, summaries, dataset, num_classes: int, class_names=None,
                 per_class: bool = True, confusion_matrix_freq: int = 5):
        super().__init__()
        self.summaries = summaries
        self.dataset = dataset
        self.names = class_names_for(num_classes, class_names)
        self.per_class = per_class
        self.confusion_matrix_freq = confusion_matrix_freq
        self._labels = None
        self._last = None  # (epoch, matrix, image written)

    def on_train_begin(self, logs=None):
        _, y = dataset_arrays(self.dataset, with_inputs=False)
        self._labels = class_labels(y)
        self._last = None

    def _image_due(self, epoch: int) -> bool:
        freq = self.confusion_matrix_freq
        return bool(freq) and ((epoch + 1) % freq == 0 or epoch + 1 == self.params.get("epochs"))

    def on_epoch_end(self, epoch, logs=None):
        image = self._image_due(epoch)
        if not (self.per_class or image):
            return
        probabilities = self.model.predict(inputs_only(self.dataset), verbose=0)
        predicted, _ = predicted_classes(probabilities)
        matrix = confusion_matrix(self._labels, predicted, len(self.names))
        if self.per_class:
            report = per_class_report(matrix, self.names)
            for name, row in report["classes"].items():
                for metric in ("precision", "recall", "f1"):
                    self.summaries.scalar(f"per_class/{metric}/{name}", row[metric], epoch,
                                          run="validation")
            self.summaries.scalar("per_class/macro_f1", report["macro avg"]["f1"], epoch,
                                  run="validation")
        if image:
            self._write_image(epoch, matrix)
        self._last = (epoch, matrix, image)

    def _write_image(self, epoch, matrix):
        self.summaries.image("confusion_matrix", confusion_matrix_image(
            matrix, self.names, f"validation confusion matrix, epoch {epoch + 1}"), epoch,
            run="validation")

    def on_train_end(self, logs=None):
        if self._last is not None and self.confusion_matrix_freq and not self._last[2]:
            self._write_image(*self._last[:2])
        self.summaries.flush()
