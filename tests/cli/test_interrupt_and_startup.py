"""A trained run's terminal: no TensorFlow start-up noise, and Ctrl-C says how to continue."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
import yaml

from tests.helpers import ROOT, TINY

NOISE = re.compile(r"absl::InitializeLog|cuInit|cuda drivers|oneDNN|^[IWE]\d{4} ", re.M)


@pytest.mark.slow
def test_ctrl_c_prints_the_resume_command_and_no_startup_noise(tmp_path):
    recipe = tmp_path / "long.yaml"
    recipe.write_text(yaml.safe_dump({
        **TINY, "training": {"epochs": 500, "verbose": 0},
        "callbacks": {"tensorboard": False, "early_stopping": False,
                      "checkpoint": {"write_interval_s": 0}}}))
    run_dir = tmp_path / "run"
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(
        [sys.executable, "-m", "keras_recipes", "train", str(recipe), "--run-dir", str(run_dir)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in process.stdout:              # training starts after the model line
            if line.startswith("model:"):
                break
        deadline = time.monotonic() + 60
        while not (run_dir / "state.npz").exists() and time.monotonic() < deadline:
            time.sleep(0.1)                      # a state is saved: the run can continue
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 130, stderr
    assert f"python -m keras_recipes train --resume {run_dir}" in stderr
    assert "continue exactly where it stopped" in stderr
    assert not NOISE.search(stderr), stderr
    assert "Traceback" not in stderr
