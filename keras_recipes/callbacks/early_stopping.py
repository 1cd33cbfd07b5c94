"""`EarlyStopping`: Keras' early stopping with its decisions saved in a run's state."""

from __future__ import annotations

import keras

from keras_recipes.callbacks.stateful import count, optional_metric, set_declared_fields
from keras_recipes.monitor import metric_direction


class EarlyStopping(keras.callbacks.EarlyStopping):
    """`keras.callbacks.EarlyStopping` (same arguments, same decisions) plus the state
    protocol: `wait`, `best`, `best_epoch` and `stopped_epoch` survive a resume, so a
    resumed run stops at the epoch an uninterrupted one would.

    Example:
        >>> stop = EarlyStopping(monitor="val_loss", patience=5)
        >>> state = stop.get_state()   # saved in state.npz by the trainer
        >>> stop.set_state(state)      # restored after `on_train_begin`

    Args:
        monitor: metric in the epoch logs.
        mode: `min`, `max` or `auto` (`keras_recipes.monitor.metric_direction`).
        **kwargs: as `keras.callbacks.EarlyStopping`.
    """

    state_key = "early_stopping"
    state_version = 1
    state_fields = {"wait": count, "best": optional_metric, "best_epoch": count,
                    "stopped_epoch": count}

    def __init__(self, monitor: str = "val_loss", mode: str = "auto", **kwargs):
        # The package's one direction rule (keras_recipes.monitor); Keras decides only for
        # names it cannot tell, from the metric's declared direction like monitor_direction.
        super().__init__(monitor=monitor, mode=metric_direction(monitor, mode) or "auto",
                         **kwargs)

    def get_state(self) -> dict:
        best = getattr(self, "best", None)  # Keras sets best/best_epoch in on_train_begin
        return {"version": self.state_version, "wait": int(self.wait),
                "best": None if best is None else float(best),
                "best_epoch": int(getattr(self, "best_epoch", 0) or 0),
                "stopped_epoch": int(self.stopped_epoch)}

    def set_state(self, state: dict) -> None:
        set_declared_fields(self, self.state_key, self.state_version, self.state_fields, state)
