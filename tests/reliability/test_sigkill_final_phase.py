"""A real SIGKILL in the final-save window, then `train --resume` (slow: two processes)."""

import json
import os
import subprocess
import sys

import pytest
import yaml

from tests.helpers import ROOT
from tests.reliability._helpers import RECIPE


@pytest.mark.slow
@pytest.mark.multiprocess
def test_sigkill_after_the_last_state_then_resume_completes_without_training(tmp_path):
    recipe = {**RECIPE, "callbacks": {**RECIPE["callbacks"], "custom": [
        {"python": "tests.reliability._helpers:kill_at_train_end"}]}}
    path = tmp_path / "recipe.yaml"
    path.write_text(yaml.safe_dump(recipe))
    run_dir = tmp_path / "run"

    def train(*extra, kill=False):
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": str(ROOT),
               "KILL_AT_TRAIN_END": "1" if kill else ""}
        return subprocess.run([sys.executable, "-m", "keras_recipes", "train", *extra],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)

    killed = train(str(path), "--run-dir", str(run_dir), kill=True)
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert json.loads((run_dir / "status.json").read_text())["status"] == "running"
    assert not (run_dir / "metrics.json").exists()
    history = (run_dir / "history.csv").read_bytes()
    done = train("--resume", str(run_dir))
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads((run_dir / "status.json").read_text())["status"] == "completed"
    assert (run_dir / "history.csv").read_bytes() == history  # no epoch trained again
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert set(metrics) == {"val", "test"} and (run_dir / "model.keras").is_file()
