"""Writes the metrics in Keras' logs to TensorBoard, under the tags Keras' `TensorBoard` uses."""

from __future__ import annotations

import keras

from keras_recipes.callbacks._step_window import StepWindow
from keras_recipes.callbacks._optimizer_access import optimizer_steps


class MetricScalars(keras.callbacks.Callback):
    """Training and validation metrics in TensorBoard, at a fraction of the cost of
    `keras.callbacks.TensorBoard`.

    Same runs and tags as Keras' callback, so dashboards and scripts keep working:

    - `train/epoch_<name>` at the epoch index: the loss, the metrics, and what
      callbacks before this one put into the epoch logs (`learning_rate`,
      `grad_norm`, ...);
    - `validation/epoch_<name>` for the `val_` values, and
      `validation/evaluation_<name>_vs_iterations` at the optimizer step;
    - `train/batch_<name>` on the first training batch and every
      `update_freq`-th one (at the count of batches done) if `update_freq`
      is `"batch"` or an integer;
    - `train/keras`: the model's configuration once, for the Graphs tab's
      conceptual graph.

    At the end of `fit` it closes the `SummaryDir`'s event files (flushing
    them; a later write opens new ones), so put it after the other callbacks
    that write to the same `SummaryDir`.

    Values go through `SummaryDir` (summary protobufs appended by TensorFlow's
    record writer) instead of eager `tf.summary` ops, and nothing is read from
    the device after `fit` starts: the optimizer step is `optimizer.iterations`
    at the start of `fit` plus the batches counted on the host (divided by the
    optimizer's `gradient_accumulation_steps`). Keras' callback also evaluates the learning-rate
    schedule eagerly every epoch; here the learning rate is the
    `LearningRateLogger`'s value. `tools/bench_monitoring.py` measures both.

    Example:

    >>> callbacks = [LearningRateLogger(), MetricScalars(SummaryDir("logs"))]  # doctest: +SKIP

    Args:
        summaries: a `SummaryDir`.
        update_freq: `"epoch"` (default), `"batch"` or an integer: also write the
            batch logs every this many batches.
        write_model: write the model configuration once. Defaults to `True`.
    """

    def __init__(self, summaries, update_freq="epoch", write_model: bool = True):
        super().__init__()
        self.summaries = summaries
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.write_model = write_model
        # Counts this fit's batches on the host (the batch axis and the optimizer step).
        self._window = StepWindow(1 if self.update_freq == "epoch" else int(self.update_freq))
        self._model_written = False
        self._steps_before = 0

    def on_train_begin(self, logs=None):
        self._window.reset()
        self._steps_before = optimizer_steps(self.model)
        if self.write_model and not self._model_written:
            self._model_written = True
            _write_model_config(self.summaries, self.model)

    def on_epoch_begin(self, epoch, logs=None):
        self._window.begin_epoch()

    def on_train_batch_end(self, batch, logs=None):
        if self._window.end_batch(batch) and logs and self.update_freq != "epoch":
            self.summaries.scalars({f"batch_{k}": v for k, v in _scalars(logs).items()},
                                   self._steps_before + self._window.steps_done, run="train")

    def on_test_end(self, logs=None):
        values = _scalars(logs)
        if values and self._window.steps_done:  # validation inside `fit`
            updates = self._window.steps_done // _batches_per_update(self.model)
            self.summaries.scalars({f"evaluation_{k}_vs_iterations": v
                                    for k, v in values.items()},
                                   self._steps_before + updates, run="validation")

    def on_epoch_end(self, epoch, logs=None):
        values = _scalars(logs)
        train = {f"epoch_{k}": v for k, v in values.items() if not k.startswith("val_")}
        val = {f"epoch_{k[4:]}": v for k, v in values.items() if k.startswith("val_")}
        if train:
            self.summaries.scalars(train, epoch, run="train")
        if val:
            self.summaries.scalars(val, epoch, run="validation")

    def on_train_end(self, logs=None):
        self.summaries.close()


def _batches_per_update(model) -> int:
    """Batches per optimizer update: the Keras optimizer's `gradient_accumulation_steps`,
    else 1 (`RecipeModel` accumulates inside one batch: one update each)."""
    optimizer = getattr(model, "optimizer", None)
    return max(1, int(getattr(optimizer, "gradient_accumulation_steps", None) or 1))


def _scalars(logs) -> dict:
    """The logs' numeric values as floats."""
    out = {}
    for name, value in (logs or {}).items():
        try:
            out[name] = float(value)
        except (TypeError, ValueError):
            continue
    return out


def _write_model_config(summaries, model) -> None:
    """The model's JSON configuration, which TensorBoard's Graphs tab draws."""
    import warnings

    from tensorboard.compat.proto.summary_pb2 import Summary, SummaryMetadata
    from tensorboard.util.tensor_util import make_tensor_proto

    try:
        config = model.to_json()
    except Exception as err:  # a model that does not serialize still trains
        warnings.warn(f"MetricScalars: the model configuration is not written ({err}).",
                      stacklevel=2)
        return
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(
        plugin_name="graph_keras_model", content=b"1"))
    tensor = make_tensor_proto(config.encode(), dtype=None)
    summaries.write(Summary(value=[Summary.Value(tag="keras", metadata=metadata,
                                                 tensor=tensor)]), 0, run="train")
