"""`keras-recipes init DATA`: profile a dataset and write a first, commented recipe."""

from keras_recipes.init.command import profile_data
from keras_recipes.init.profile import DataProfile

__all__ = ["DataProfile", "profile_data"]
