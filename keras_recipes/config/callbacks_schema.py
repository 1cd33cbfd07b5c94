"""The recipe's `callbacks` section: checkpoint, early stopping, TensorBoard, loggers, extras."""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import Field, model_validator

from keras_recipes.config.sections import PythonRef, Section


class Toggle(Section):
    """A callback section that can be written `false`, `true` or as a mapping.

    One rule for every switchable section: a mapping turns it on unless it
    says `enabled: false`. `reduce_lr_on_plateau: {patience: 8}` is on, as if
    it said `enabled: true`; `{patience: 8, enabled: false}` keeps the keys
    and stays off. `true`/`false` alone switch it with its defaults; an empty
    mapping gives no keys and leaves the default.
    """

    enabled: bool = True

    @model_validator(mode="before")
    @classmethod
    def _from_bool(cls, value):
        if isinstance(value, bool):
            return {"enabled": value}
        if isinstance(value, dict) and value and "enabled" not in value:
            return {**value, "enabled": True}  # keys given: the user wants it on
        return value


class EarlyStoppingConfig(Toggle):
    """Stop when `monitor` has not improved for `patience` epochs (the best checkpoint is kept)."""

    monitor: str = "val_loss"
    patience: int = Field(10, ge=0, description="Epochs without improvement before stopping.")
    min_delta: float = Field(0.0, ge=0.0)
    mode: Literal["auto", "min", "max"] = "auto"


class CheckpointConfig(Section):
    """The best checkpoint (`best.keras`), which is the model a run hands back."""

    monitor: str = "val_loss"
    mode: Literal["auto", "min", "max"] = "auto"
    save_every_steps: int = Field(
        0, ge=0, description="Also save the resume state every N optimizer updates (it is "
        "always saved at epoch ends); rounded up to a multiple of steps_per_execution.")
    write_interval_s: float = Field(
        10.0, ge=0.0, description="Least seconds between writes of best.keras and of the "
        "epoch-end resume state (both are kept in memory every epoch and written at the "
        "end; a save can cost more than an epoch of a small model). 0: write every time.")


class TensorBoardConfig(Toggle):
    """TensorBoard logs under `<run>/tensorboard` (on by default)."""

    update_freq: Union[Literal["epoch", "batch"], int] = "epoch"
    histogram_freq: int = Field(0, ge=0)
    profile_batch: int = Field(0, ge=0)
    per_class_metrics: bool = Field(True, description="Validation precision/recall/F1 per "
                                    "class every epoch (classification; a forward pass over val).")
    confusion_matrix_freq: int = Field(10, ge=0, description="Epochs between validation "
                                       "confusion-matrix images (and the last epoch); 0: none.")
    sample_inputs: int = Field(16, ge=0, le=64, description="Training inputs in the sample "
                               "grid image written at the start; 0: none.")
    max_overhead: Optional[float] = Field(0.01, gt=0.0, le=1.0, description="Share of the "
                                          "training time per-class metrics and images may use "
                                          "(short epochs skip some); null: no limit.")
    recipe_text: bool = Field(True, description="The resolved recipe in the Text tab.")
    hparams: bool = Field(True, description="The recipe's values in the HParams tab.")
    loss_scale: bool = Field(True, description="Log `loss_scale` under mixed_float16 (every "
                             "gradient_norm_logger.every_n_steps steps).")


class ReduceLROnPlateauConfig(Toggle):
    """Multiply the LR by `factor` after `patience` epochs without improvement; composes with schedules."""

    enabled: bool = False
    monitor: str = "val_loss"
    factor: float = Field(0.1, gt=0.0, lt=1.0)
    patience: int = Field(5, ge=0)
    min_delta: float = Field(1e-4, ge=0.0)
    cooldown: int = Field(0, ge=0)
    min_lr: float = Field(0.0, ge=0.0)


class LoggerConfig(Toggle):
    """A per-step logger (learning rate or gradient norm), on by default: logs, CSV, TensorBoard."""

    every_n_steps: int = Field(10, ge=1, description="Log every N optimizer steps (at "
                               "execution boundaries); host reads only on those steps.")


class PythonCallback(Section):
    """A callback of your own: `python: package.module:Factory` called with `args`."""

    python: PythonRef = Field(description="`package.module:Factory` returning a keras Callback.")
    args: dict[str, Any] = Field(default_factory=dict)


class CallbacksConfig(Section):
    """Callbacks by name; each can be switched off with `name: false`."""

    early_stopping: EarlyStoppingConfig = Field(default_factory=EarlyStoppingConfig)
    checkpoint: CheckpointConfig = Field(default_factory=CheckpointConfig)
    tensorboard: TensorBoardConfig = Field(default_factory=TensorBoardConfig)
    reduce_lr_on_plateau: ReduceLROnPlateauConfig = Field(default_factory=ReduceLROnPlateauConfig)
    learning_rate_logger: LoggerConfig = Field(default_factory=LoggerConfig)
    gradient_norm_logger: LoggerConfig = Field(default_factory=LoggerConfig)
    custom: list[PythonCallback] = Field(default_factory=list)
