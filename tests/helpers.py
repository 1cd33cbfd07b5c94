"""Test helpers: small recipes and running the CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TINY = {
    "name": "tiny",
    "seed": 1,
    "data": {"source": "synthetic", "name": "classification",
             "synthetic": {"samples": 300, "features": 8, "classes": 3}, "batch_size": 32},
    "model": {"type": "mlp", "hidden": [16]},
    "training": {"epochs": 3, "verbose": 0},
    "callbacks": {"tensorboard": False},
}


def side_by_side() -> int:
    """How many of a test's independent child processes run at once: two (one per core of
    the 2-core CI) when pytest runs alone; one under pytest-xdist, whose two workers
    already keep both cores busy (four TensorFlow processes would only share them)."""
    return 1 if os.environ.get("PYTEST_XDIST_WORKER") else 2


def run_cli(*args: str, cwd: Path = ROOT, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.run([sys.executable, "-m", "keras_recipes", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)
