"""Logs the global L2 norm of the gradients the optimizer applies."""

from __future__ import annotations

import math
import warnings

import keras
import numpy as np

from keras_recipes._keras_compat import variable_key
from keras_recipes.callbacks import _args, _optimizer_access, _optimizer_taps
from keras_recipes.callbacks._step_window import StepWindow
from keras_recipes.callbacks.stateful import count, finite_floats, set_declared_fields

_MAX_NAMES = 100_000
"""Logged names a saved state may hold (`grad_norm` plus one per trainable variable)."""


def _counts(value) -> list:
    """A list of at most `_MAX_NAMES` whole numbers >= 0."""
    if not isinstance(value, list) or len(value) > _MAX_NAMES:
        raise ValueError(f"{str(value)[:40]} -> a list of at most {_MAX_NAMES} counts")
    return [count(v) for v in value]


class _Fields:
    """Where `set_state` checks the saved fields before applying them."""


class GradientNormLogger(keras.callbacks.Callback):
    """Puts the global L2 norm of the applied gradients into the logs.

    The norm is that of the gradients the optimizer applies:

    - unscaled: under `mixed_float16` (Keras' `LossScaleOptimizer`) the loss
      scale is divided out first, as the optimizer does;
    - aggregated: under a `tf.distribute` strategy (e.g. `MirroredStrategy`)
      it is the norm of the all-reduced gradient (the gradient of the global
      batch's mean loss), not of a replica's share;
    - after the optimizer's own `clipnorm` / `clipvalue` /
      `global_clipnorm`, if any (those are applied before aggregation).

    How: at the start of training the callback wraps, on this optimizer
    instance only, the TensorFlow optimizer's gradient all-reduce (the point
    every update goes through, with a single device too) so that it also
    writes the norm into a non-trainable variable, and makes Keras retrace the
    train function. The callback reads that variable only on the batches it
    logs, so the other steps cost no host-device synchronization. The hooks
    are removed, and the train function retraced again, at the end of
    training. (If `fit` stops on an exception, Keras skips `on_train_end`:
    the hooks stay until the next `GradientNormLogger` or
    `LearningRateLogger` attaches to the optimizer.) The hooks are shared
    with `LearningRateLogger`: both can be used in the same `fit`.

    Logs:

    - batch logs: `grad_norm` (and `grad_norm/<variable path>` for each
      trainable variable if `per_layer=True`) on the first batch and then
      every `every_n_steps`-th one. With `steps_per_execution > 1` Keras
      calls batch-level callbacks once per execution: the logger logs on each
      execution that holds a step `0, N, 2N, ...`, with the norm of that
      execution's last step;
    - epoch logs: the mean of the values logged during the epoch (or the last
      value when none was), so History and CSVLogger record them.

    Resumable: `get_state()` / `set_state()` (keras_recipes' callback state
    protocol) carry the step count and the epoch's running sums, so a run
    resumed at an epoch end or in the middle of an epoch logs the same steps
    and the same epoch means as an uninterrupted one.

    A step that applies no update logs `nan`: one skipped by the
    `LossScaleOptimizer` because its gradients were not finite, or one that
    only accumulates gradients (`gradient_accumulation_steps`).

    Example:

    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> history = model.fit(np.ones((8, 3)), np.zeros((8, 1)), batch_size=8,
    ...                     callbacks=[GradientNormLogger()], verbose=0)
    >>> history.history["grad_norm"][0] > 0
    True

    Args:
        every_n_steps: Integer >= 1. Log every this many training batches.
            Defaults to `1`.
        per_layer: Bool. Also log the norm of each trainable variable's
            gradient as `grad_norm/<variable.path>`. Defaults to `False`.

    Raises:
        ValueError: If an argument is invalid (constructor), or at the start
            of training if the model is not compiled, its optimizer is not a
            TensorFlow-backend Keras optimizer.
    """

    def __init__(self, every_n_steps=1, per_layer=False):
        super().__init__()
        self.every_n_steps = _args.check_int("every_n_steps", every_n_steps, ge=1)
        self.per_layer = _args.check_bool("per_layer", per_layer)
        self._norms = None
        self._names = []
        self._tap = None
        self._window = StepWindow(self.every_n_steps)
        self._sums = np.zeros((0,), np.float64)
        self._counts = np.zeros((0,), np.int64)
        self._logged = 0  # logging calls this epoch (their values may all be nan)

    # --- hooks -------------------------------------------------------------

    def on_train_begin(self, logs=None):
        optimizer = _optimizer_access.require_optimizer(self)
        inner = _optimizer_access.unwrap_optimizer(optimizer)
        if not _optimizer_taps.supported(inner):
            raise ValueError(
                "GradientNormLogger needs the TensorFlow backend's Keras "
                f"optimizers; got {type(inner).__name__}. Set KERAS_BACKEND="
                "tensorflow, or remove GradientNormLogger from the callbacks."
            )
        variables = list(self.model.trainable_variables)
        self._names = ["grad_norm"]
        if self.per_layer:
            self._names += [f"grad_norm/{_path(v)}" for v in variables]
        index = {variable_key(inner, v): i + 1 for i, v in enumerate(variables)}
        self._norms = _optimizer_taps.tap_variable(
            self.model, np.full((len(self._names),), np.nan, dtype="float32"), "grad_norms")
        self._tap = self._make_tap(inner, index, len(variables))
        replaced = _optimizer_taps.attach(self.model, self._tap)
        if replaced is not None and replaced.owner is not self:
            # Another logger in this `fit`, or one whose `fit` ended in an
            # exception (Keras then skips `on_train_end`): take its place.
            warnings.warn(
                "GradientNormLogger: another GradientNormLogger was attached to "
                "this optimizer; it is replaced (it logs nothing any more). Pass "
                "a single GradientNormLogger to `fit()`.",
                stacklevel=2,
            )
        self._window.reset()
        self._clear_epoch()

    # --- state protocol (resume) ---------------------------------------------

    state_key = "gradient_norm_logger"
    state_version = 1
    state_fields = {"steps_done": count, "epoch_logged": count,
                    "epoch_sums": finite_floats(_MAX_NAMES), "epoch_counts": _counts}

    def get_state(self) -> dict:
        """The step count and the current epoch's sums and counts of logged values."""
        return {"version": self.state_version, "steps_done": int(self._window.steps_done),
                "epoch_logged": int(self._logged),
                "epoch_sums": [float(v) for v in self._sums],
                "epoch_counts": [int(v) for v in self._counts]}

    def set_state(self, state: dict) -> None:
        """Continues from `get_state()`'s values (checked first; StateError if wrong)."""
        from keras_recipes.errors import StateError

        fields = _Fields()
        set_declared_fields(fields, self.state_key, self.state_version, self.state_fields,
                            state)
        if len(fields.epoch_sums) != len(fields.epoch_counts):
            raise StateError(f"callbacks.{self.state_key}: {len(fields.epoch_sums)} sums and "
                             f"{len(fields.epoch_counts)} counts -> as many of each")
        self._window.restore(fields.steps_done)
        self._sums = np.asarray(fields.epoch_sums, np.float64)
        self._counts = np.asarray(fields.epoch_counts, np.int64)
        self._logged = fields.epoch_logged

    def _clear_epoch(self) -> None:
        self._sums = np.zeros((len(self._names),), np.float64)
        self._counts = np.zeros((len(self._names),), np.int64)
        self._logged = 0

    def _make_tap(self, inner, index, num_variables):
        import tensorflow as tf

        norms = self._norms
        per_layer = self.per_layer
        nan = tf.fill([len(self._names)], float("nan"))

        def measure(reduced):
            squares = [tf.constant(0.0, tf.float32)] * (num_variables + 1)
            total = []
            for grad, var in reduced:
                if grad is None:
                    continue
                square = _squared_norm(grad)
                total.append(square)
                if per_layer:
                    i = index.get(variable_key(inner, var))
                    if i is not None:
                        squares[i] = square
            squares[0] = tf.add_n(total) if total else tf.constant(0.0, tf.float32)
            norms.assign(tf.sqrt(tf.stack(squares if per_layer else squares[:1])))

        def reset():
            # Steps that end up applying nothing report `nan`.
            norms.assign(nan)

        return _optimizer_taps.Tap(self, "grad_norm", before_apply=reset, on_reduced=measure)

    def on_train_end(self, logs=None):
        if self._tap is not None:
            _optimizer_taps.detach(self.model, self._tap)
            self._tap = None

    # --- logging -------------------------------------------------------------

    def on_epoch_begin(self, epoch, logs=None):
        # The sums were cleared at the last epoch end (or hold a resumed epoch's first
        # batches, from `set_state`).
        if len(self._sums) != len(self._names):
            self._clear_epoch()
        self._window.begin_epoch()

    def on_train_batch_end(self, batch, logs=None):
        if self._window.end_batch(batch) and self._norms is not None:
            values = np.asarray(_optimizer_access.to_numpy(self._norms), np.float64)
            finite = np.isfinite(values)
            self._sums += np.where(finite, values, 0.0)
            self._counts += finite
            self._logged += 1
            if logs is not None:
                logs.update(zip(self._names, (float(v) for v in values)))

    def on_epoch_end(self, epoch, logs=None):
        if logs is None or self._norms is None:
            return
        if self._logged:
            values = [s / c if c else math.nan for s, c in zip(self._sums, self._counts)]
        else:
            values = _optimizer_access.to_numpy(self._norms)
        self._clear_epoch()
        logs.update(zip(self._names, (float(v) for v in values)))


def _path(variable) -> str:
    return getattr(variable, "path", None) or variable.name


def _squared_norm(grad):
    """Sum of squares of a gradient in float32 (merging `IndexedSlices` rows)."""
    import tensorflow as tf

    if isinstance(grad, tf.IndexedSlices):
        values = tf.cast(grad.values, tf.float32)
        unique, positions = tf.unique(grad.indices)
        values = tf.math.unsorted_segment_sum(values, positions, tf.shape(unique)[0])
    else:
        values = tf.cast(grad, tf.float32)
    return tf.reduce_sum(tf.square(values))
