"""`tune --workers N`: one chief oracle and N tuner processes on 127.0.0.1.

Uses keras-tuner's own mechanism: every process runs the same `tune` command
with `KERASTUNER_ORACLE_IP`/`KERASTUNER_ORACLE_PORT` pointing at the chief and
its own `KERASTUNER_TUNER_ID` (`chief`, `tuner0`, `tuner1`, ...). The chief only
hands out trials and records results; the tuners train.

Example:

>>> launch_local_search(2, ["recipes/digits_tune.yaml", "--run-dir", "runs/t"])
0
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Sequence

from keras_recipes.distributed.launch import free_ports

TUNER_ID, ORACLE_IP, ORACLE_PORT = ("KERASTUNER_TUNER_ID", "KERASTUNER_ORACLE_IP",
                                    "KERASTUNER_ORACLE_PORT")
LAUNCHED = "KERAS_RECIPES_TUNE_LAUNCHER"  # set for children: the launcher writes the results


def is_distributed_child() -> bool:
    """True inside a process started by `launch_local_search` (or any keras-tuner cluster)."""
    return ORACLE_IP in os.environ


def is_chief() -> bool:
    """True in the chief oracle's process of a distributed search."""
    return is_distributed_child() and "chief" in os.environ.get(TUNER_ID, "")


def finalizes() -> bool:
    """True in the process that writes trials.csv and best_recipe.yaml at the end: a
    single process, or the chief of a cluster started by hand (not by `--workers`)."""
    return not is_distributed_child() or (is_chief() and LAUNCHED not in os.environ)


def launch_local_search(workers: int, tune_args: Sequence[str], chief_grace: float = 1.0) -> int:
    """Runs `python -m keras_recipes tune *tune_args` as a chief and `workers` tuners.

    Returns 0 when every tuner finished, else the first failing exit status (the
    other processes are then stopped). The chief polls for the end of the search
    only every 20 s, so once every tuner is done and every result is saved it gets
    `chief_grace` seconds and is then stopped.
    """
    port = free_ports(1)[0]
    env = {**os.environ, ORACLE_IP: "127.0.0.1", ORACLE_PORT: str(port), LAUNCHED: "1"}
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    command = [sys.executable, "-m", "keras_recipes", "tune", *tune_args]
    chief = subprocess.Popen(command, env={**env, TUNER_ID: "chief"})
    tuners = [subprocess.Popen(command, env={**env, TUNER_ID: f"tuner{i}"})
              for i in range(workers)]
    return supervise(chief, tuners, chief_grace)


def _stop(processes) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def supervise(chief: subprocess.Popen, tuners: list, chief_grace: float) -> int:
    """Waits for the tuners; stops everything on the first failure or a dead chief."""
    while True:
        codes = [t.poll() for t in tuners]
        failed = [c for c in codes if c not in (None, 0)]
        chief_code = chief.poll()
        if failed or (chief_code not in (None, 0) and None in codes):
            _stop([chief, *tuners])
            return failed[0] if failed else chief_code
        if None not in codes:
            break
        time.sleep(0.5)
    try:
        chief.wait(timeout=chief_grace)
    except subprocess.TimeoutExpired:
        _stop([chief])  # results are saved at the end of every trial
    return 0
