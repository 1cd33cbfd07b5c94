"""User models: `model.python: package.module:function`."""

import keras

from keras_recipes.errors import UsageError
from keras_recipes.models.registry import MODELS
from keras_recipes.python_ref import resolve_python_ref


@MODELS.register("python")
def build_python_model(config, spec) -> keras.Model:
    """Calls `function(input_shape, num_outputs, **model.args)`; it returns a keras.Model.

    The output is cast to float32 if the model computes in a mixed policy, so the
    loss is always computed in float32. Classification models must output
    probabilities (softmax), like the built-in ones.
    """
    build = resolve_python_ref(config.python, "model.python")
    model = build(spec.input_shape, spec.num_outputs, **config.args)
    if not isinstance(model, keras.Model):
        raise UsageError(f"model.python: {config.python!r} returned {type(model).__name__} -> "
                         "a keras.Model")
    if any(str(out.dtype) != "float32" for out in model.outputs or []):
        inputs = model.inputs
        outputs = keras.layers.Activation("linear", dtype="float32", name="float32_output")(
            model(inputs))
        model = keras.Model(inputs, outputs, name=model.name)
    return model
