"""The recipe's `model` section: one class per `model.type` (no TensorFlow import).

`ModelBase` holds what every type shares (only `type`); `NetworkModel` the keys of
the built-in networks (head widths, activation, dropout, normalization,
initializer, L2). A new type is a class here, registered with
`@MODEL_TYPES.register`, plus its builder registered under the same name in
`keras_recipes/models/`.

Example:

>>> MODEL_TYPES.classes["transformer"]().dropout
0.1
"""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import Field, create_model, field_validator, model_validator

from keras_recipes.config.kinds import Kinds, KindSection
from keras_recipes.config.sections import FieldProblems, PythonRef

MODEL_TYPES = Kinds("model", "type", default="mlp")

ACTIVATIONS = ("relu", "gelu", "silu", "swish", "elu", "selu", "leaky_relu", "tanh", "sigmoid")
INITIALIZERS = (
    "auto", "he_normal", "he_uniform", "glorot_normal", "glorot_uniform", "lecun_normal",
    "lecun_uniform", "orthogonal",
)
_DROPOUT = "Dropout after dense/attention layers (never after convolutions)."


class ModelBase(KindSection):
    """The network: a built-in family or a `python:` builder of your own."""

    type: str = Field("mlp", description="Model family; selects the keys below.")
    sync_batch_norm: Union[bool, Literal["auto"]] = Field(
        "auto", description="Batch norm statistics of the global micro-batch across replicas; "
        "`auto`: on for mirrored, multi_worker and tpu.")


class NetworkModel(ModelBase):
    """Keys shared by the built-in networks (mlp, cnn, resnet, transformer)."""

    hidden: list[int] = Field(default_factory=lambda: [256, 128],
                              description="Dense layer widths (mlp; dense head of cnn/resnet).")
    activation: Literal[ACTIVATIONS] = "relu"
    dropout: float = Field(0.2, ge=0.0, lt=1.0, description=_DROPOUT)
    normalization: Literal["batch", "layer", "none"] = Field(
        "batch", description="Batch normalization goes before the activation.")
    kernel_initializer: Literal[INITIALIZERS] = Field(
        "auto", description="`auto`: He for ReLU families, Glorot for tanh/sigmoid.")
    l2: float = Field(0.0, ge=0.0, description="L2 penalty on kernels (coupled; prefer "
                                               "optimizer.weight_decay).")

    @field_validator("hidden")
    @classmethod
    def _widths(cls, value):
        if any(not 1 <= width <= 1_000_000 for width in value):
            raise ValueError("layer widths from 1 to 1,000,000")
        return value


@MODEL_TYPES.register
class LinearModel(ModelBase):
    """The baseline: one linear layer (logistic or linear regression) on flattened inputs."""

    type: Literal["linear"] = "linear"
    unused_reason = "the baseline has no hidden layer"


@MODEL_TYPES.register
class MlpModel(NetworkModel):
    """Multi-layer perceptron: Dense -> norm -> activation -> dropout per hidden layer."""

    type: Literal["mlp"] = "mlp"


class ConvModel(NetworkModel):
    """Keys shared by the convolutional networks."""

    filters: list[int] = Field(default_factory=lambda: [32, 64],
                               description="Channels per convolutional stage.")
    kernel_size: int = Field(3, ge=1)
    dropout: float = Field(0.3, ge=0.0, lt=1.0, description=_DROPOUT)


@MODEL_TYPES.register
class CnnModel(ConvModel):
    """Convolutional stages (conv -> norm -> activation, pooling), then a dense head."""

    type: Literal["cnn"] = "cnn"


@MODEL_TYPES.register
class ResnetModel(ConvModel):
    """Residual stages of `blocks_per_stage` blocks, then a dense head."""

    type: Literal["resnet"] = "resnet"
    blocks_per_stage: int = Field(2, ge=1, description="Residual blocks per stage.")


@MODEL_TYPES.register
class TransformerModel(NetworkModel):
    """Pre-layer-norm transformer encoder over token ids or sequences, then a dense head."""

    type: Literal["transformer"] = "transformer"
    d_model: int = Field(64, ge=8, description="Embedding width.")
    num_heads: int = Field(4, ge=1, description="Attention heads.")
    num_layers: int = Field(2, ge=1, description="Encoder blocks.")
    ff_dim: int = Field(128, ge=8, description="Feed-forward width.")
    dropout: float = Field(0.1, ge=0.0, lt=1.0, description=_DROPOUT)
    normalization: Literal["batch", "layer", "none"] = Field(
        "layer", description="Always `layer` (pre-layer-norm blocks).")

    @field_validator("normalization")
    @classmethod
    def _layer_norm(cls, value: str) -> str:
        if value != "layer":
            raise ValueError("'layer' for transformer (pre-layer-norm blocks)")
        return value

    @model_validator(mode="after")
    def _heads_divide_width(self) -> "TransformerModel":
        if self.d_model % self.num_heads:
            raise FieldProblems([("num_heads", f"{self.num_heads} -> a divisor of d_model "
                                               f"({self.d_model})")])
        return self


@MODEL_TYPES.register
class PythonModel(ModelBase):
    """Your own builder: `python: package.module:function(input_shape, num_outputs, **args)`."""

    type: Literal["python"] = "python"
    python: PythonRef = Field(description="`package.module:function(input_shape, num_outputs, "
                                    "**args)` -> keras.Model.")
    args: dict[str, Any] = Field(default_factory=dict, description="Arguments for `python:`.")
    unused_reason = "regularize inside your builder"


