"""Where a pretrained backbone comes from: `model.from` of `model: {type: pretrained}`.

- a `keras.applications` name: the architecture without its top, built for the
  data's image size, with `model.weights` (a file on disk) or random weights;
- a KerasHub preset folder (`config.json` + weights, written by
  `backbone.save_to_preset(dir)`; needs `pip install keras-recipes[hub]`);
- an earlier run folder of this package (its `model.keras`) or a `.keras` file:
  the network minus its head. The head is the final classifier: the last
  `Dense` layer (and the softmax after it) of the built-in families (`output_logits`
  + `output` of mlp/cnn/resnet/transformer, `head_output*` of a pretrained model),
  or of any functional model; `model.cut` names another layer to cut at. The
  earlier run's fitted input scaling (`data.normalize`) comes along, frozen, as
  `preprocess_source`, so the backbone sees inputs scaled as in its training.

Nothing is downloaded. Every error is a `UsageError` naming the key.

Example:

>>> backbone = load_backbone(config, spec)      # config: the recipe's model section
>>> backbone.model.name, [layer.name for layer in backbone.preprocess]
('backbone', ['preprocess_resize', 'preprocess_rgb', 'preprocess_scale'])
"""

from __future__ import annotations

import dataclasses
import difflib
import inspect
from pathlib import Path
from typing import Any

from keras_recipes.config.backbone_families import FAMILIES, scaling_mode
from keras_recipes.errors import UsageError

BACKBONE = "backbone"
_NOT_ARGS = {"input_shape", "include_top", "weights", "input_tensor", "pooling", "classes",
             "classifier_activation", "name"}


@dataclasses.dataclass
class Backbone:
    """A backbone ready to nest: the model, the input layers in front of it, its family."""

    model: Any
    """A `keras.Model` named `backbone`."""
    preprocess: list
    """`preprocess_*` layers (frozen) from the network's inputs to the backbone's."""
    family: str
    """`mobilenet_v2`, `hub:ResNetBackbone`, `run:cnn`, ..."""
    description: str
    """One line for the printed plan."""


def source_of(value: str) -> str:
    """`application`, `hub`, `run` or `file` for a `model.from` value (`UsageError` if none)."""
    path = Path(value).expanduser()
    if path.is_dir():
        if (path / "model.keras").is_file():
            return "run"
        if (path / "config.json").is_file():
            return "hub"
        raise UsageError(f"model.from: {value!r} is a folder without model.keras (a run) or "
                         "config.json (a KerasHub preset) -> a run folder, a preset folder "
                         "written by save_to_preset, a .keras file or a keras.applications name")
    if path.is_file():
        if path.suffix == ".keras":
            return "file"
        raise UsageError(f"model.from: {value!r} -> a .keras model file (a weights file goes "
                         "in model.weights, with an architecture name in model.from)")
    import keras

    if callable(getattr(keras.applications, value, None)) and value[:1].isupper():
        return "application"
    lower = {n.lower(): n for n in dir(keras.applications) if n[:1].isupper()}
    close = [lower[n] for n in difflib.get_close_matches(value.lower(), list(lower), n=4,
                                                         cutoff=0.5)]
    hint = f" (close: {', '.join(close)})" if close else ""
    raise UsageError(f"model.from: {value!r} is no file or folder and no keras.applications "
                     f"architecture{hint} -> an existing run folder, preset folder or .keras "
                     "file (relative to the recipe or the working folder), or an architecture "
                     "name")


def load_backbone(config, spec) -> Backbone:
    """The backbone `config` (the recipe's `model` section) names, for data `spec`."""
    value = getattr(config, "from")
    kind = source_of(value)
    if kind == "application":
        return _application(config, spec)
    if kind == "hub":
        return _hub_preset(config, spec)
    return _saved_network(config, spec, Path(value).expanduser())


def image_shape(spec, what: str) -> tuple[int, int, int]:
    """`(height, width, channels)` of image data, or a `UsageError` for other data."""
    shape = tuple(spec.input_shape)
    if spec.is_tokens or len(shape) != 3 or shape[-1] not in (1, 3):
        raise UsageError(
            f"model.from: {what} is an image backbone -> image data shaped (height, width, 1 "
            f"or 3), got {'token ids ' if spec.is_tokens else ''}{list(shape)} (set "
            "data.input_shape, e.g. [8, 8, 1] for digits, or data.color_mode: rgb)")
    return shape  # type: ignore[return-value]


def _size(config, shape, min_size: int) -> tuple[int, int]:
    if config.image_size:
        size = tuple(config.image_size)
        if min(size) < min_size:
            raise UsageError(f"model.image_size: {list(size)} -> each side at least {min_size} "
                             "for this family")
        return size  # type: ignore[return-value]
    return max(shape[0], min_size), max(shape[1], min_size)


