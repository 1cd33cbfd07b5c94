"""Start N local workers of one `train` command with generated `TF_CONFIG`s (127.0.0.1)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from typing import Sequence


def free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def launch_local_workers(workers: int, train_args: Sequence[str]) -> int:
    """Runs `python -m keras_recipes train *train_args` as `workers` local processes.

    Worker 0 is the chief: it writes the run directory; the others train in
    temporary directories they delete. Returns the worst exit status.

    Example:

    >>> launch_local_workers(2, ["recipes/quickstart.yaml", "--set", "training.epochs=2"])
    0
    """
    ports = free_ports(workers)
    cluster = {"worker": [f"127.0.0.1:{port}" for port in ports]}
    processes = []
    for index in range(workers):
        env = {**os.environ, "TF_CONFIG": json.dumps(
            {"cluster": cluster, "task": {"type": "worker", "index": index}})}
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "keras_recipes", "train", *train_args], env=env))
    code = supervise(processes)
    record_chief_death(processes[0].returncode, run_dir_argument(train_args))
    return code


def run_dir_argument(train_args: Sequence[str]) -> str | None:
    """The `--run-dir` / `--resume` directory of a `train` command line, if it names one."""
    for index, arg in enumerate(train_args):
        for option in ("--run-dir", "--resume"):
            if arg == option and index + 1 < len(train_args):
                return train_args[index + 1]
            if arg.startswith(option + "="):
                return arg.split("=", 1)[1]
    return None


def record_chief_death(returncode: int | None, run_dir: str | None) -> bool:
    """A chief killed by a signal cannot write its status: the launcher writes it.

    status.json still saying `running` after the chief ended with a non-zero
    code becomes `failed` with the cause (e.g. `killed by signal 9 (SIGKILL)`),
    so the run does not look alive; `train --resume` continues it as usual.
    Returns True when it rewrote the status.
    """
    if not returncode or run_dir is None:
        return False
    from keras_recipes.run.resume import mark_ended

    if returncode < 0:
        import signal

        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = "unknown"
        cause = f"killed by signal {-returncode} ({name})"
    else:
        cause = f"exit status {returncode}"
    return mark_ended(run_dir, f"the chief (worker 0) ended: {cause}; the other workers "
                               "were stopped -> `train --resume RUN_DIR` continues the run")


def supervise(processes: list, grace_s: float = 5.0) -> int:
    """Waits for all processes; when one fails (or on Ctrl-C) the others are stopped.

    A worker that dies leaves the others blocked in collective ops forever, so
    the first failure terminates the rest (SIGTERM, then SIGKILL after
    `grace_s`). Returns the first failure's exit status, else 0.
    """
    import time

    failed = 0
    try:
        while any(p.poll() is None for p in processes):
            codes = [p.returncode for p in processes if p.returncode not in (None, 0)]
            if codes:
                failed = codes[0]
                break
            time.sleep(0.2)
    except KeyboardInterrupt:
        failed = 130
    if failed:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + grace_s
        for process in processes:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return failed
    return max((p.returncode for p in processes), key=abs, default=0)
