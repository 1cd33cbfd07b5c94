"""The recipe format: a typed, strict pydantic schema (no TensorFlow import).

Every section rejects unknown keys. Defaults that depend on another key
(e.g. the learning rate of the chosen optimizer) are filled in by
`model_validator`s, so `Recipe.model_dump()` is the fully resolved recipe.

Cross-field problems are raised as `FieldProblems`, which carry sub-paths so
the loader can report them as dotted paths together with every other problem.
Shared pieces live in `sections.py`; the `optimizer` and `schedule` sections,
the `callbacks` section and `data.augment` entries in modules of their own.
"""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import Field, field_validator, model_validator

from keras_recipes.augment.catalog import modality_of, modality_problems
from keras_recipes.config.augment_schema import AugmentConfig
from keras_recipes.config.callbacks_schema import CallbacksConfig
from keras_recipes.config.optimizer_schema import (  # noqa: F401 (re-exported)
    OPTIMIZER_DEFAULTS, OPTIMIZERS, SCHEDULES, Duration, OptimizerConfig, ScheduleConfig)
from keras_recipes.config.sections import (  # noqa: F401 (FieldProblems re-exported)
    PYTHON_REF, FieldProblems, Section, _only_for, _raise_if)
from keras_recipes.diagnostics.lint_rules import RULE_IDS as LINT_RULE_IDS


DATA_SOURCES = ("sklearn", "npz", "csv", "tfds", "synthetic", "python")
SKLEARN_DATASETS = ("digits", "iris", "wine", "breast_cancer", "diabetes")
SYNTHETIC_KINDS = ("classification", "regression", "images", "sequences")
MODEL_TYPES = ("linear", "mlp", "cnn", "resnet", "transformer", "python")
ACTIVATIONS = ("relu", "gelu", "silu", "swish", "elu", "selu", "leaky_relu", "tanh", "sigmoid")
INITIALIZERS = (
    "auto", "he_normal", "he_uniform", "glorot_normal", "glorot_uniform", "lecun_normal",
    "lecun_uniform", "orthogonal",
)
LOSSES = (
    "auto", "sparse_categorical_crossentropy", "categorical_crossentropy",
    "binary_crossentropy", "mse", "mae", "huber",
)
CLASSIFICATION_METRICS = ("accuracy", "top_3_accuracy", "top_5_accuracy")
REGRESSION_METRICS = ("mae", "mse", "rmse")
METRICS = CLASSIFICATION_METRICS + REGRESSION_METRICS


# --------------------------------------------------------------------- data
class SyntheticConfig(Section):
    """Generated data (seeded by the recipe seed), for demos and tests."""

    samples: int = Field(2000, ge=10, description="Number of examples generated.")
    features: int = Field(20, ge=1, description="Features (classification/regression).")
    classes: int = Field(4, ge=2, description="Classes (classification, images, sequences).")
    image_size: int = Field(16, ge=4, description="Height and width of generated images.")
    channels: int = Field(1, ge=1, le=4, description="Channels of generated images.")
    seq_len: int = Field(32, ge=2, description="Length of generated token sequences.")
    vocab_size: int = Field(32, ge=4, description="Vocabulary of generated sequences.")
    noise: float = Field(0.1, ge=0.0, description="Label/feature noise level.")


