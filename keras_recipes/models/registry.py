"""The model-builder registry: `MODELS.get(type)(config, spec) -> keras.Model`."""

from keras_recipes.registry import Registry

MODELS: Registry = Registry("model type")
