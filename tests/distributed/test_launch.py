import re

import pytest

from keras_recipes.cli import main
from keras_recipes.distributed import is_chief
from tests.helpers import ROOT, run_cli
from tests.reliability._helpers import as_killed_in_final_phase

QUICKSTART = ROOT / "recipes/quickstart.yaml"

CHECKSUM = r"worker weights checksum: (trainable [-+.0-9e]+, all [-+.0-9e]+)"


def test_chief_is_the_chief_task_or_worker_zero():
    workers = {"worker": ["a:1", "b:2"]}
    assert is_chief({"cluster": workers, "task": {"type": "worker", "index": 0}})
    assert not is_chief({"cluster": workers, "task": {"type": "worker", "index": 1}})
    with_chief = {"chief": ["c:3"], **workers}
    assert not is_chief({"cluster": with_chief, "task": {"type": "worker", "index": 0}})
    assert is_chief({"cluster": with_chief, "task": {"type": "chief", "index": 0}})


def test_multi_worker_without_tf_config_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    # In process: the refusal comes before any training (no TensorFlow start-up to pay twice).
    assert main(["train", str(QUICKSTART), "--set", "distribute.strategy=multi_worker",
                 "--run-dir", str(tmp_path / "run")]) == 2
    assert "needs TF_CONFIG" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.multiprocess
def test_two_local_workers_train_identically_into_one_run_directory(tmp_path):
    # Batch norm per worker, statistics not recomputed: each worker's moving statistics
    # come from its own shard, so only taking the chief's before the final phase makes
    # both workers evaluate (and a resumed launch report) the one model the chief writes.
    args = ["recipes/quickstart.yaml", "--verbose", "0", "--set", "training.epochs=1",
            "--set", "callbacks.tensorboard=false", "--set", "model.sync_batch_norm=false",
            "--set", "training.recompute_batch_norm=false"]
    result = run_cli("launch", "--workers", "2", *args, "--output", str(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    # Two workers share one stdout: their lines can interleave, so match the numbers only.
    sums = re.findall(CHECKSUM, result.stdout)
    assert len(sums) == 2 and sums[0] == sums[1]  # all weights: batch-norm statistics too
    runs = [p for p in (tmp_path / "quickstart").iterdir()]
    assert len(runs) == 1 and (runs[0] / "metrics.json").exists()
    assert "global batch 128" in result.stdout
    # A launch resumed in the final phase (each worker loads the chief's state) writes
    # the metrics of the uninterrupted launch.
    metrics = (runs[0] / "metrics.json").read_text()
    as_killed_in_final_phase(runs[0])
    resumed = run_cli("launch", "--workers", "2", *args, "--resume", str(runs[0]))
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert (runs[0] / "metrics.json").read_text() == metrics
    assert re.findall(CHECKSUM, resumed.stdout) == sums


def test_unreachable_tpu_fails_fast_with_a_clear_message(tmp_path, capsys):
    import socket
    import time
    from types import SimpleNamespace

    import tensorflow  # noqa: F401  (imported before the clock starts: the bound is on the probe)

    from keras_recipes.errors import UsageError
    from keras_recipes.runtime.strategy import build_strategy

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"grpc://127.0.0.1:{port}"
    start = time.monotonic()
    with pytest.raises(UsageError, match="not reachable"):
        build_strategy(SimpleNamespace(strategy="tpu", tpu=address))
    # Plain TF would hang here; the socket probe answers at once (refused), far below
    # its own 10 s limit, even on a loaded machine.
    assert time.monotonic() - start < 5
    # Through the CLI (in process): exit 2, one message naming the key, no traceback.
    assert main(["train", str(QUICKSTART), "--run-dir", str(tmp_path / "run"),
                 "--set", "distribute.strategy=tpu", "--set", f"distribute.tpu={address}"]) == 2
    err = capsys.readouterr().err
    assert "distribute.tpu" in err and "not reachable" in err
    assert "Traceback" not in err