class DataConfig(Section):
    """Where the examples come from, how they are split, scaled and batched."""

    source: Literal[DATA_SOURCES] = Field("sklearn", description="Data source kind.")
    name: Optional[str] = Field(
        None, description="sklearn dataset, TFDS dataset or synthetic kind.")
    path: Optional[str] = Field(None, description="File path (npz, csv); relative to the recipe.")
    python: Optional[str] = Field(
        None, description="`package.module:function` returning arrays or tf.data Datasets.")
    args: dict[str, Any] = Field(default_factory=dict,
                                 description="Keyword arguments for a `python:` source.")
    target: Optional[str] = Field(None, description="csv: label column (default: the last).")
    x_key: str = Field("x", description="npz: array holding the inputs.")
    y_key: str = Field("y", description="npz: array holding the labels.")
    tfds_splits: dict[Literal["train", "val", "test"], str] = Field(
        default_factory=lambda: {"train": "train[:90%]", "val": "train[90%:]", "test": "test"},
        description="tfds: split strings for train/val/test.")
    data_dir: Optional[str] = Field(None, description="tfds: data directory.")
    synthetic: SyntheticConfig = Field(default_factory=SyntheticConfig)
    task: Literal["auto", "classification", "regression"] = "auto"
    input_shape: Optional[list[int]] = Field(
        None, description="Reshape each example to this shape, e.g. [8, 8, 1] for digits images.")
    batch_size: int = Field(64, ge=1, description="Examples per replica per micro-batch.")
    val_split: float = Field(0.1, ge=0.0, lt=1.0, description="Fraction held out for validation.")
    test_split: float = Field(0.2, ge=0.0, lt=1.0, description="Fraction held out for test.")
    stratify: bool = Field(True, description="Stratify the splits by class (classification).")
    normalize: Literal["standard", "minmax", "scale", "none"] = Field(
        "standard", description="Feature scaling fitted on the training split only; "
        "`scale` divides by the training maximum (images).")
    shuffle_buffer: Optional[int] = Field(
        None, ge=1, description="Shuffle buffer; default: the whole training split.")
    cache: bool = True
    prefetch: bool = True
    augment: list[AugmentConfig] = Field(
        default_factory=list, description="Training-batch augmentations, applied in order "
        "(never to validation/test); see AugmentConfig.")

    @model_validator(mode="after")
    def _check_source(self) -> "DataConfig":
        problems = _only_for(self, "source", self.source, {
            "path": ("npz", "csv"), "python": ("python",), "args": ("python",),
            "target": ("csv",), "x_key": ("npz",), "y_key": ("npz",),
            "tfds_splits": ("tfds",), "data_dir": ("tfds",), "synthetic": ("synthetic",),
        })
        if self.source == "sklearn" and not self.name:
            self.__dict__["name"] = "digits"
        if self.source in ("tfds", "synthetic") and not self.name:
            problems.append(("name", f"missing -> required with source {self.source}"))
        if self.source == "sklearn" and self.name and self.name not in SKLEARN_DATASETS:
            from keras_recipes.registry import did_you_mean
            problems.append(("name", f"{self.name!r} -> one of {', '.join(SKLEARN_DATASETS)}"
                                     f"{did_you_mean(self.name, SKLEARN_DATASETS)}"))
        if self.source == "synthetic" and self.name and self.name not in SYNTHETIC_KINDS:
            from keras_recipes.registry import did_you_mean
            problems.append(("name", f"{self.name!r} -> one of {', '.join(SYNTHETIC_KINDS)}"
                                     f"{did_you_mean(self.name, SYNTHETIC_KINDS)}"))
        if self.source in ("npz", "csv") and not self.path:
            problems.append(("path", f"missing -> a file path, required with source {self.source}"))
        if self.source == "python" and not (self.python and PYTHON_REF.match(self.python)):
            problems.append(("python", f"{self.python!r} -> 'package.module:function'"))
        if self.source in ("sklearn", "npz", "csv", "synthetic") and \
                self.val_split + self.test_split >= 0.9:
            problems.append(("val_split", f"{self.val_split} + test_split {self.test_split} -> "
                                          "together below 0.9, so training keeps data"))
        problems += modality_problems(
            self.augment, modality_of(self.source, self.name, self.input_shape))
        _raise_if(problems)
        return self


# -------------------------------------------------------------------- model
_TYPE_DEFAULTS = {
    # type: (dropout, normalization)
    "linear": (0.0, "none"),
    "mlp": (0.2, "batch"),
    "cnn": (0.3, "batch"),
    "resnet": (0.3, "batch"),
    "transformer": (0.1, "layer"),
    "python": (0.0, "none"),
}


