"""Distributed and accumulated training give the single-device, full-batch numbers.

The cases run in two subprocesses (2 and 4 replicas, side by side) whose CPU is split
into 4 logical devices (`tests/training/equivalence_script.py`); each test reads its
case's largest weight difference after 6 optimizer updates.
"""

import json
import subprocess
import sys

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.multiprocess


@pytest.fixture(scope="module")
def gaps(tmp_path_factory):
    # The 2- and 4-replica processes are independent: run them at once (one per core).
    folder = tmp_path_factory.mktemp("equivalence")
    processes = {}
    for replicas in (2, 4):
        with open(folder / f"{replicas}.out", "w") as out, \
                open(folder / f"{replicas}.err", "w") as err:
            processes[replicas] = subprocess.Popen(
                [sys.executable, "-m", "tests.training.equivalence_script", str(replicas)],
                cwd=ROOT, stdout=out, stderr=err, text=True)
    found = {}
    try:
        for replicas, process in processes.items():
            process.wait(timeout=600)
            stderr = (folder / f"{replicas}.err").read_text()
            assert process.returncode == 0, stderr[-3000:]
            stdout = (folder / f"{replicas}.out").read_text()
            found.update(json.loads(stdout.strip().splitlines()[-1]))
    finally:
        for process in processes.values():
            process.kill()
    return found


@pytest.mark.parametrize("replicas", [2, 4])
@pytest.mark.parametrize("case", ["adamw", "clip", "weight_decay", "schedule", "custom_loss"])
def test_mirrored_matches_one_device(gaps, case, replicas):
    # float32 sums in a different order: agreement to ~1e-7 after 6 updates.
    assert gaps[f"{case}/{replicas}/1/float32"] < 2e-5


@pytest.mark.parametrize("replicas", [2, 4])
def test_mirrored_matches_one_device_in_bfloat16(gaps, replicas):
    # bfloat16 activations carry 8 mantissa bits, hence the looser tolerance.
    assert gaps[f"adamw/{replicas}/1/mixed_bfloat16"] < 2e-2


@pytest.mark.parametrize("replicas", [1, 2])
@pytest.mark.parametrize("precision", ["float32", "mixed_float16"])
def test_accumulation_matches_the_full_batch(gaps, replicas, precision):
    # K=4 micro-batches of 8 per replica == one batch of 32, with weight decay and clipping.
    tolerance = 2e-5 if precision == "float32" else 5e-3
    assert gaps[f"accumulate/{replicas}/4/{precision}"] < tolerance


def test_the_same_check_catches_plain_keras_clipping_per_replica(gaps):
    """The check can fail: Keras' own global_clipnorm under 2 replicas drifts."""
    assert gaps["plain_keras_clip/2/1/float32"] > 1e-3
