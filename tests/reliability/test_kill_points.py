"""A run stopped at any phase continues to the result of an uninterrupted one.

In-process: an interrupt (Ctrl-C/SIGTERM path) at a chosen update, or the files a
SIGKILL leaves in the final phase; tests/training/test_resume.py SIGKILLs real
processes at random points (slow).
"""

import csv
import json

import numpy as np
import pytest

from keras_recipes.training.state import STATE_FILE, load
from keras_recipes.training.trainer import train
from tests.reliability._helpers import (INTERRUPT_AT, UPDATES_PER_EPOCH,
                                        as_killed_in_final_phase, quiet, recipe, status)


def _arrays(run_dir):
    state = load(run_dir / STATE_FILE)
    return state.meta["position"], state.arrays


def _assert_same(run_dir, reference_dir, metrics):
    position, arrays = _arrays(run_dir)
    ref_position, ref_arrays = _arrays(reference_dir)
    assert position == ref_position
    assert arrays.keys() == ref_arrays.keys()
    for group in arrays:
        for a, b in zip(arrays[group], ref_arrays[group]):
            np.testing.assert_array_equal(a, b, err_msg=group)
    assert json.loads((run_dir / "metrics.json").read_text()) == metrics
    assert status(run_dir) == "completed"


def test_resume_in_the_final_phase_completes_the_artifacts_without_training(reference):
    run_dir, metrics = reference
    history = (run_dir / "history.csv").read_bytes()
    as_killed_in_final_phase(run_dir)  # best.keras gone too: the state holds the best weights
    lines = []
    result = train(recipe(), run_dir, echo=lines.append, resume_from=run_dir / STATE_FILE)
    assert result.metrics == metrics
    assert (run_dir / "history.csv").read_bytes() == history  # no epoch trained again
    assert (run_dir / "model.keras").is_file() and (run_dir / "best.keras").is_file()
    assert status(run_dir) == "completed"
    # Idempotent: the final phase again (killed after completing) gives the same files.
    as_killed_in_final_phase(run_dir)
    again = train(recipe(), run_dir, echo=quiet, resume_from=run_dir / STATE_FILE)
    assert again.metrics == metrics


@pytest.mark.parametrize("step", [3, UPDATES_PER_EPOCH + 2, 2 * UPDATES_PER_EPOCH])
def test_interrupted_mid_epoch_or_at_an_epoch_end_resumes_bit_identical(reference, tmp_path,
                                                                       step):
    reference_dir, metrics = reference
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    INTERRUPT_AT["step"] = step
    with pytest.raises(KeyboardInterrupt):
        train(recipe(), run_dir, echo=quiet)
    assert status(run_dir) == "interrupted"
    saved = load(run_dir / STATE_FILE)
    assert saved.epoch * UPDATES_PER_EPOCH + saved.step <= step
    train(recipe(), run_dir, echo=quiet, resume_from=run_dir / STATE_FILE)
    _assert_same(run_dir, reference_dir, metrics)
    # The resumed epoch's row averages all its batches (metric accumulators restored), and
    # the loggers' epoch values too (grad_norm: the same steps logged, the epoch's sums kept).
    rows, reference_rows = _rows(run_dir), _rows(reference_dir)
    assert {"loss", "val_accuracy", "grad_norm", "learning_rate"} <= set(rows[0])
    assert rows == reference_rows


def _rows(run_dir):
    """history.csv's rows, every column."""
    with open(run_dir / "history.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def test_an_early_stopped_run_killed_in_the_final_phase_trains_no_extra_epoch(tmp_path):
    # Maximizing val_loss never improves after epoch 1: stops after epoch 2 of 4.
    stopping = recipe(training={"epochs": 4}, callbacks={"early_stopping": {
        "enabled": True, "patience": 1, "mode": "max"}})
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    first = train(stopping, run_dir, echo=quiet)
    assert len(first.history["loss"]) == 2
    state = load(run_dir / STATE_FILE)
    assert state.finished and (state.epoch, state.step) == (2, 0)
    as_killed_in_final_phase(run_dir)
    again = train(stopping, run_dir, echo=quiet, resume_from=run_dir / STATE_FILE)
    assert len(again.history["loss"]) == 2 and again.metrics == first.metrics
