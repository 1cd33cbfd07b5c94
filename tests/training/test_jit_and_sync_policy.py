"""XLA and synchronized batch norm: resolved per device and strategy, said in the plan."""

import pytest

from keras_recipes.errors import UsageError
from keras_recipes.training.jit_policy import resolve_jit
from keras_recipes.training.sync_batch_norm import describe, resolve_sync


@pytest.mark.parametrize("value, strategy, device, deterministic, expected", [
    ("auto", "default", "CPU", False, False),
    ("auto", "mirrored", "CPU", False, False),
    ("auto", "default", "GPU", False, True),
    ("auto", "mirrored", "GPU", False, True),
    ("auto", "mirrored", "GPU", True, False),
    ("auto", "tpu", "TPU", True, True),
    (True, "mirrored", "CPU", False, True),
    (False, "default", "GPU", False, False),
])
def test_resolve_jit(value, strategy, device, deterministic, expected):
    chosen, reason = resolve_jit(value, strategy, device, deterministic)
    assert chosen is expected and reason
    if value == "auto":
        assert reason.startswith("auto: ")


@pytest.mark.parametrize("mode, strategy, replicas, xla, expected", [
    ("auto", "mirrored", 2, False, True), ("auto", "multi_worker", 4, False, True),
    ("auto", "tpu", 8, False, True), ("auto", "default", 1, False, False),
    ("auto", "mirrored", 1, False, False), ("false", "mirrored", 2, False, False),
    (True, "one_device", 1, False, False), ("auto", "mirrored", 2, True, False),
])
def test_resolve_sync(mode, strategy, replicas, xla, expected):
    assert resolve_sync(mode, strategy, replicas, per_replica_xla=xla) is expected


def test_sync_true_with_per_replica_xla_names_both_keys():
    with pytest.raises(UsageError, match="model.sync_batch_norm: true .* training.jit_compile"):
        resolve_sync(True, "mirrored", 2, per_replica_xla=True)


def test_plan_line_says_synchronized_and_ghost_batches():
    assert describe(True, 2, 2, 32) == (
        "batch norm: synchronized across 2 replicas (statistics of 64 examples), per "
        "micro-batch (ghost batches: not of the 2x accumulated batch)")
    assert describe(False, 2, 1, 32).startswith("batch norm: per replica (statistics of 32")
