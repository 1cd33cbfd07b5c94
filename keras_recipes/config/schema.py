"""The recipe format: a typed, strict pydantic schema (no TensorFlow import).

Every section rejects unknown keys. Kind-switched sections (`data.source`,
`model.type`, `optimizer.name`, `schedule.name`, `tune.algorithm`,
`data.augment[].name`) are discriminated unions of one class per kind, declared
in their own modules (`data_schema.py`, `model_schema.py`, ...); see `kinds.py`.
`Recipe.model_dump()` is the fully resolved recipe: only the chosen kinds' keys,
defaults filled in.

Cross-field problems are raised as `FieldProblems`, which carry sub-paths so
the loader can report them as dotted paths together with every other problem.
"""

from typing import Literal, Optional, Union

from pydantic import Field, field_validator, model_validator

from keras_recipes.config.augment_schema import AUGMENTS, augment_config  # noqa: F401
from keras_recipes.config.callbacks_schema import CallbacksConfig
from keras_recipes.config.data_schema import (  # noqa: F401 (re-exported)
    DATA_SOURCES, SKLEARN_DATASETS, SYNTHETIC_KINDS, SyntheticConfig)
from keras_recipes.config.model_schema import ACTIVATIONS, INITIALIZERS, MODEL_TYPES  # noqa: F401
from keras_recipes.config.optimizer_schema import OPTIMIZERS  # noqa: F401 (re-exported)
from keras_recipes.config.phases_schema import Phase, default_epochs, phases_problems
from keras_recipes.config.schedule_schema import SCHEDULES, Duration  # noqa: F401
from keras_recipes.config.sections import (  # noqa: F401 (FieldProblems re-exported)
    PYTHON_REF, FieldProblems, Section, _raise_if)
from keras_recipes.config.tune_schema import TUNE_ALGORITHMS

LOSSES = (
    "auto", "sparse_categorical_crossentropy", "categorical_crossentropy",
    "binary_crossentropy", "mse", "mae", "huber",
)
CLASSIFICATION_METRICS = ("accuracy", "top_3_accuracy", "top_5_accuracy")
REGRESSION_METRICS = ("mae", "mse", "rmse")
METRICS = CLASSIFICATION_METRICS + REGRESSION_METRICS
# The rule ids of `keras_recipes.diagnostics.lint_rules` (each rule checks it is listed).
LINT_RULE_IDS = (
    "transformer_without_warmup", "adam_with_l2", "batch_grown_without_lr_scaling",
    "dropout_after_conv", "fp16_output", "sgd_without_momentum", "sgd_without_schedule",
    "early_stopping_without_best_weights", "label_smoothing_on_regression", "lr_out_of_range",
    "imbalanced_classes", "finetune_backbone_at_head_lr", "frozen_backbone_batch_norm_training",
    "pretrained_input_scaling",
)


# Kind-switched sections: annotations (discriminated unions), one class per kind.
DataConfig = DATA_SOURCES.union()
ModelConfig = MODEL_TYPES.union()
OptimizerConfig = OPTIMIZERS.union()
ScheduleConfig = SCHEDULES.union()
TuneConfig = TUNE_ALGORITHMS.union()


