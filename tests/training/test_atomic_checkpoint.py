"""A kill while best.keras is being written never leaves an unloadable checkpoint."""

import os
import random
import subprocess
import sys
import time

import numpy as np
import pytest

from tests.helpers import ROOT


@pytest.mark.slow
@pytest.mark.multiprocess
def test_sigkill_during_saves_leaves_a_loadable_checkpoint(tmp_path):
    import keras

    rng = random.Random(3)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": str(ROOT)}
    # Two writers (own targets) start side by side: their TF start-ups overlap.
    targets = [tmp_path / "a" / "best.keras", tmp_path / "b" / "best.keras"]
    writers = []
    for target in targets:
        target.parent.mkdir()
        writers.append(subprocess.Popen(
            [sys.executable, str(ROOT / "tests/training/checkpoint_writer.py"), str(target)],
            env=env, stdout=subprocess.PIPE, text=True))
    try:
        for proc, target in zip(writers, targets):
            assert proc.stdout.readline().strip() == "ready"
            time.sleep(rng.uniform(0.2, 1.5))  # several saves of a 4 MB model: mid-write likely
            proc.kill()
            proc.wait()
            model = keras.models.load_model(target)  # raises on a torn zip
            kernel = model.layers[0].kernel.numpy()
            assert kernel.shape == (256, 2048) and np.isfinite(kernel).all()
    finally:
        for proc in writers:
            proc.kill()
            proc.wait()