def _application(config, spec) -> Backbone:
    import keras

    from keras_recipes.models.input_adapters import describe_adapters, image_adapters
    from keras_recipes.models.weights_file import load_weights_file

    name = getattr(config, "from")
    build = getattr(keras.applications, name)
    family = build.__module__.rsplit(".", 1)[-1]
    if family not in FAMILIES:
        raise UsageError(f"model.from: {name!r} (family {family}) has no known input scaling "
                         f"-> one of the families {', '.join(sorted(FAMILIES))}")
    shape = image_shape(spec, name)
    weights = config.weights
    if str(weights).lower() != "none" and not Path(weights).expanduser().is_file():
        raise UsageError(f"model.weights: {weights!r} -> an existing weights file (.weights.h5 "
                         "or .h5, relative to the recipe), or `none` for random weights")
    size = _size(config, shape, FAMILIES[family].min_size)
    params = inspect.signature(build).parameters
    allowed = sorted(set(params) - _NOT_ARGS)
    unknown = sorted(set(config.args) - set(allowed))
    if unknown:
        raise UsageError(f"model.args: {unknown[0]!r} is not an argument of {name} -> one of "
                         f"{', '.join(allowed)}")
    kwargs = dict(include_top=False, weights=None, input_shape=(size[0], size[1], 3),
                  **config.args)
    if "name" in params:
        kwargs["name"] = BACKBONE
    try:
        model = build(**kwargs)
    except (ValueError, TypeError) as err:
        raise UsageError(f"model.args: {config.args} -> arguments {name} accepts "
                         f"({str(err).splitlines()[0]})") from None
    if model.name != BACKBONE:
        model = keras.Model(model.inputs, model.outputs, name=BACKBONE)
    if str(weights).lower() != "none":
        load_weights_file(model, weights, "model.weights")
    mode = scaling_mode(family, config.args)
    input_range = config.input_range or [0.0, 255.0]
    adapters = image_adapters(shape, size, 3, input_range, mode)
    origin = "random weights" if str(weights).lower() == "none" else f"weights {weights}"
    return Backbone(model, adapters, family,
                    f"backbone: {name} ({family}, {origin}) at {size[0]}x{size[1]}x3; inputs "
                    f"{list(input_range)} -> {describe_adapters(adapters)} ({mode} scaling)")


def _hub_preset(config, spec) -> Backbone:
    from keras_recipes.models.input_adapters import describe_adapters, image_adapters

    path = getattr(config, "from")
    try:
        import keras_hub
    except ImportError:
        raise UsageError(f"model.from: {path!r} is a KerasHub preset -> install keras-hub "
                         "(`pip install keras-recipes[hub]`)") from None
    _refuse_args(config, "a KerasHub preset")
    try:
        model = keras_hub.models.Backbone.from_preset(path, name=BACKBONE)
    except (ValueError, KeyError, OSError) as err:
        raise UsageError(f"model.from: {path!r} does not load as a KerasHub backbone -> a "
                         f"folder written by backbone.save_to_preset ({err})") from None
    inputs = model.inputs
    if len(inputs) != 1 or len(inputs[0].shape) != 4:
        raise UsageError(f"model.from: {path!r} holds a {type(model).__name__} whose inputs are "
                         "not images -> an image backbone (text backbones need their own "
                         "tokenizer, which a recipe does not build yet)")
    channels = inputs[0].shape[-1] or 3
    shape = image_shape(spec, type(model).__name__)
    scale, offset, size = _hub_converter(keras_hub, path)
    size = tuple(config.image_size or size or _fixed_size(inputs[0].shape) or shape[:2])
    adapters = image_adapters(shape, size, channels, None, None)
    input_range = config.input_range or [0.0, 255.0]
    if scale is not None or offset is not None:
        import keras

        from keras_recipes.models.input_adapters import range_layer

        rescale = range_layer(input_range)
        adapters += ([rescale] if rescale is not None else []) + [keras.layers.Rescaling(
            scale if scale is not None else 1.0, offset=offset if offset is not None else 0.0,
            name="preprocess_scale", trainable=False)]
        how = "its image converter's scale/offset"
    else:
        how = "inputs as they come (the preset has no image converter)"
    return Backbone(model, adapters, f"hub:{type(model).__name__}",
                    f"backbone: KerasHub {type(model).__name__} from {path} at "
                    f"{size[0]}x{size[1]}x{channels}; {describe_adapters(adapters)} ({how})")


def _fixed_size(shape):
    return tuple(shape[1:3]) if shape[1] and shape[2] else None


def _hub_converter(keras_hub, path: str):
    """`(scale, offset, image_size)` of the preset's image converter (Nones without one)."""
    if not (Path(path) / "image_converter.json").is_file():
        return None, None, None
    converter = keras_hub.layers.ImageConverter.from_preset(path)
    return converter.scale, converter.offset, converter.image_size


