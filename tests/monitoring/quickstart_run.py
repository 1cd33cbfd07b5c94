"""One tiny quickstart run per test process, shared by the monitoring and evaluation tests."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from tests.conftest import RECIPES

# A constant 1e-3 after a one-step warmup, so the logged learning rate is known exactly.
OVERRIDES = ["training.epochs=2", "training.verbose=0", "data.batch_size=128",
             "schedule.name=constant", "optimizer.learning_rate=1e-3"]


@functools.lru_cache(maxsize=None)
def quickstart_run() -> Path:
    """Trains `recipes/quickstart.yaml` for 2 epochs (TensorBoard and loggers at their
    defaults) and returns the run directory."""
    from keras_recipes.config import load_recipe
    from keras_recipes.training.trainer import train

    run = Path(tempfile.mkdtemp(prefix="keras_recipes_quickstart_")) / "run"
    run.mkdir()
    train(load_recipe(RECIPES / "quickstart.yaml", OVERRIDES), run, echo=lambda _: None)
    return run