class ModelConfig(Section):
    """The network: a built-in family or a `python:` builder of your own."""

    type: Literal[MODEL_TYPES] = "mlp"
    python: Optional[str] = Field(
        None, description="`package.module:function(input_shape, num_outputs, **args)` -> keras.Model.")
    args: dict[str, Any] = Field(default_factory=dict, description="Arguments for `python:`.")
    hidden: list[int] = Field(default_factory=lambda: [256, 128],
                              description="Dense layer widths (mlp; dense head of cnn/resnet).")
    filters: list[int] = Field(default_factory=lambda: [32, 64],
                               description="Channels per convolutional stage (cnn, resnet).")
    kernel_size: int = Field(3, ge=1)
    blocks_per_stage: int = Field(2, ge=1, description="Residual blocks per stage (resnet).")
    d_model: int = Field(64, ge=8, description="Embedding width (transformer).")
    num_heads: int = Field(4, ge=1, description="Attention heads (transformer).")
    num_layers: int = Field(2, ge=1, description="Encoder blocks (transformer).")
    ff_dim: int = Field(128, ge=8, description="Feed-forward width (transformer).")
    activation: Literal[ACTIVATIONS] = "relu"
    dropout: Optional[float] = Field(
        None, ge=0.0, lt=1.0, description="Dropout after dense/attention layers (never after "
        "convolutions); default 0.2 mlp, 0.3 cnn/resnet heads, 0.1 transformer, 0 linear.")
    normalization: Optional[Literal["batch", "layer", "none"]] = Field(
        None, description="Default batch (before the activation) for mlp/cnn/resnet, "
        "layer for transformer.")
    kernel_initializer: Literal[INITIALIZERS] = Field(
        "auto", description="`auto`: He for ReLU families, Glorot for tanh/sigmoid.")
    l2: float = Field(0.0, ge=0.0, description="L2 penalty on kernels (coupled; prefer "
                                               "optimizer.weight_decay).")

    @model_validator(mode="after")
    def _fill_and_check(self) -> "ModelConfig":
        problems = _only_for(self, "type", self.type, {
            "python": ("python",), "args": ("python",),
            "hidden": ("mlp", "cnn", "resnet", "transformer"),
            "filters": ("cnn", "resnet"), "kernel_size": ("cnn", "resnet"),
            "blocks_per_stage": ("resnet",), "d_model": ("transformer",),
            "num_heads": ("transformer",), "num_layers": ("transformer",),
            "ff_dim": ("transformer",),
        })
        if self.type == "python" and not (self.python and PYTHON_REF.match(self.python)):
            problems.append(("python", f"{self.python!r} -> 'package.module:function'"))
        if self.type == "transformer" and self.d_model % self.num_heads:
            problems.append(("num_heads", f"{self.num_heads} -> a divisor of d_model "
                                          f"({self.d_model})"))
        if self.type == "transformer" and self.normalization not in (None, "layer"):
            problems.append(("normalization", f"{self.normalization!r} -> 'layer' for "
                             "transformer (pre-layer-norm blocks)"))
        why = {"linear": "the baseline has no hidden layer",
               "python": "regularize inside your builder"}.get(self.type)
        problems += [(key, f"{getattr(self, key)!r} -> not used by model.type {self.type!r} "
                           f"({why})") for key in ("dropout", "normalization")
                     if why and getattr(self, key) not in (None, 0.0, "none")]
        _raise_if(problems)
        dropout, norm = _TYPE_DEFAULTS[self.type]
        # Assign through __dict__: validate_assignment would re-run this validator.
        if self.dropout is None:
            self.__dict__["dropout"] = dropout
        if self.normalization is None:
            self.__dict__["normalization"] = norm
        return self


# ----------------------------------------------------------------- training
class TrainingConfig(Section):
    """The fit loop: epochs, loss, metrics, precision, accumulation, compilation."""

    epochs: int = Field(30, ge=1)
    loss: Literal[LOSSES] = Field("auto", description="`auto`: sparse categorical "
                                  "cross-entropy for classification, mse for regression.")
    label_smoothing: float = Field(0.0, ge=0.0, lt=1.0, description="0.1 is the usual value.")
    metrics: Optional[list[Literal[METRICS]]] = Field(
        None, description="Default: [accuracy] for classification, [mae] for regression.")
    precision: Literal["float32", "mixed_float16", "mixed_bfloat16"] = "float32"
    gradient_accumulation: int = Field(1, ge=1, description="Micro-batches per optimizer update.")
    steps_per_execution: Union[int, Literal["auto"]] = Field(
        "auto", description="Batches per compiled call; `auto` picks a safe value.")
    jit_compile: Union[bool, Literal["auto"]] = Field(False, description="XLA compilation.")
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
        None, ge=1, description="Dev/test aid: split the CPU into N logical devices.")
    tpu: Optional[str] = Field(None, description="TPU name or grpc:// address.")