def _refuse_args(config, what: str) -> None:
    if config.args or config.weights is not None:
        raise UsageError(f"model.{'args' if config.args else 'weights'}: -> only with a "
                         f"keras.applications name ({what} holds its own)")


def _classifier(network):
    """The last Dense layer of `network` (its classifier), or None."""
    import keras

    dense = (keras.layers.Dense, keras.layers.EinsumDense)
    found = [layer for layer in network.layers if isinstance(layer, dense)]
    return found[-1] if found else None


def _saved_network(config, spec, path: Path) -> Backbone:
    import keras

    from keras_recipes.serving.handback import MODEL_FILE, network_of

    _refuse_args(config, "a run or .keras file")
    if config.input_range is not None:
        raise UsageError("model.input_range: -> only with a keras.applications name or preset "
                         "(a run's own input scaling comes along)")
    file = path / MODEL_FILE if path.is_dir() else path
    try:
        saved = keras.saving.load_model(file, compile=False)
    except (ValueError, TypeError, OSError) as err:
        raise UsageError(f"model.from: {str(path)!r} does not load with plain Keras -> a "
                         f"hand-back model.keras ({str(err).splitlines()[0]})") from None
    network = network_of(saved)
    preprocess = []
    if network is not None:
        preprocess = [_source_scaling(saved, network)]
    else:
        network = saved
    if len(saved.inputs) != 1:
        raise UsageError(f"model.from: {str(path)!r} takes {len(saved.inputs)} inputs -> a "
                         "model with one input (tables with named columns are not supported)")
    raw_shape = tuple(saved.inputs[0].shape[1:])
    if raw_shape != tuple(spec.input_shape):
        raise UsageError(f"model.from: {str(path)!r} takes inputs shaped {list(raw_shape)}, this "
                         f"data gives {list(spec.input_shape)} -> the same input shape (set "
                         "data.input_shape)")
    try:
        if config.cut:
            cut = network.get_layer(config.cut).output
        else:
            head = _classifier(network)
            if head is None:
                raise UsageError(f"model.from: {str(path)!r} has no Dense classifier to remove "
                                 "-> name the layer to cut at in model.cut")
            cut = head.input
        model = keras.Model(network.inputs, cut, name=BACKBONE)
    except ValueError as err:
        raise UsageError(f"model.cut: {config.cut!r} -> a layer of the saved network "
                         f"({str(err).splitlines()[0]})") from None
    where = f"layer {config.cut!r}" if config.cut else f"the input of {head.name!r}"
    family = f"run:{_run_model_type(path) or network.name}"
    return Backbone(model, preprocess, family,
                    f"backbone: {network.name} from {path} cut at {where} "
                    f"({model.count_params():,} weights); inputs -> "
                    f"{'its run scaling (preprocess_source)' if preprocess else 'unchanged'}")


def _run_model_type(path: Path):
    """`model.type` of the run folder's `recipe.yaml` (None for a file or without one)."""
    recipe = path / "recipe.yaml"
    if not recipe.is_file():
        return None
    import yaml

    try:
        model = (yaml.safe_load(recipe.read_text(encoding="utf8")) or {}).get("model") or {}
    except (yaml.YAMLError, AttributeError):
        return None
    return model.get("type", "mlp") if isinstance(model, dict) else None


def _source_scaling(saved, network):
    """The saved hand-back model's input scaling (the layers before `network`), frozen.

    The hand-back model is a chain `raw -> scaling -> network -> softmax`; the
    scaling operations are replayed in order, and the chain is checked against the
    saved model on a random probe.
    """
    import keras
    import numpy as np

    raw = keras.Input(tuple(saved.inputs[0].shape[1:]), dtype=saved.inputs[0].dtype,
                      name="raw")
    x = raw
    for op in saved.operations:
        if op is network:
            break
        if isinstance(op, keras.layers.InputLayer):
            continue
        x = op(x)
    scaling = keras.Model(raw, x, name="preprocess_source")
    scaling.trainable = False
    probe = np.random.default_rng(0).uniform(0, 1, (2,) + tuple(raw.shape[1:])).astype(
        "float32")
    replayed = np.asarray(network(scaling(probe)))
    for op in saved.operations[saved.operations.index(network) + 1:]:
        replayed = np.asarray(op(replayed))
    if not np.allclose(replayed, np.asarray(saved(probe)), atol=1e-5):
        raise UsageError("model.from: the saved model is not a chain input -> scaling -> "
                         "network -> model.cut cannot keep its input scaling; use a .keras file "
                         "of the network alone")
    return scaling


__all__ = ["BACKBONE", "Backbone", "image_shape", "load_backbone", "source_of"]
