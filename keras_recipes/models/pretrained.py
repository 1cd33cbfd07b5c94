"""`model: {type: pretrained}`: a pretrained backbone, input scaling in front, a new head.

The network is a functional `keras.Model` named `pretrained`:

```
inputs -> preprocess_* (frozen: resize, grayscale -> RGB, the family's scaling,
          or an earlier run's fitted scaling `preprocess_source`)
       -> backbone (ONE nested keras.Model; trainable -- `training.phases` freezes it)
       -> head_pool (global average/max pooling of a spatial output)
       -> head_dropout -> head_hidden{i}_* (model.hidden) -> head_output_logits + head_output
```

The head is built for this recipe's task (classes or regression targets from
the data, as for the other model types). `backbone_of`, `head_layers` and
`family_of` let other modules (layer groups, freezing, lint) find the parts.

Example:

>>> recipe:  model: {type: pretrained, from: MobileNetV2, weights: mnv2.weights.h5,
...                  args: {alpha: 0.35}}
"""

from __future__ import annotations

import keras

from keras_recipes.models.backbones import BACKBONE, load_backbone
from keras_recipes.models.blocks import dense_block, output_head
from keras_recipes.models.registry import MODELS

HEAD_PREFIX = "head_"
PREPROCESS_PREFIX = "preprocess_"


def _pool(x, pooling: str):
    rank = len(x.shape)
    if rank == 2:
        return x
    if rank == 4:
        layer = (keras.layers.GlobalAveragePooling2D if pooling == "avg"
                 else keras.layers.GlobalMaxPooling2D)
    elif rank == 3:
        layer = (keras.layers.GlobalAveragePooling1D if pooling == "avg"
                 else keras.layers.GlobalMaxPooling1D)
    else:
        return keras.layers.Flatten(name="head_flatten")(x)
    return layer(name="head_pool")(x)


def new_head(x, config, spec):
    """Pooling, dropout, `model.hidden` dense blocks and the output layer, all `head_*`."""
    x = _pool(x, config.pooling)
    if config.dropout > 0:
        x = keras.layers.Dropout(config.dropout, name="head_dropout")(x)
    for i, units in enumerate(config.hidden):
        x = dense_block(x, units, config, f"head_hidden{i}")
    return output_head(x, spec, name="head_output")


@MODELS.register("pretrained")
def build_pretrained(config, spec) -> keras.Model:
    """Backbone from `model.from` (see `models/backbones.py`), frozen input scaling, new head.

    The printed plan's backbone line is `model.plan_line`.
    """
    backbone = load_backbone(config, spec)
    inputs = keras.Input(spec.input_shape, name="inputs")
    x = inputs
    for layer in backbone.preprocess:
        layer.trainable = False
        x = layer(x)
    x = backbone.model(x)
    model = keras.Model(inputs, new_head(x, config, spec), name="pretrained")
    model.plan_line = backbone.description
    backbone.model.recipe_family = backbone.family  # survives the RecipeModel rebuild
    return model


def backbone_of(model):
    """The nested backbone model of a `pretrained` network (None for other networks)."""
    try:
        return model.get_layer(BACKBONE)
    except ValueError:
        return None


def head_layers(model) -> list:
    """The new head's layers (`head_*`), in order."""
    return [layer for layer in model.layers if layer.name.startswith(HEAD_PREFIX)]


def preprocess_layers(model) -> list:
    """The frozen input-scaling layers (`preprocess_*`), in order."""
    return [layer for layer in model.layers if layer.name.startswith(PREPROCESS_PREFIX)]


def family_of(model):
    """`mobilenet_v2`, `hub:ResNetBackbone`, `run:cnn`... (None when not built here)."""
    return getattr(backbone_of(model), "recipe_family", None)


__all__ = ["BACKBONE", "backbone_of", "build_pretrained", "family_of", "head_layers",
           "new_head", "preprocess_layers"]
