"""A learning-rate schedule multiplied by a factor held in a variable."""

from __future__ import annotations

import keras
from keras import ops

from keras_recipes.callbacks import _args, _optimizer_access


@keras.saving.register_keras_serializable(package="keras_recipes")
class ScaledSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """`schedule(step) * factor`, where `factor` lives in a non-trainable variable.

    This is what lets `keras_recipes.callbacks.ReduceLROnPlateau` reduce the
    learning rate of an optimizer built with a `LearningRateSchedule`: the
    traced train step reads `factor` from its variable at every step, so
    assigning a new value takes effect at once, without retracing, on every
    replica of a `tf.distribute` strategy.

    The factor is part of the saved optimizer: `get_config()` records its
    current value, so a `.keras` file (e.g. from `ModelCheckpoint`) reloads
    with the reduced learning rate. The class is registered for serialization
    under the `keras_recipes` package; import `keras_recipes.callbacks` before
    `keras.models.load_model`.

    Example:

    >>> import keras
    >>> base = keras.optimizers.schedules.CosineDecay(0.1, decay_steps=100)
    >>> schedule = ScaledSchedule(base, factor=0.5)
    >>> round(float(schedule(0)), 6)
    0.05
    >>> _ = schedule.factor.assign(0.1)
    >>> round(float(schedule(0)), 6)
    0.01
    >>> optimizer = keras.optimizers.AdamW(learning_rate=schedule)

    Args:
        schedule: The `LearningRateSchedule` to scale.
        factor: The initial multiplier, a float >= 0, or an existing scalar
            float `keras.Variable` to share. Defaults to `1.0`. A new variable
            is created in the current distribution strategy scope.

    Attributes:
        schedule: The wrapped schedule.
        factor: The scalar float32 `keras.Variable` holding the multiplier.
    """

    def __init__(self, schedule, factor=1.0):
        super().__init__()
        if not isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
            raise ValueError(
                "Argument `schedule` must be a "
                "`keras.optimizers.schedules.LearningRateSchedule`. "
                f"{_args.received(schedule=schedule)}"
            )
        self.schedule = schedule
        if isinstance(factor, keras.Variable):
            self.factor = factor
        else:
            value = _args.check_float("factor", factor, ge=0.0)
            self.factor = keras.Variable(
                value,
                dtype="float32",
                trainable=False,
                name="lr_scale_factor",
                aggregation="only_first_replica",
            )

    def __call__(self, step):
        lr = ops.convert_to_tensor(self.schedule(step))
        return ops.multiply(lr, ops.cast(self.factor, lr.dtype))

    @property
    def scale(self) -> float:
        """The current factor, as a Python float (reads the variable)."""
        return float(_optimizer_access.to_numpy(self.factor))

    def get_config(self):
        return {
            "schedule": keras.saving.serialize_keras_object(self.schedule),
            "factor": self.scale,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["schedule"] = keras.saving.deserialize_keras_object(config["schedule"])
        return cls(**config)


def plateau_scalable(schedule, factor=1.0) -> ScaledSchedule:
    """Wraps `schedule` so that `ReduceLROnPlateau` can scale it.

    `keras_recipes.callbacks.ReduceLROnPlateau` does this by itself at the
    start of training; wrapping before `compile` only makes the wrapper (and
    its factor variable) exist from the start, e.g. to create the variable in
    a chosen strategy scope. A schedule that is already a `ScaledSchedule` is
    returned as is.

    Example:

    >>> import keras
    >>> schedule = plateau_scalable(
    ...     keras.optimizers.schedules.ExponentialDecay(1e-3, 100, 0.9))
    >>> optimizer = keras.optimizers.Adam(learning_rate=schedule)
    >>> round(schedule.scale, 3)
    1.0

    Args:
        schedule: A `keras.optimizers.schedules.LearningRateSchedule`.
        factor: The initial multiplier. Defaults to `1.0`.

    Returns:
        A `ScaledSchedule`.
    """
    if isinstance(schedule, ScaledSchedule):
        return schedule
    return ScaledSchedule(schedule, factor=factor)
