"""The trained network as a plain Keras model, and a check for classes Keras does not ship.

Training wraps the network in `RecipeModel` (its own train step); the model a
run hands back must load where keras_recipes is not installed, so it holds the
same layers in a plain functional `keras.Model`.

Example:

>>> network = plain_network(recipe_model, spec)
>>> non_keras_classes(network)
[]
"""

from __future__ import annotations

NETWORK_NAME = "network"
"""Name of the network inside the hand-back model (`model.get_layer("network")`)."""

_PROBABILITY_ACTIVATIONS = {"softmax", "sigmoid"}


def _graph(model):
    """`(inputs, outputs)` of a functional model, or None for a subclassed one."""
    try:
        inputs, outputs = model.inputs, model.outputs
    except (AttributeError, ValueError):
        return None
    return (inputs, outputs) if inputs and outputs else None


def plain_network(model, spec=None):
    """A functional `keras.Model` named `"network"` that shares `model`'s layers.

    A functional model (e.g. `RecipeModel`) is rebuilt from its graph, so no
    training wrapper is saved; a subclassed model is called on a new input of
    `spec.input_shape` inside a functional wrapper.

    Args:
        model: the trained model.
        spec: the run's `DataSpec`; needed for subclassed models only.
    """
    import keras

    graph = _graph(model)
    if graph is not None:
        inputs, outputs = graph
        inputs = model.input if isinstance(model.input, dict) else inputs
        outputs = outputs[0] if len(outputs) == 1 else outputs
        inputs = inputs[0] if isinstance(inputs, list) and len(inputs) == 1 else inputs
        return keras.Model(inputs, outputs, name=NETWORK_NAME)
    if spec is None:
        raise ValueError(f"Model {model.name!r} is subclassed: pass the data spec to give it "
                         "an input.")
    dtype = "int32" if spec.is_tokens else "float32"
    inputs = keras.Input(spec.input_shape, dtype=dtype, name="inputs")
    return keras.Model(inputs, model(inputs), name=NETWORK_NAME)


def emits_probabilities(network) -> bool:
    """Whether the network's (single) output comes from a softmax or sigmoid.

    Passes over trailing linear `Activation` layers (the float32 cast a
    mixed-precision model ends with). A network ending in any other layer
    emits logits.
    """
    import keras

    for layer in reversed(network.layers):
        if isinstance(layer, keras.layers.Softmax):
            return True
        activation = getattr(getattr(layer, "activation", None), "__name__", None)
        if isinstance(layer, keras.layers.Activation) and activation == "linear":
            continue
        if activation in _PROBABILITY_ACTIVATIONS:
            return True
        return False
    return False


def _is_keras_module(module) -> bool:
    return module is None or module == "builtins" or module == "keras" or \
        str(module).startswith("keras.")


def non_keras_classes(model) -> list[str]:
    """Classes in `model`'s saved config that plain Keras cannot resolve on its own.

    Returns `module.ClassName` strings (sorted, no duplicates), e.g.
    `["keras_recipes.training.recipe_model.RecipeModel"]`; empty when the
    model loads with plain `keras.saving.load_model`.
    """
    import keras

    found = set()

    def walk(node):
        if isinstance(node, dict):
            if "class_name" in node and "module" in node and not _is_keras_module(node["module"]):
                found.add(f"{node['module']}.{node['class_name']}")
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value)

    walk(keras.saving.serialize_keras_object(model))
    return sorted(found)