# ----------------------------------------------------------------- training
class TrainingConfig(Section):
    """The fit loop: epochs, loss, metrics, precision, accumulation, compilation."""

    epochs: int = Field(30, ge=1)
    loss: Literal[LOSSES] = Field("auto", description="`auto`: sparse categorical "
                                  "cross-entropy for classification, mse for regression.")
    label_smoothing: float = Field(0.0, ge=0.0, lt=1.0, description="0.1 is the usual value.")
    class_weight: Optional[Union[Literal["balanced"], dict[Union[int, str], float]]] = Field(
        None, description="Loss weight per class: `balanced` (n / (classes x count)), or "
        "{class name or id: weight} (others 1). For imbalanced classes; works with mixup, "
        "label smoothing and every strategy.")
    metrics: Optional[list[Literal[METRICS]]] = Field(
        None, description="Default: [accuracy] for classification, [mae] for regression.")
    precision: Literal["auto", "float32", "mixed_float16", "mixed_bfloat16"] = Field(
        "auto", description="`auto`: mixed_bfloat16 on TPU and GPUs of compute capability "
        ">= 8.0, float32 elsewhere (CPU results unchanged); the plan prints the choice and why.")
    gradient_accumulation: int = Field(1, ge=1, le=4096,
                                       description="Micro-batches per optimizer update.")
    steps_per_execution: Union[int, Literal["auto"]] = Field(
        "auto", description="Batches per compiled call; `auto` picks a safe value.")
    jit_compile: Union[bool, Literal["auto"]] = Field(
        "auto", description="XLA compilation; `auto`: on for TPU and GPU, off on CPU and with "
        "`deterministic: true` (the plan prints the choice and why).")
    recompute_batch_norm: Union[bool, Literal["auto"]] = Field(
        "auto", description="Recompute batch norm's moving statistics over up to 200 training "
        "micro-batches before the model is handed back; `auto`: when it has batch norm.")
    verbose: Literal["auto", 0, 1, 2] = "auto"
    on_nan: Literal["stop", "rollback"] = Field(
        "stop", description="On a non-finite loss (or weights): `stop` with the step named and "
        "the best checkpoint intact; `rollback` to the last saved state with a lower LR.")
    rollback_lr_factor: float = Field(0.1, gt=0.0, lt=1.0,
                                      description="LR multiplier per rollback.")
    max_rollbacks: int = Field(3, ge=1, description="Rollbacks before the run stops.")
    spike_threshold: Optional[float] = Field(
        None, gt=1.0, description="Also treat a loss above this many times the running median "
        "of recent losses as a fault (off by default).")
    loss_upper_bound: Optional[Union[Literal["auto"], float]] = Field(
        "auto", description="Also treat a training loss above this value as a fault, like NaN "
        "(divergence without NaN). `auto`: 100 x the loss before training; null: off.")
    phases: Optional[list[Phase]] = Field(
        None, description="Fine-tuning phases in order, e.g. [{epochs: 3, train: head}, "
        "{epochs: 7, train: all, learning_rate_multiplier: 0.1}]; `epochs` defaults to their "
        "sum. See docs/FINETUNING.md.")

    @model_validator(mode="before")
    @classmethod
    def _epochs_from_phases(cls, data):
        return default_epochs(data)

    @model_validator(mode="after")
    def _phases_fit_epochs(self) -> "TrainingConfig":
        _raise_if(phases_problems(self.phases, self.epochs, "epochs" in self.model_fields_set))
        return self

    @field_validator("loss_upper_bound")
    @classmethod
    def _positive_bound(cls, value):
        if isinstance(value, float) and not value > 0:
            raise ValueError("must be a positive number, 'auto' or null")
        return value

    @field_validator("steps_per_execution")
    @classmethod
    def _positive(cls, value):
        if isinstance(value, int) and value < 1:
            raise ValueError("must be >= 1 or 'auto'")
        return value


# --------------------------------------------------------------- distribute
class DistributeConfig(Section):
    """Data-parallel scaling; `data.batch_size` is per replica."""

    strategy: Literal["default", "one_device", "mirrored", "multi_worker", "tpu"] = "default"
    devices: Optional[Union[int, list[str]]] = Field(
        None, description="Device count or names, e.g. ['/gpu:0', '/gpu:1'].")
    virtual_cpus: Optional[int] = Field(
        None, ge=1, le=64, description="Dev/test aid: split the CPU into N logical devices.")
    tpu: Optional[str] = Field(None, description="TPU name or grpc:// address.")

    @field_validator("devices")
    @classmethod
    def _device_count(cls, value):
        if isinstance(value, int) and not 1 <= value <= 4096:
            raise ValueError("a device count from 1 to 4096, or a list of device names")
        return value


# --------------------------------------------------------------------- lint
class LintConfig(Section):
    """Playbook lint (`lint RECIPE`, also warned by validate and train): rules to silence."""

    ignore: list[Literal[LINT_RULE_IDS]] = Field(
        default_factory=list, description="Rule ids not to warn about, e.g. [adam_with_l2].")


# ------------------------------------------------------------------- recipe
class Recipe(Section):
    """A whole training recipe."""

    name: str = Field("recipe", pattern=r"^[A-Za-z0-9_.-]+$", max_length=100,
                      description="Run name; runs go to runs/<name>/<timestamp>.")
    description: str = ""
    seed: int = Field(42, ge=0, le=2**32 - 1,
                      description="Seeds Python, NumPy and TensorFlow.")
    deterministic: bool = Field(False, description="Also turn on TF op determinism.")
    data: DataConfig = Field(default_factory=DATA_SOURCES.default_class)
    model: ModelConfig = Field(default_factory=MODEL_TYPES.default_class)
    optimizer: OptimizerConfig = Field(default_factory=OPTIMIZERS.default_class)
    schedule: ScheduleConfig = Field(default_factory=SCHEDULES.default_class)
    training: TrainingConfig = Field(default_factory=TrainingConfig)
    callbacks: CallbacksConfig = Field(default_factory=CallbacksConfig)
    distribute: DistributeConfig = Field(default_factory=DistributeConfig)
    tune: Optional[TuneConfig] = None
    lint: LintConfig = Field(default_factory=LintConfig)

    @field_validator("name")
    @classmethod
    def _folder_name(cls, value):
        if value in (".", ".."):
            raise ValueError("a folder name, not '.' or '..' (runs go to runs/<name>/)")
        return value

    @model_validator(mode="after")
    def _check_tune(self) -> "Recipe":
        if self.tune is not None:
            from keras_recipes.config.tune_checks import tune_problems

            _raise_if(tune_problems(self))
        return self
