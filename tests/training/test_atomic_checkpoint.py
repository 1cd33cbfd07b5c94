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

    target = tmp_path / "best.keras"
    rng = random.Random(3)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": str(ROOT)}
    for _ in range(2):
        proc = subprocess.Popen([sys.executable, str(ROOT / "tests/training/checkpoint_writer.py"),
                                 str(target)], env=env, stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.2, 1.5))  # several saves of a 4 MB model: mid-write is likely
        proc.kill()
        proc.wait()
        model = keras.models.load_model(target)  # raises on a torn zip
        kernel = model.layers[0].kernel.numpy()
        assert kernel.shape == (256, 2048) and np.isfinite(kernel).all()
