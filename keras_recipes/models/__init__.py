"""Model builders, registered by `model.type`."""

from keras_recipes.models import cnn, linear, mlp, pretrained, python_model, resnet, transformer
from keras_recipes.models.registry import MODELS
from keras_recipes.models.transformer import PositionEmbedding


def build_model(config, spec, total_updates=None):
    """Builds the recipe's model for data described by `spec`.

    With `total_updates` (the run's optimizer updates), the built-in families'
    batch-norm momentum is fitted to that budget (`batch_norm.budget_momentum`);
    a `python:` model keeps its own.
    """
    model = MODELS.get(config.type)(config, spec)
    if total_updates and config.type != "python":
        from keras_recipes.models.batch_norm import budget_momentum, set_batch_norm_momentum

        set_batch_norm_momentum(model, budget_momentum(total_updates))
    return model


__all__ = ["MODELS", "PositionEmbedding", "build_model", "cnn", "linear", "mlp",
           "pretrained", "python_model", "resnet", "transformer"]
