"""A multi-worker chief that dies leaves a status that says so, not `running`."""

import json
import subprocess
import sys

from keras_recipes.distributed.launch import (record_chief_death, run_dir_argument,
                                              supervise)


def test_the_launcher_records_a_chief_killed_by_a_signal(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "status.json").write_text('{"status": "running", "started": "t0"}')
    chief = subprocess.Popen([sys.executable, "-c", "import os; os.kill(os.getpid(), 9)"])
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    assert supervise([chief, worker], grace_s=1.0) == -9
    assert worker.returncode is not None  # the other worker was stopped
    assert record_chief_death(chief.returncode, run_dir_argument(
        ["r.yaml", "--run-dir", str(run_dir), "--set", "a=1"]))
    status = json.loads((run_dir / "status.json").read_text())
    assert status["status"] == "failed" and status["started"] == "t0"
    assert "the chief (worker 0) ended: killed by signal 9 (SIGKILL)" in status["error"]


def test_only_a_running_status_is_rewritten(tmp_path):
    (tmp_path / "status.json").write_text('{"status": "completed"}')
    assert not record_chief_death(-9, str(tmp_path))
    assert not record_chief_death(0, str(tmp_path))
    assert run_dir_argument(["r.yaml", "--resume=x"]) == "x"
    assert run_dir_argument(["r.yaml"]) is None
