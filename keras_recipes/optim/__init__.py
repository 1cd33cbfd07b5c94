"""Optimizers and the schedule factory."""

from keras_recipes.optim.optimizers import OPTIMIZERS, build_optimizer, scaled_learning_rate
from keras_recipes.optim.schedule_factory import build_schedule

__all__ = ["OPTIMIZERS", "build_optimizer", "build_schedule", "scaled_learning_rate"]
