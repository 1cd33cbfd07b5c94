"""Recipe schema and loading (no TensorFlow import)."""

from keras_recipes.config.loader import apply_overrides, load_recipe, read_recipe_dict, validate_dict
from keras_recipes.config.schema import Recipe

__all__ = ["Recipe", "apply_overrides", "load_recipe", "read_recipe_dict", "validate_dict"]
