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

from typing import Any, Literal, Union

from pydantic import Field, field_validator, model_validator

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
