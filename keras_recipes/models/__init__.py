"""Model builders, registered by `model.type`."""

from keras_recipes.models import cnn, linear, mlp, python_model, resnet, transformer
from keras_recipes.models.registry import MODELS
from keras_recipes.models.transformer import PositionEmbedding


def build_model(config, spec):
    """Builds the recipe's model for data described by `spec`."""
    return MODELS.get(config.type)(config, spec)


__all__ = ["MODELS", "PositionEmbedding", "build_model", "cnn", "linear", "mlp",
           "python_model", "resnet", "transformer"]
