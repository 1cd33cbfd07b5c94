"""`ReduceLROnPlateau` that also works on optimizers built with a schedule."""

from __future__ import annotations

import contextlib
import warnings

import keras
import numpy as np

from keras_recipes.callbacks import _args, _optimizer_access
from keras_recipes.callbacks.scaled_schedule import ScaledSchedule
from keras_recipes.callbacks.stateful import StatefulCallback, count, optional_metric
from keras_recipes.monitor import MODES as _MODES
from keras_recipes.monitor import monitor_direction



class ReduceLROnPlateau(StatefulCallback):
    """Reduces the learning rate when a metric has stopped improving.

    A drop-in replacement for `keras.callbacks.ReduceLROnPlateau` (same
    arguments, same decisions) that also works when the optimizer was built
    with a `keras.optimizers.schedules.LearningRateSchedule`, where the Keras
    callback raises a `TypeError` the first time it fires.

    - Float learning rate: as Keras, `lr = max(lr * factor, min_lr)`.
    - Schedule: at the start of training the schedule is wrapped, once, in a
      `ScaledSchedule`, so the optimizer uses `schedule(step) * scale`. Each
      reduction multiplies `scale` (a non-trainable variable read inside the
      traced train step, so it needs no retracing and applies to every
      replica of a `tf.distribute` strategy) by `factor`. `min_lr` bounds the
      learning rate of the next step when a reduction happens (the factor is
      clamped to `min_lr / schedule(step)`); the schedule itself may still
      decay below it afterwards. A reduction only happens while that
      learning rate is above `min_lr`, as in Keras.

    The wrapper stays on the optimizer after training, so the reduced
    learning rate is what `model.save()` records: its config holds the current
    scale, and a reloaded model (with `keras_recipes.callbacks` imported)
    resumes with it. Wrapping the schedule yourself with `plateau_scalable`
    before `compile` is optional.

    Each epoch's logs get `learning_rate`: the learning rate of the epoch's
    last step, before any reduction decided at that epoch's end.

    Example:

    >>> import keras, numpy as np
    >>> from keras_recipes.schedules import WarmupCosine
    >>> schedule = WarmupCosine(1e-2, total_steps=40)
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer=keras.optimizers.AdamW(schedule), loss="mse")
    >>> plateau = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1,
    ...                             min_delta=1e9)  # never "improves"
    >>> history = model.fit(np.ones((8, 4)), np.ones((8, 1)), epochs=3,
    ...                     batch_size=4, callbacks=[plateau], verbose=0)
    >>> # Reduced at the end of epochs 1 and 2; the next step is step 6.
    >>> lr = float(model.optimizer.learning_rate)
    >>> round(lr / float(schedule(6)), 6)
    0.25

    Args:
        monitor: String. Quantity to be monitored. Defaults to `"val_loss"`.
        factor: Float in `[0, 1)`. Factor by which the learning rate will be
            reduced: `new_lr = lr * factor`. Defaults to `0.1`.
        patience: Integer >= 0. Number of epochs with no improvement after
            which the learning rate will be reduced. Defaults to `10`.
        verbose: Integer. 0: quiet, 1: update messages. Defaults to `0`.
        mode: One of `{"auto", "min", "max"}`. In `"min"` mode the learning
            rate is reduced when the monitored quantity has stopped
            decreasing, in `"max"` mode when it has stopped increasing; in
            `"auto"` mode the direction is inferred from the name (losses are
            minimized, accuracy-like metrics maximized). Defaults to `"auto"`.
        min_delta: Float. Threshold for measuring the new optimum, to only
            focus on significant changes. Defaults to `1e-4`.
        cooldown: Integer >= 0. Number of epochs to wait before resuming
            normal operation after the learning rate has been reduced.
            Defaults to `0`.
        min_lr: Float >= 0. Lower bound on the learning rate. Defaults to
            `0.0`.

    Raises:
        ValueError: If an argument is invalid (constructor), or at the start
            of training if the model is not compiled or its learning rate is
            a plain callable, which cannot be scaled.
    """

    state_key = "reduce_lr_on_plateau"
    state_fields = {"wait": count, "best": optional_metric, "cooldown_counter": count}

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        verbose=0,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
    ):
        super().__init__()
        if not isinstance(monitor, str) or not monitor:
            raise ValueError(
                "Argument `monitor` must be a non-empty string. "
                f"{_args.received(monitor=monitor)}"
            )
        self.monitor = monitor
        self.factor = _args.check_float("factor", factor, ge=0.0, lt=1.0)
        self.patience = _args.check_int("patience", patience, ge=0)
        self.verbose = _args.check_int("verbose", verbose, ge=0)
        if mode not in _MODES:
            raise ValueError(
                f"Argument `mode` must be one of {', '.join(repr(m) for m in _MODES)}. "
                f"{_args.received(mode=mode)}"
            )
        self.mode = mode
        self.min_delta = abs(_args.check_float("min_delta", min_delta))
        self.cooldown = _args.check_int("cooldown", cooldown, ge=0)
        self.min_lr = _args.check_float("min_lr", min_lr, ge=0.0)
        self.best = None
        self.wait = 0
        self.cooldown_counter = 0
        self._direction = None

    # --- setup -------------------------------------------------------------

    def on_train_begin(self, logs=None):
        self.best = None
        self.wait = 0
        self.cooldown_counter = 0
        self._direction = None
        self._install_scaling()

    def _install_scaling(self) -> None:
        """Wraps a schedule in a `ScaledSchedule` (once) and retraces."""
        inner = _optimizer_access.unwrap_optimizer(_optimizer_access.require_optimizer(self))
        lr = _optimizer_access.lr_object(inner)
        if isinstance(lr, ScaledSchedule) or isinstance(lr, keras.Variable):
            return
        if isinstance(lr, keras.optimizers.schedules.LearningRateSchedule):
            strategy = getattr(self.model, "distribute_strategy", None)
            scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
            with scope:
                inner.learning_rate = ScaledSchedule(lr)
            _optimizer_access.retrace_train_function(self.model)
            return
        raise ValueError(
            "ReduceLROnPlateau can reduce a float learning rate or a "
            "`LearningRateSchedule`, but the optimizer's learning rate is "
            f"{lr!r}, a plain callable. Build the optimizer with a float or "
            "with a `keras.optimizers.schedules.LearningRateSchedule` subclass."
        )

    def _resolve_direction(self) -> str:
        return monitor_direction(self.monitor, self.mode, self.model, "ReduceLROnPlateau")

    # --- decisions -----------------------------------------------------------

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def _is_improvement(self, current: float) -> bool:
        if self.best is None:
            return True
        if self._direction == "min":
            return current < self.best - self.min_delta
        return current > self.best + self.min_delta

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        optimizer = _optimizer_access.require_optimizer(self)
        logs["learning_rate"] = _optimizer_access.last_step_learning_rate(optimizer)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                "Learning rate reduction is conditioned on metric "
                f"`{self.monitor}` which is not available. Available metrics "
                f"are: {','.join(list(logs.keys()))}.",
                stacklevel=2,
            )
            return
        if self._direction is None:
            self._direction = self._resolve_direction()
        current = float(current)
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce(optimizer, epoch):
                self.cooldown_counter = self.cooldown
                self.wait = 0

    def _reduce(self, optimizer, epoch) -> bool:
        inner = _optimizer_access.unwrap_optimizer(optimizer)
        lr = _optimizer_access.lr_object(inner)
        if isinstance(lr, keras.optimizers.schedules.LearningRateSchedule) and not isinstance(
            lr, ScaledSchedule
        ):  # Replaced after `on_train_begin`: wrap it now.
            self._install_scaling()
            lr = _optimizer_access.lr_object(inner)
        if isinstance(lr, ScaledSchedule):
            base = float(
                _optimizer_access.to_numpy(lr.schedule(_optimizer_access.raw_iterations(inner)))
            )
            old_scale = lr.scale
            if base * old_scale <= np.float32(self.min_lr):
                return False
            new_scale = old_scale * self.factor
            if base > 0 and base * new_scale < self.min_lr:
                new_scale = self.min_lr / base
            lr.factor.assign(new_scale)
            self._say(epoch, f"learning rate scale to {new_scale:.6g} "
                             f"(learning rate {base * new_scale:.6g})")
            return True
        old_lr = _optimizer_access.next_step_learning_rate(inner)
        if old_lr <= np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        inner.learning_rate = new_lr
        self._say(epoch, f"learning rate to {new_lr}")
        return True

    def _say(self, epoch, what: str) -> None:
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing {what}.")
