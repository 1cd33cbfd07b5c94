"""The run directory: where a run leaves everything it made."""

from keras_recipes.run.atomic import write_json_atomic, write_text_atomic
from keras_recipes.run.run_dir import create_run_dir, write_resolved_recipe

__all__ = ["create_run_dir", "write_json_atomic", "write_resolved_recipe", "write_text_atomic"]
