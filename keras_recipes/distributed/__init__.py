"""Multi-worker helpers: who is the chief, and a local launcher for N workers."""

from keras_recipes.distributed.cluster import is_chief, tf_config
from keras_recipes.distributed.launch import launch_local_workers

__all__ = ["is_chief", "launch_local_workers", "tf_config"]