# --------------------------------------------------------------------- tune
class TuneConfig(Section):
    """A keras-tuner search over dotted recipe paths (`tune RECIPE`); every trial is the
    recipe with the trial's values set, validated and built exactly like `train`."""

    algorithm: Literal["random", "grid", "bayesian", "hyperband"] = "random"
    objective: str = Field("val_loss", pattern=r"^(val_)?[a-z0-9_]+$", description=(
        "Metric to optimize, evaluated like `train`'s metrics.json: `val_<name>` on the "
        "validation split with the best checkpoint's weights, `<name>` from the last epoch."))
    direction: Literal["auto", "min", "max"] = Field(
        "auto", description="`auto`: min for losses/errors, max for accuracy-like metrics.")
    max_trials: int = Field(10, ge=1, description="Trials in total (random, grid, bayesian; "
                            "hyperband's count follows from max_epochs and factor).")
    executions_per_trial: int = Field(
        1, ge=1, description="Trainings per trial (seeds seed, seed+1, ...); the mean counts.")
    seed: Optional[int] = Field(None, ge=0, description="Search seed; default the recipe seed.")
    initial_points: Optional[int] = Field(
        None, ge=1, description="bayesian: random trials before the model guides the search.")
    max_epochs: Optional[int] = Field(
        None, ge=1, description="hyperband: epochs of the longest trial; default training.epochs.")
    factor: int = Field(3, ge=2, description="hyperband: reduction factor between rounds.")
    max_consecutive_failed_trials: int = Field(3, ge=1)
    space: dict[str, dict[str, Any]] = Field(default_factory=dict, description=(
        "Dotted recipe path -> one of `int: [lo, hi]`, `float: [lo, hi]` (`step`, `sampling: "
        "log`), `choice: [...]`, `bool: default`; optional `when: {other.path: value}`."))

    @model_validator(mode="after")
    def _check(self) -> "TuneConfig":
        from keras_recipes.tuning.objective import objective_direction
        from keras_recipes.tuning.space import parse_space

        problems = _only_for(self, "algorithm", self.algorithm, {
            "initial_points": ("bayesian",), "max_epochs": ("hyperband",),
            "factor": ("hyperband",), "max_trials": ("random", "grid", "bayesian")})
        problems += parse_space(self.space)[1]
        if objective_direction(self.objective, self.direction) is None:
            problems.append(("direction", f"'auto' cannot tell for {self.objective!r} -> "
                                          "min or max"))
        _raise_if(problems)
        return self


# --------------------------------------------------------------------- lint
class LintConfig(Section):
    """Playbook lint (`lint RECIPE`, also warned by validate and train): rules to silence."""

    ignore: list[Literal[LINT_RULE_IDS]] = Field(
        default_factory=list, description="Rule ids not to warn about, e.g. [adam_with_l2].")


# ------------------------------------------------------------------- recipe
class Recipe(Section):
    """A whole training recipe."""

    name: str = Field("recipe", pattern=r"^[A-Za-z0-9_.-]+$",
                      description="Run name; runs go to runs/<name>/<timestamp>.")
    description: str = ""
    seed: int = Field(42, ge=0, description="Seeds Python, NumPy and TensorFlow.")
    deterministic: bool = Field(False, description="Also turn on TF op determinism.")
    data: DataConfig = Field(default_factory=DataConfig)
    model: ModelConfig = Field(default_factory=ModelConfig)
    optimizer: OptimizerConfig = Field(default_factory=OptimizerConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    training: TrainingConfig = Field(default_factory=TrainingConfig)
    callbacks: CallbacksConfig = Field(default_factory=CallbacksConfig)
    distribute: DistributeConfig = Field(default_factory=DistributeConfig)
    tune: Optional[TuneConfig] = None
    lint: LintConfig = Field(default_factory=LintConfig)

    @model_validator(mode="after")
    def _check_tune(self) -> "Recipe":
        if self.tune is not None:
            from keras_recipes.tuning.checks import tune_problems

            _raise_if(tune_problems(self))
        return self