class _PretrainedKeys(NetworkModel):
    """Start from a pretrained network: its backbone (minus its head) and a new head.

    `from` is a `keras.applications` name (with `weights: PATH` or `weights: none`),
    a local KerasHub preset folder, an earlier run's folder or a `.keras` file. See
    docs/FINETUNING.md for what each family expects as input.
    """

    type: Literal["pretrained"] = "pretrained"
    weights: Optional[str] = Field(
        None, description="keras.applications names only: a weights file on disk (`.weights.h5` "
        "or Keras' `.h5`) or `none` (random weights). Nothing is ever downloaded.")
    args: dict[str, Any] = Field(
        default_factory=dict, description="Constructor arguments of the keras.applications "
        "architecture, e.g. `{alpha: 0.35}` for MobileNetV2 (the weights file must match).")
    image_size: Optional[list[int]] = Field(
        None, description="[height, width] the backbone sees (inputs are resized inside the "
        "network); default: the data's size, raised to the family's smallest size.")
    input_range: Optional[list[float]] = Field(
        None, description="[low, high] of the values the network receives (after "
        "`data.normalize`), mapped to the 0-255 pixels the family's scaling expects; default "
        "[0, 255]. Not for a run folder or `.keras` file (their own input scaling is kept).")
    cut: Optional[str] = Field(
        None, description="Run folder or `.keras` file: the layer whose output becomes the "
        "backbone's output; default: the input of the final classifier (the last Dense).")
    pooling: Literal["avg", "max"] = Field(
        "avg", description="Global pooling of a spatial backbone output in the new head.")
    hidden: list[int] = Field(default_factory=list,
                              description="Dense layer widths of the new head (none: one "
                              "output layer on the pooled features).")
    dropout: float = Field(0.2, ge=0.0, lt=1.0, description="Dropout before each dense layer "
                                                            "of the new head.")
    normalization: Literal["batch", "layer", "none"] = Field(
        "none", description="Normalization in the new head's hidden layers.")
    @classmethod
    def key_order(cls) -> list[str]:
        """`type`, then `from`, then the other keys."""
        order = super().key_order()
        return order[:1] + [k for k in order if k == "from"] + [k for k in order[1:]
                                                                if k != "from"]

    @field_validator("weights")
    @classmethod
    def _local_weights(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and value.strip().lower() == "imagenet":
            raise ValueError(
                "a weights file on disk (nothing is downloaded): where the "
                "internet is reachable run e.g. `keras.applications.ResNet50(weights="
                "'imagenet', include_top=False).save_weights('resnet50.weights.h5')` (or copy "
                "Keras' cached .h5 from ~/.keras/models) and pass that path, or `none`")
        if value is not None and value.startswith(("http://", "https://")):
            raise ValueError("a weights file on disk (nothing is downloaded)")
        return value

    @field_validator("image_size")
    @classmethod
    def _height_width(cls, value):
        if value is not None and (len(value) != 2 or not all(1 <= v <= 8192 for v in value)):
            raise ValueError("[height, width], each 1 to 8192")
        return value

    @field_validator("input_range")
    @classmethod
    def _low_high(cls, value):
        if value is not None and (len(value) != 2 or not value[0] < value[1]):
            raise ValueError("[low, high] with low < high, e.g. [0, 255] or [0, 1]")
        return value

    @model_validator(mode="after")
    def _from_and_weights(self) -> "_PretrainedKeys":
        import difflib
        from pathlib import Path

        from keras_recipes.config.backbone_families import ARCHITECTURES, looks_like_path

        source = getattr(self, "from", None)
        if source is None:
            return self
        problems = []
        remote = ("http://", "https://", "kaggle://", "hf://", "gs://", "s3://")
        if source.startswith(remote):
            problems.append(("from", f"{source!r} -> a local folder or file (nothing is "
                                     "downloaded: save the preset with `save_to_preset(dir)` "
                                     "where the internet is reachable)"))
        elif source in ARCHITECTURES:
            if self.weights is None:
                problems.append(("weights", f"missing for {source} -> a weights file on disk, "
                                            "or `none` for random weights"))
        elif (not looks_like_path(source) and source.isidentifier() and source[:1].isupper()
              and not Path(source).exists()):
            lower = {name.lower(): name for name in ARCHITECTURES}
            close = [lower[n] for n in difflib.get_close_matches(source.lower(), list(lower), n=4,
                                                                 cutoff=0.5)]
            hint = f"close: {', '.join(close)}" if close else "e.g. MobileNetV2, ResNet50, " \
                "EfficientNetB0"
            problems.append(("from", f"{source!r} is not a keras.applications architecture "
                                     f"({hint}) -> a keras.applications name, a KerasHub preset "
                                     "folder, a run folder or a .keras file"))
        else:
            if self.weights is not None:
                problems.append(("weights", f"{self.weights!r} -> only with a keras.applications "
                                            "name (a preset, run folder or .keras file holds "
                                            "its own weights)"))
            if self.args:
                problems.append(("args", "only with a keras.applications name"))
        if source in ARCHITECTURES and self.cut is not None:
            problems.append(("cut", "only with a run folder or .keras file"))
        if problems:
            raise FieldProblems(problems)
        return self


PretrainedModel = MODEL_TYPES.register(create_model(
    "PretrainedModel", __base__=_PretrainedKeys, __doc__=_PretrainedKeys.__doc__,
    __module__=__name__,
    **{"from": (str, Field(description="A keras.applications name (e.g. MobileNetV2), a local "
                           "KerasHub preset folder, an earlier run's folder or a `.keras` file; "
                           "relative to the recipe."))}))
