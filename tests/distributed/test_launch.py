import re

import pytest

from keras_recipes.distributed import is_chief
from tests.helpers import run_cli


def test_chief_is_the_chief_task_or_worker_zero():
    workers = {"worker": ["a:1", "b:2"]}
    assert is_chief({"cluster": workers, "task": {"type": "worker", "index": 0}})
    assert not is_chief({"cluster": workers, "task": {"type": "worker", "index": 1}})
    with_chief = {"chief": ["c:3"], **workers}
    assert not is_chief({"cluster": with_chief, "task": {"type": "worker", "index": 0}})
    assert is_chief({"cluster": with_chief, "task": {"type": "chief", "index": 0}})


def test_multi_worker_without_tf_config_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    result = run_cli("train", "recipes/quickstart.yaml", "--set", "distribute.strategy=multi_worker",
                     "--run-dir", str(tmp_path / "run"))
    assert result.returncode == 2 and "needs TF_CONFIG" in result.stderr


@pytest.mark.slow
@pytest.mark.multiprocess
def test_two_local_workers_train_identically_into_one_run_directory(tmp_path):
    result = run_cli("launch", "--workers", "2", "recipes/quickstart.yaml",
                     "--output", str(tmp_path), "--verbose", "0",
                     "--set", "training.epochs=2", "--set", "callbacks.tensorboard=false",
                     "--set", "model.normalization=none")
    assert result.returncode == 0, result.stderr[-3000:]
    sums = re.findall(r"worker weights checksum: (.*)", result.stdout)
    assert len(sums) == 2 and sums[0] == sums[1]
    runs = [p for p in (tmp_path / "quickstart").iterdir()]
    assert len(runs) == 1 and (runs[0] / "metrics.json").exists()
    assert "global batch 128" in result.stdout


def test_unreachable_tpu_fails_fast_with_a_clear_message(tmp_path):
    import socket
    import time

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    start = time.monotonic()
    result = run_cli("train", "recipes/quickstart.yaml", "--run-dir", str(tmp_path / "run"),
                     "--set", "distribute.strategy=tpu",
                     "--set", f"distribute.tpu=grpc://127.0.0.1:{port}")
    assert result.returncode == 2, result.stderr[-2000:]
    assert "distribute.tpu" in result.stderr and "not reachable" in result.stderr
    assert "Traceback" not in result.stderr
    assert time.monotonic() - start < 15
