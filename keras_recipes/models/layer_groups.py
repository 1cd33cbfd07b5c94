"""A model's trainable parts in order: the head, the backbone's blocks, and their depths.

Fine-tuning phases (`training.phases`) and discriminative learning rates
(`optimizer.layer_decay`, `optimizer.lr_multipliers`) name parts of a network.
This module splits any functional model into:

- **preprocess**: layers named `preprocess_*` (never trained by a phase);
- **head**: the layers named `head*` or `output*` (a `pretrained` model's new
  head; a built-in family's hidden head and output layer): one block, depth 0;
- **backbone**: every other layer with weights. For a `pretrained` model these
  are the layers of its nested model named `backbone`; for a built-in family
  the model's own layers.

Backbone layers are grouped into **blocks** by name: a layer belongs to the
block named by the longest name prefix that ends in `block|stage|layer|hidden`
and a number (`stage1_block0_conv` -> `stage1_block0`, ResNet50's
`conv5_block3_2_bn` -> `conv5_block3`, EfficientNet's `block6a_expand_conv` ->
`block6a`, KerasHub's `transformer_layer_3`, the mlp's `hidden0_dense` ->
`hidden0`), else by the name up to its first underscore (`stem_conv` and
`stem_norm` -> `stem`, `conv1_conv` -> `conv1`; a leading `bn_` is ignored). Only
layers with trainable weights count (not a fixed input normalization). Blocks keep the
order in which
their first layer appears; a block's **depth** counts blocks from the head
(the last backbone block is depth 1).

Example:

>>> groups = layer_groups(model)                       # doctest: +SKIP
>>> [(b.name, b.depth) for b in groups.blocks]         # doctest: +SKIP
[('head', 0), ('stage1', 1), ('stage0', 2)]
"""

from __future__ import annotations

import dataclasses
import re

import keras

BACKBONE = "backbone"
_BLOCK_TOKEN = re.compile(r"^(.*(?:block|stage|layer|hidden)_?\d+[a-z]?)(?:_|$)", re.IGNORECASE)


@dataclasses.dataclass
class Block:
    """Layers trained together: `group` is `head` or `backbone`; depth 0 is the head."""

    name: str
    group: str
    depth: int = 0
    layers: list = dataclasses.field(default_factory=list)

    @property
    def variables(self) -> list:
        """The block's trainable-when-unfrozen variables (original flags)."""
        seen, found = set(), []
        for layer in self.layers:
            for variable in layer.weights:
                if id(variable) not in seen:
                    seen.add(id(variable))
                    found.append(variable)
        return found


@dataclasses.dataclass
class LayerGroups:
    """The head block, then the backbone blocks from the top (depth 1) down."""

    blocks: list
    preprocess: list

    @property
    def head(self) -> Block:
        return self.blocks[0]

    @property
    def backbone(self) -> list:
        """Backbone blocks in network order (input side first)."""
        return sorted((b for b in self.blocks if b.group == BACKBONE), key=lambda b: -b.depth)

    def matching_layers(self, pattern: str) -> list:
        """Backbone layers whose name `re.search`-matches `pattern`."""
        regex = re.compile(pattern)
        return [layer for block in self.backbone for layer in block.layers
                if regex.search(layer.name)]


def block_name(layer_name: str) -> str:
    """The block a backbone layer belongs to (see the module docstring).

    Example:

    >>> block_name("conv5_block3_2_bn"), block_name("stem_norm"), block_name("bn_Conv1")
    ('conv5_block3', 'stem', 'Conv1')
    """
    name = re.sub(r"^bn_", "", layer_name)  # MobileNet's bn_Conv1 joins Conv1
    match = _BLOCK_TOKEN.match(name)
    if match:
        return match.group(1)
    return name.split("_", 1)[0] or name


def is_head(layer) -> bool:
    name = layer.name
    return name.startswith("head") or name == "output" or name.startswith("output_")


def is_preprocess(layer) -> bool:
    return layer.name.startswith("preprocess")


def _has_weights(layer) -> bool:
    return bool(layer.weights)


def _trains(layer) -> bool:
    """The layer has weights that train when it is unfrozen (not a fixed normalization)."""
    return bool(layer.trainable_weights)


def layer_groups(model) -> LayerGroups:
    """Splits a functional `model` into preprocess layers, the head block and backbone blocks.

    Raises:
        ValueError: the model has no head layer (`head*` / `output*`) or no backbone layer.
    """
    top = [layer for layer in getattr(model, "layers", []) if _has_weights(layer)]
    preprocess = [layer for layer in top if is_preprocess(layer)]
    head = Block("head", "head", 0, [layer for layer in top if is_head(layer)])
    nested = next((layer for layer in top if layer.name == BACKBONE
                   and isinstance(layer, keras.Model)), None)
    if nested is not None:
        body = [layer for layer in nested.layers if _trains(layer)]
    else:
        body = [layer for layer in top if not is_head(layer) and not is_preprocess(layer)
                and _trains(layer)]
    if not head.layers:
        raise ValueError(f"model {model.name!r} has no head layer (a layer named 'head*' or "
                         "'output*' with weights) to train first")
    if not body:
        raise ValueError(f"model {model.name!r} has no backbone layer with weights")
    order: dict[str, Block] = {}
    for layer in body:
        name = block_name(layer.name)
        order.setdefault(name, Block(name, BACKBONE)).layers.append(layer)
    backbone = list(order.values())
    for depth, block in enumerate(reversed(backbone), start=1):
        block.depth = depth
    return LayerGroups([head] + list(reversed(backbone)), preprocess)


def learning_rate_multipliers(groups: LayerGroups, layer_decay=None,
                              explicit=None) -> dict[int, float]:
    """`{id(variable): multiplier}` for every variable of the head and backbone blocks.

    A variable's multiplier is `layer_decay ** depth` (1 without decay) times the
    value of the first `explicit` entry that names it: `head`, `backbone`, or a
    regular expression `re.search`-matched against its layer's name.

    Example:

    >>> mult = learning_rate_multipliers(groups, layer_decay=0.5)  # doctest: +SKIP
    """
    explicit = dict(explicit or {})
    patterns = {key: re.compile(key) for key in explicit if key not in ("head", BACKBONE)}
    result = {}
    for block in groups.blocks:
        decay = float(layer_decay) ** block.depth if layer_decay else 1.0
        for layer in block.layers:
            factor = 1.0
            for key, value in explicit.items():
                if key == block.group or (key in patterns and patterns[key].search(layer.name)):
                    factor = float(value)
                    break
            for variable in layer.weights:
                result.setdefault(id(variable), decay * factor)
    return result
