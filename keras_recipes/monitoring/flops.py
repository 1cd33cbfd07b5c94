"""Model FLOPs per example, counted from the traced forward pass.

The forward pass is traced once (`tf.function`, batch of one, inference mode)
and every matrix-multiplying op in the graph is counted at 2 FLOPs per
multiply-add, the convention MFU figures use (PaLM, Megatron, Composer):

| op | FLOPs |
|---|---|
| `MatMul`, `BatchMatMul*` | 2 x M x N x K (x batch) |
| `Conv2D`, `Conv3D`, `Conv2DBackpropInput` (transposed) | 2 x output positions x kernel volume x in x out channels |
| `DepthwiseConv2dNative` | 2 x output positions x kernel area x channels x multiplier |
| `Einsum` (attention, `EinsumDense`) | 2 x product of every index's size |

Element-wise work (activations, normalization, softmax, bias adds) is left
out: it is memory-bound, a few percent of the total for the models here, and
MFU counts only the matrix units' work. Ops inside loops (`tf.while_loop`,
recurrent layers) are not counted, so recurrent models report no FLOPs. A
training step costs about 3x the forward pass (forward, plus the backward pass
computing gradients with respect to activations and weights): `train_flops`.

Example:

>>> inputs = keras.Input((64,))
>>> model = keras.Model(inputs, keras.layers.Dense(10)(inputs))
>>> forward_flops(model)
1280
"""

from __future__ import annotations

import math
from typing import Optional

TRAIN_FACTOR = 3
"""Training FLOPs per forward FLOP: forward + backward (gradients w.r.t. inputs and weights)."""


def forward_flops(model) -> Optional[int]:
    """FLOPs of one example's forward pass, or None when the graph cannot be traced
    (a model without fixed input shapes, a backend other than TensorFlow)."""
    import tensorflow as tf

    try:
        specs = [tf.TensorSpec([1, *t.shape[1:]], t.dtype) for t in model.inputs]
        if any(d is None for s in specs for d in s.shape):
            return None
        inputs = specs[0] if len(specs) == 1 else specs
        graph = tf.function(lambda x: model(x, training=False)).get_concrete_function(
            inputs).graph
    except (AttributeError, TypeError, ValueError):
        return None
    return int(sum(op_flops(op) for op in graph.get_operations()))


def train_flops(model) -> Optional[int]:
    """FLOPs of one example's training step (3x the forward pass), or None."""
    flops = forward_flops(model)
    return None if flops is None else TRAIN_FACTOR * flops


def op_flops(op) -> int:
    """The FLOPs of one graph op (0 for ops that do not multiply matrices)."""
    counter = _COUNTERS.get(op.type)
    if counter is None:
        return 0
    try:
        return int(counter(op))
    except (TypeError, ValueError):  # an unknown dimension
        return 0


def _dims(tensor) -> list:
    dims = tensor.shape.as_list()
    if any(d is None for d in dims):
        raise ValueError("unknown dimension")
    return dims


def _matmul(op) -> int:
    a = _dims(op.inputs[0])
    k = a[0] if op.get_attr("transpose_a") else a[1]
    return 2 * math.prod(_dims(op.outputs[0])) * k


def _batch_matmul(op) -> int:
    a = _dims(op.inputs[0])
    k = a[-2] if op.get_attr("adj_x") else a[-1]
    return 2 * math.prod(_dims(op.outputs[0])) * k


def _conv(op) -> int:
    """Output elements x kernel volume x input channels (the filter's all but last dims)."""
    kernel = _dims(op.inputs[1])
    return 2 * math.prod(_dims(op.outputs[0])) * math.prod(kernel[:-1])


def _conv_transpose(op) -> int:
    """`Conv2DBackpropInput(sizes, filter, input)`: each input element meets the whole
    filter once: input elements x kernel area x output channels."""
    kernel = _dims(op.inputs[1])  # [h, w, out, in]
    return 2 * math.prod(_dims(op.inputs[2])) * math.prod(kernel[:-1])


def _depthwise(op) -> int:
    kernel = _dims(op.inputs[1])  # [h, w, in, multiplier]
    return 2 * math.prod(_dims(op.outputs[0])) * kernel[0] * kernel[1]


def _einsum(op) -> int:
    """2 x the product of every index's size (each index taken from an operand's shape)."""
    equation = op.get_attr("equation").decode().replace(" ", "")
    operands = equation.split("->")[0].split(",")
    if any("." in term for term in operands):
        raise ValueError("ellipsis")
    sizes: dict = {}
    for term, tensor in zip(operands, op.inputs):
        for index, size in zip(term, _dims(tensor)):
            sizes[index] = size
    return 2 * math.prod(sizes.values())


_COUNTERS = {
    "MatMul": _matmul,
    "BatchMatMul": _batch_matmul,
    "BatchMatMulV2": _batch_matmul,
    "BatchMatMulV3": _batch_matmul,
    "Conv2D": _conv,
    "Conv3D": _conv,
    "Conv2DBackpropInput": _conv_transpose,
    "DepthwiseConv2dNative": _depthwise,
    "Einsum": _einsum,
}
