"""The recording callback of the learning-rate range test."""

from __future__ import annotations

import contextlib
import math

import keras
import numpy as np

from keras_recipes.callbacks import _args, _optimizer_access


class _VariableSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """A 'schedule' that returns a variable: stands in for a schedule during the test."""

    def __init__(self, variable):
        super().__init__()
        self.variable = variable

    def __call__(self, step):
        return keras.ops.convert_to_tensor(self.variable)

    def get_config(self):  # pragma: no cover - never saved on purpose.
        return {"learning_rate": float(_optimizer_access.to_numpy(self.variable))}


class LRFinder(keras.callbacks.Callback):
    """Runs a learning-rate range test during `fit` and records the loss curve.

    Before batch `i` (for `i = 0 .. num_steps - 1`) the learning rate is set
    to `start_lr * (end_lr / start_lr) ** (i / (num_steps - 1))`, an
    exponential sweep. After each batch the batch's loss (the callback resets
    the model's metrics before every batch, so `logs["loss"]` is that batch's
    alone) is folded into an exponential moving average with bias
    correction:

    ```python
    avg = smoothing * avg + (1 - smoothing) * loss      # avg starts at 0
    smoothed = avg / (1 - smoothing ** (i + 1))
    ```

    Training stops (`model.stop_training = True`) after `num_steps` batches,
    at a non-finite loss, or once `smoothed > diverge_threshold * best` (best
    = lowest smoothed loss so far; losses are assumed positive).

    The optimizer may have a float learning rate (its variable is set, and
    its value put back at the end) or a schedule (replaced during the test by
    a variable, then put back; the train function is retraced both times).
    The callback does not restore weights or optimizer state: `find_lr`
    does. It needs `steps_per_execution=1`.

    Example:

    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> finder = LRFinder(start_lr=1e-4, end_lr=1.0, num_steps=10)
    >>> _ = model.fit(np.ones((80, 2)), np.ones((80, 1)), batch_size=8,
    ...               callbacks=[finder], verbose=0)
    >>> len(finder.lrs), round(finder.lrs[-1], 6)
    (10, 1.0)

    Args:
        start_lr: First learning rate, a float > 0. Defaults to `1e-7`.
        end_lr: Last learning rate, a float > `start_lr`. Defaults to `10.0`.
        num_steps: Number of batches of the sweep, an int >= 2. Defaults to
            `100`.
        smoothing: Weight of the past in the loss moving average, a float in
            `[0, 1)`. Defaults to `0.98`.
        diverge_threshold: Stop once the smoothed loss exceeds this multiple
            of the best smoothed loss, a float > 1. Defaults to `4.0`.

    Attributes:
        lrs: The learning rates used, one per recorded batch.
        losses: The smoothed losses.
        raw_losses: The batch losses as logged.
        stop_reason: After the run, `"completed"` (all `num_steps`),
            `"diverged"`, `"non_finite"`, or `"interrupted"` (training ended
            first, e.g. the data ran out); `None` before.

    Raises:
        ValueError: If an argument is invalid (constructor), or at the start
            of training if the model is not compiled, uses
            `steps_per_execution > 1`, or has a plain-callable learning rate.
    """

    def __init__(
        self,
        start_lr=1e-7,
        end_lr=10.0,
        num_steps=100,
        smoothing=0.98,
        diverge_threshold=4.0,
    ):
        super().__init__()
        self.start_lr = _args.check_float("start_lr", start_lr, gt=0.0)
        self.end_lr = _args.check_float("end_lr", end_lr, gt=0.0)
        if not self.end_lr > self.start_lr:
            raise ValueError(
                "Argument `end_lr` must be > `start_lr`. "
                f"{_args.received(start_lr=start_lr, end_lr=end_lr)}"
            )
        self.num_steps = _args.check_int("num_steps", num_steps, ge=2)
        self.smoothing = _args.check_float("smoothing", smoothing, ge=0.0, lt=1.0)
        self.diverge_threshold = _args.check_float(
            "diverge_threshold", diverge_threshold, gt=1.0
        )
        self._reset_records()
        self._swap = None

    def _reset_records(self):
        self.lrs = []
        self.losses = []
        self.raw_losses = []
        self.stop_reason = None
        self._avg = 0.0
        self._best = math.inf

    def lr_at(self, i: int) -> float:
        """The learning rate of sweep step `i`."""
        return self.start_lr * (self.end_lr / self.start_lr) ** (i / (self.num_steps - 1))

    def on_train_begin(self, logs=None):
        inner = _optimizer_access.unwrap_optimizer(_optimizer_access.require_optimizer(self))
        if int(getattr(self.model, "steps_per_execution", 1) or 1) != 1:
            raise ValueError(
                "LRFinder sets the learning rate before every batch, which needs "
                "`steps_per_execution=1`. Recompile the model with "
                "`steps_per_execution=1` for the range test."
            )
        self._reset_records()
        lr = _optimizer_access.lr_object(inner)
        if isinstance(lr, keras.Variable):
            self._variable = lr
            self._swap = ("value", inner, float(_optimizer_access.to_numpy(lr)))
        elif isinstance(lr, keras.optimizers.schedules.LearningRateSchedule):
            strategy = getattr(self.model, "distribute_strategy", None)
            scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
            with scope:
                self._variable = keras.Variable(
                    self.start_lr,
                    dtype="float32",
                    trainable=False,
                    name="lr_finder_learning_rate",
                    aggregation="only_first_replica",
                )
            inner.learning_rate = _VariableSchedule(self._variable)
            self._swap = ("schedule", inner, lr)
            _optimizer_access.retrace_train_function(self.model)
        else:
            raise ValueError(
                f"LRFinder cannot set the learning rate {lr!r}, a plain callable. "
                "Build the optimizer with a float or a `LearningRateSchedule`."
            )

    def on_train_batch_begin(self, batch, logs=None):
        step = len(self.lrs)
        if step >= self.num_steps:
            self.model.stop_training = True
            return
        self.model.reset_metrics()
        self._variable.assign(self.lr_at(step))

    def on_train_batch_end(self, batch, logs=None):
        step = len(self.lrs)
        if step >= self.num_steps:
            return
        loss = (logs or {}).get("loss")
        if loss is None:
            raise ValueError(
                "LRFinder needs the training loss in the batch logs (`loss`); "
                "compile the model with a `loss`."
            )
        loss = float(loss)
        self.lrs.append(self.lr_at(step))
        self.raw_losses.append(loss)
        if not math.isfinite(loss):
            self.losses.append(math.nan)
            self._stop("non_finite")
            return
        self._avg = self.smoothing * self._avg + (1.0 - self.smoothing) * loss
        smoothed = self._avg / (1.0 - self.smoothing ** (step + 1))
        self.losses.append(smoothed)
        self._best = min(self._best, smoothed)
        if smoothed > self.diverge_threshold * self._best:
            self._stop("diverged")
        elif len(self.lrs) >= self.num_steps:
            self._stop("completed")

    def _stop(self, reason: str) -> None:
        self.stop_reason = reason
        self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stop_reason is None and self.lrs:
            self.stop_reason = "completed" if len(self.lrs) >= self.num_steps else "interrupted"
        self.restore_learning_rate()

    def restore_learning_rate(self) -> None:
        """Puts the optimizer's own learning rate back (idempotent).

        Called at the end of training; call it yourself if `fit` stopped on
        an exception, since Keras then skips `on_train_end`.
        """
        if self._swap is None:
            return
        kind, inner, original = self._swap
        self._swap = None
        inner.learning_rate = original  # The float value, or the schedule object.
        if kind == "schedule":
            _optimizer_access.retrace_train_function(self.model)

    def results(self):
        """`(lrs, losses, raw_losses)` as float64 NumPy arrays."""
        return (
            np.asarray(self.lrs, "float64"),
            np.asarray(self.losses, "float64"),
            np.asarray(self.raw_losses, "float64"),
        )
