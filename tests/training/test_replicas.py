"""Mirrored replicas give one device's numbers: synchronized batch norm, exact reduction
of uneven shares, every precision x accumulation x batch norm x last-batch combination.

Each fixture runs `tests/training/replica_script.py` once in a subprocess whose CPU
is split into logical devices, and reads the largest gaps to one device.
"""

import itertools
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.helpers import ROOT, side_by_side

pytestmark = [pytest.mark.multiprocess, pytest.mark.slow]

PRECISIONS = ("float32", "mixed_float16", "mixed_bfloat16")
COMBINATIONS = [f"{p}/2/{a}/{b}/{last}/2" for p, a, b, last in itertools.product(
    PRECISIONS, (1, 2), ("bn", "nobn"), ("whole", "partial"))]
# bfloat16 activations carry 8 mantissa bits, float16 11.
TOLERANCE = {"float32": 1e-5, "mixed_float16": 5e-3, "mixed_bfloat16": 5e-2}


def _gaps(devices: int, cases) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run(
        [sys.executable, "-m", "tests.training.replica_script", str(devices), *cases],
        cwd=ROOT, capture_output=True, text=True, timeout=900, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


JIT = ["float32/2/1/nobn/partial/2/jit", "float32/2/2/nobn/whole/2/jit"]


@pytest.fixture(scope="module")
def _both():
    """The two subprocesses are independent: they run side by side (one per core)
    unless pytest-xdist already keeps both cores busy."""
    with ThreadPoolExecutor(max_workers=side_by_side()) as pool:
        combinations = pool.submit(_gaps, 2, COMBINATIONS + JIT)
        # One epoch of 1,257 examples (a partial last batch split unevenly), 2 and 4 replicas.
        epochs = pool.submit(_gaps, 4, ["float32/2/1/nobn/n1257/0", "float32/2/1/bn/n1257/0",
                                        "float32/4/1/bn/n1257/0", "float32/2/1/local/n1257/0"])
        return combinations.result(), epochs.result()


@pytest.fixture(scope="module")
def combinations(_both):
    return _both[0]


@pytest.fixture(scope="module")
def epochs(_both):
    return _both[1]


@pytest.mark.parametrize("case", COMBINATIONS)
def test_every_combination_trains_like_one_device(combinations, case):
    gap = combinations[case]
    tolerance = TOLERANCE[case.split("/")[0]]
    assert gap["weights"] < tolerance * (10 if "/bn/" in case else 1), gap
    assert gap["val_loss"] < tolerance * 10, gap


def test_uneven_last_batch_is_reduced_exactly(epochs):
    assert epochs["float32/2/1/nobn/n1257/0"]["weights"] < 1e-5


@pytest.mark.parametrize("replicas", [2, 4])
def test_synchronized_batch_norm_gives_one_devices_weights_and_statistics(epochs, replicas):
    assert epochs[f"float32/{replicas}/1/bn/n1257/0"]["weights"] < 1e-4


def test_the_check_can_fail_per_replica_batch_norm_drifts(epochs):
    """Without synchronization each replica normalizes its own half: far from one device."""
    assert epochs["float32/2/1/local/n1257/0"]["weights"] > 1e-3


@pytest.mark.parametrize("case", JIT)
def test_jit_compile_true_is_honoured_under_mirrored_strategy(combinations, case):
    """Each replica's step XLA-compiled (Keras' own jit fails there: variables on two
    devices); the numbers stay those of one device."""
    assert combinations[case]["weights"] < 1e-5
