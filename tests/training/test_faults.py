"""Numerical faults: `on_nan: stop` keeps the best checkpoint, `rollback` finishes the run."""

import hashlib
import json
import re

import numpy as np
import pytest

from keras_recipes.config import validate_dict
from keras_recipes.config.loader import deep_merge
from keras_recipes.errors import TrainingError
from keras_recipes.training.trainer import train
from tests.helpers import TINY

POISON = "tests.training.fault_callbacks:poison_at_step"


def _recipe(run_dir, times=1, **training):
    # 7 updates per epoch; the first kernel becomes NaN after update 17 (epoch 3).
    # A learning rate at which the tiny model learns (a recovered run must beat a constant).
    return validate_dict(deep_merge(TINY, {
        "optimizer": {"learning_rate": 0.03},
        "training": {"epochs": 4, **training},
        "callbacks": {"early_stopping": False,
                      "checkpoint": {"monitor": "val_loss", "write_interval_s": 0},
                      "custom": [{"python": POISON, "args": {
                          "step": 17, "run_dir": str(run_dir), "times": times}}]}}))


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_stop_names_the_step_and_leaves_the_best_checkpoint_untouched(tmp_path):
    from keras_recipes.saving import load_model

    with pytest.raises(TrainingError, match=r"non-finite loss \(nan\) at step 18 "
                                            r"\(epoch 3, batch 4\).*best checkpoint is kept"):
        train(_recipe(tmp_path), tmp_path, echo=lambda _: None)
    assert _digest(tmp_path / "best.keras") == _digest(tmp_path / "best.before.keras")
    model = load_model(tmp_path / "best.keras")
    assert all(np.isfinite(w).all() for w in model.get_weights())
    status = json.loads((tmp_path / "status.json").read_text())
    assert status["status"] == "failed" and "step 18" in status["error"]


def test_rollback_restores_the_last_good_state_lowers_the_lr_and_completes(tmp_path):
    lines = []
    result = train(_recipe(tmp_path, on_nan="rollback"), tmp_path, echo=lines.append)
    rollback = [line for line in lines if "rollback 1/3" in line]
    # The last state saved before the fault is the end of epoch 2 (step 14).
    assert rollback and "to epoch 3 step 0" in rollback[0] and "factor now 0.1" in rollback[0]
    assert json.loads((tmp_path / "status.json").read_text())["status"] == "completed"
    assert len(result.history["loss"]) == 4 and np.isfinite(result.history["loss"]).all()
    assert all(np.isfinite(w).all() for w in result.model.get_weights())


def test_a_run_that_recovers_into_a_useless_model_fails_not_completes(tmp_path):
    # NaN after update 3 (epoch 1): rolled back to the start, then every weight is zeroed,
    # so the rest of the run can only learn the class prior: no better than a constant.
    recipe = validate_dict(deep_merge(TINY, {
        "training": {"epochs": 2, "on_nan": "rollback", "max_rollbacks": 1},
        "callbacks": {"early_stopping": False, "custom": [{
            "python": "tests.training.fault_callbacks:poison_then_flatten",
            "args": {"step": 3}}]}}))
    with pytest.raises(TrainingError) as caught:
        train(recipe, tmp_path, echo=lambda _: None)
    text = str(caught.value)
    assert re.search(r"recovered from its faults by 1 rollback\(s\) \(learning-rate factor now "
                     r"0\.1\) but its model is no better than a constant: val accuracy "
                     r"[0-9.]+ vs [0-9.]+ always predicting the most frequent class", text), text
    status = json.loads((tmp_path / "status.json").read_text())
    assert status["status"] == "failed" and "no better than a constant" in status["error"]
    metrics = json.loads((tmp_path / "metrics.json").read_text())  # kept for inspection
    assert metrics["val"]["accuracy"] < 0.5


def test_rollback_gives_up_after_max_rollbacks(tmp_path):
    with pytest.raises(TrainingError, match=r"after 2 rollback\(s\)"):
        train(_recipe(tmp_path, times=5, on_nan="rollback", max_rollbacks=2), tmp_path,
              echo=lambda _: None)


def test_a_loss_spike_counts_as_a_fault_when_asked():
    from keras_recipes.callbacks import NonFiniteGuard

    class Model:
        stop_training = False

        class optimizer:
            iterations = 12

    guard = NonFiniteGuard(spike_threshold=5.0)
    guard.set_model(Model())
    guard.on_epoch_begin(0)
    means, total = [], 0.0
    for i, loss in enumerate([1.0] * 11 + [50.0]):
        total += loss
        guard.on_train_batch_end(i, {"loss": total / (i + 1)})
    assert guard.model.stop_training and str(guard.fault).startswith("loss spike (50")
    assert guard.fault.kind == "spike" and (guard.fault.first_batch, guard.fault.last_batch) == (
        11, 11)


def _fake_model(iterations):
    class Model:
        stop_training = False

        class optimizer:
            pass

    Model.optimizer.iterations = iterations
    return Model()


def test_a_loss_above_the_upper_bound_is_a_fault_even_when_finite():
    from keras_recipes.callbacks import NonFiniteGuard

    guard = NonFiniteGuard(loss_upper_bound=100.0)
    guard.set_model(_fake_model(3))
    guard.on_epoch_begin(0)
    guard.on_train_batch_end(0, {"loss": 2.0})
    guard.on_train_batch_end(1, {"loss": 2.0})
    assert guard.fault is None
    guard.on_train_batch_end(2, {"loss": (4.0 + 500.0) / 3})  # batch 3 alone: 500
    assert guard.fault.kind == "bound" and guard.model.stop_training
    assert str(guard.fault) == ("loss 500 above training.loss_upper_bound 100 at step 3 "
                                "(epoch 1, batch 3)")


def test_a_compiled_chunk_is_named_as_a_chunk_not_as_its_last_batch():
    from keras_recipes.callbacks import NonFiniteGuard

    guard = NonFiniteGuard()
    guard.set_model(_fake_model(16))
    guard.on_epoch_begin(1)
    guard.on_train_batch_end(3, {"loss": 1.0})        # batches 1-4 (steps 9-12)
    guard.on_train_batch_end(7, {"loss": float("nan")})  # batches 5-8 (steps 13-16)
    assert (guard.fault.first_batch, guard.fault.last_batch) == (4, 7)
    assert "in steps 13-16 (epoch 2, batches 5-8: one compiled call" in str(guard.fault)


def test_after_a_mid_epoch_resume_batches_are_counted_from_the_epoch_start():
    from keras_recipes.callbacks import NonFiniteGuard

    guard = NonFiniteGuard(loss_upper_bound=10.0)
    guard.set_model(_fake_model(7))
    guard.batch_offset = 5
    guard.on_epoch_begin(0)
    # The restored accumulators make the first mean cover batches 1-6: no window of its own.
    guard.on_train_batch_end(0, {"loss": 3.0})
    guard.on_train_batch_end(1, {"loss": (3.0 * 6 + 50.0) / 7})
    assert str(guard.fault).endswith("at step 7 (epoch 1, batch 7)")
    assert guard.fault.kind == "bound"
