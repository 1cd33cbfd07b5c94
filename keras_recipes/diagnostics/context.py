"""What every diagnose step works on: the prepared recipe, sample arrays, budgets.

The model is built and compiled by `keras_recipes.training.trainer.prepare`,
the same code path `train` uses. Steps that train (overfit, loss decreases,
LR range test) start from the initial weights and a fresh optimizer state
through `initial_state`.
"""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path
from typing import Any, Optional

import numpy as np

# Examples drawn from each split for the data checks and the probes.
MAX_TRAIN_SAMPLE, MAX_VAL_SAMPLE = 2000, 500


@dataclasses.dataclass
class Budget:
    """Step budgets: small enough that quickstart is diagnosed in seconds on 2 CPUs."""

    overfit_examples: int = 10
    overfit_steps: int = 150
    decrease_steps: int = 40
    range_test_steps: int = 100  # lr-find's sweep (lr_finder.recipe_range_test.STEPS)


@dataclasses.dataclass
class DiagnoseContext:
    """The recipe, its prepared model and data, and samples of the splits as arrays."""

    recipe: Any
    prepared: Any
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: Optional[np.ndarray]
    y_val: Optional[np.ndarray]
    out_dir: Path
    budget: Budget

    @property
    def spec(self):
        return self.prepared.data.spec

    @property
    def model(self):
        return self.prepared.model

    def as_trained(self, y: np.ndarray) -> np.ndarray:
        """Class ids in the label format the training pipeline feeds (one-hot when an
        augmentation such as mixup mixes labels), so every step builds the same metrics."""
        spec = self.prepared.data.train.element_spec
        if self.spec.task == "classification" and len(spec[1].shape) == 2 and y.ndim == 1:
            return np.eye(self.spec.num_outputs, dtype=np.float32)[y]
        return y


def sample_arrays(data, limit: int, split: str):
    """Up to `limit` examples of a split as `(x, y)` arrays (None when the split is absent).

    In-memory sources give their (normalized) split arrays; pipelines are
    read batch by batch.
    """
    arrays = data.arrays
    if arrays is not None:
        x, y = getattr(arrays, f"x_{split}"), getattr(arrays, f"y_{split}")
        return (x[:limit], y[:limit]) if len(x) else (None, None)
    dataset = getattr(data, split)
    if dataset is None:
        return None, None
    xs, ys, count = [], [], 0
    for x, y in dataset.as_numpy_iterator():
        xs.append(x)
        ys.append(y)
        count += len(x)
        if count >= limit:
            break
    return np.concatenate(xs)[:limit], np.concatenate(ys)[:limit]


@contextlib.contextmanager
def initial_state(model):
    """Runs the block, then puts back every model and optimizer variable as it was
    (the run state's capture/restore; the optimizer is built first, as `fit` would)."""
    from keras_recipes.training import state as run_state

    snapshot = run_state.capture(model, None, {"epoch": 0, "step": 0})
    try:
        yield model
    finally:
        run_state.restore(model, None, snapshot)
        model.stop_training = False


def train_mode_loss(model, x, y) -> float:
    """The compiled loss on `(x, y)` with the model in training mode (batch statistics,
    dropout on), as the train step sees it. Call inside `initial_state` when the model
    has batch norm: training-mode calls update its moving statistics."""
    y_pred = model(x, training=True)
    return float(np.asarray(model.compute_loss(x=x, y=y, y_pred=y_pred, training=True)))
