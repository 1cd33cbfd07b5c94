"""Exact resume: a run SIGKILLed at random points and resumed ends bit-identical."""

import json
import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import yaml

from tests.helpers import ROOT, TINY, side_by_side

# TINY: 210 training examples / batch 32 = 7 updates per epoch, 3 epochs; dropout on,
# reshuffled every epoch; the state is saved every 4 updates and at epoch ends.
RECIPE = {**TINY, "deterministic": True,
          "model": {"type": "mlp", "hidden": [16], "dropout": 0.3},
          "callbacks": {"tensorboard": False, "early_stopping": False,
                        "checkpoint": {"save_every_steps": 4},
                        "custom": [{"python": "tests.training.fault_callbacks:kill_at_step"}]}}


def _train(recipe_path, run_dir, kill_at=0, extra=()):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "KILL_AT_STEP": str(kill_at),
           "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "keras_recipes", "train", str(recipe_path),
                           "--run-dir", str(run_dir), *extra], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def _final_state(run_dir):
    with np.load(run_dir / "state.npz") as data:
        meta = json.loads(bytes(data["__meta__"]).decode())
        return meta, {k: data[k] for k in data.files if k != "__meta__"}


def _assert_same_run(a, b):
    meta_a, arrays_a = _final_state(a)
    meta_b, arrays_b = _final_state(b)
    assert meta_a["position"] == meta_b["position"]
    assert arrays_a.keys() == arrays_b.keys()
    for key in arrays_a:  # weights, optimizer slots, iteration, seed generators, LR factor
        np.testing.assert_array_equal(arrays_a[key], arrays_b[key], err_msg=key)
    assert json.loads((a / "metrics.json").read_text()) == json.loads(
        (b / "metrics.json").read_text())


def _in_background(function, *args):
    """Runs `function(*args)` in a thread (a second core works on the reference run while
    the kill/resume chain runs; under pytest-xdist, whose workers fill both cores, it
    finishes first); `.result()` waits for it."""
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(function, *args)
    pool.shutdown(wait=side_by_side() == 1)
    return future


def _resume_after_kills(recipe_path, run_dir, kill_steps, extra=()):
    for step in kill_steps:
        killed = _train(recipe_path, run_dir, kill_at=step, extra=extra)
        assert killed.returncode == -9, killed.stderr[-2000:]
        assert json.loads((run_dir / "status.json").read_text())["status"] == "running"
    done = _train(recipe_path, run_dir, extra=extra)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "resuming at epoch" in done.stdout
    assert json.loads((run_dir / "status.json").read_text())["status"] == "completed"


@pytest.mark.slow
@pytest.mark.multiprocess
def test_killed_at_random_points_and_resumed_equals_uninterrupted(tmp_path):
    recipe_path = tmp_path / "recipe.yaml"
    recipe_path.write_text(yaml.safe_dump(RECIPE))
    reference = tmp_path / "reference"
    uninterrupted = _in_background(_train, recipe_path, reference)
    rng = random.Random(7)
    # One kill at the end of epoch 1 (before its state is saved), two mid-epoch.
    kills = sorted({7, rng.randint(1, 6), rng.randint(9, 20)})
    resumed = tmp_path / "resumed"
    _resume_after_kills(recipe_path, resumed, kills)
    done = uninterrupted.result()
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads((reference / "status.json").read_text())["status"] == "completed"
    assert _final_state(reference)[0]["position"] == {"epoch": 3, "step": 0}
    _assert_same_run(reference, resumed)
    history = (resumed / "history.csv").read_text().splitlines()
    assert len(history) == 1 + TINY["training"]["epochs"], history  # no epoch logged twice


@pytest.mark.slow
@pytest.mark.multiprocess
def test_killed_under_two_replica_mirrored_and_resumed_equals_uninterrupted(tmp_path):
    recipe = {**RECIPE, "distribute": {"strategy": "mirrored", "virtual_cpus": 2},
              "data": {**RECIPE["data"], "batch_size": 16}}
    recipe_path = tmp_path / "recipe.yaml"
    recipe_path.write_text(yaml.safe_dump(recipe))
    reference, resumed = tmp_path / "reference", tmp_path / "resumed"
    uninterrupted = _in_background(_train, recipe_path, reference)
    _resume_after_kills(recipe_path, resumed, [10])
    done = uninterrupted.result()
    assert done.returncode == 0, done.stderr[-2000:]
    _assert_same_run(reference, resumed)


def test_a_changed_recipe_is_refused_with_the_differing_keys(tmp_path, capsys):
    from keras_recipes.cli import main

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "recipe.yaml").write_text(yaml.safe_dump(
        {**TINY, "optimizer": {"name": "adam", "learning_rate": 0.001}}))
    (run_dir / "status.json").write_text('{"status": "interrupted"}')
    np.savez(run_dir / "state.npz", x=np.zeros(1))
    recipe_path = tmp_path / "recipe.yaml"
    recipe_path.write_text(yaml.safe_dump(TINY))
    # In process: the refusal comes before any training (a subprocess adds a TF start-up).
    assert main(["train", str(recipe_path), "--resume", str(run_dir),
                 "--set", "optimizer.learning_rate=0.01"]) == 2
    err = capsys.readouterr().err
    assert "optimizer.learning_rate: 0.001 -> 0.01" in err
    assert "Traceback" not in err
