"""Process-wide setup before anything is built: logging, devices, seeds, precision, strategy."""

from keras_recipes.runtime.devices import quiet_tensorflow_logs, split_cpu
from keras_recipes.runtime.precision import set_precision
from keras_recipes.runtime.seeding import set_seed
from keras_recipes.runtime.strategy import build_strategy

__all__ = ["build_strategy", "quiet_tensorflow_logs", "set_precision", "set_seed", "split_cpu"]
