"""Every new source trains under MirroredStrategy (2 virtual CPUs) with augmentation and
class weights, and a run SIGKILLed mid-epoch resumes bit-identical to an uninterrupted one."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import yaml

from tests.helpers import ROOT


def _write_images(root, count=12):
    from PIL import Image

    rng = np.random.default_rng(0)
    for label, name in enumerate(("dark", "light")):
        (root / name).mkdir(parents=True)
        for i in range(count):
            pixels = rng.integers(0, 120, (10, 10, 3), dtype=np.uint8) + 120 * label
            Image.fromarray(pixels.astype(np.uint8)).save(root / name / f"{i}.png")


def _write_table(file, rows=60):
    rng = np.random.default_rng(0)
    lines = ["size,colour,words,label"]
    for i in range(rows):
        big = i % 3 == 0
        size = "" if i % 10 == 4 else f"{rng.normal(5 if big else 1):.3f}"
        lines.append(f"{size},{rng.choice(['red', 'blue', ''])},"
                     f"{'huge heavy thing' if big else 'tiny light one'} {i},"
                     f"{'big' if big else 'small'}")
    file.write_text("\n".join(lines) + "\n")


def _write_texts(root, count=12):
    for label, words in (("neg", "dull awful boring"), ("pos", "great fun lovely")):
        (root / label).mkdir(parents=True)
        for i in range(count):
            (root / label / f"{i}.txt").write_text(f"the film was {words.split()[i % 3]} {i}")


SOURCES = {
    "image_folder": (_write_images, {"source": "image_folder", "image_size": [8, 8]},
                     {"type": "cnn", "filters": [8], "hidden": [8]},
                     [{"name": "flip"}, {"name": "crop", "padding": 1}]),
    "csv": (_write_table, {"source": "csv", "target": "label"},
            {"type": "mlp", "hidden": [8]}, [{"name": "mixup", "alpha": 0.2}]),
    "text_folder": (_write_texts, {"source": "text_folder", "sequence_length": 6,
                                   "max_tokens": 40},
                    {"type": "transformer", "d_model": 8, "num_heads": 1, "num_layers": 1,
                     "ff_dim": 8, "hidden": []},
                    [{"name": "token_mask", "probability": 0.1, "mask_token": 1}]),
}


def _train(recipe_path, run_dir, kill_at=0):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "KILL_AT_STEP": str(kill_at),
           "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "keras_recipes", "train", str(recipe_path),
                           "--run-dir", str(run_dir)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def _state(run_dir):
    with np.load(run_dir / "state.npz") as data:
        return {k: data[k] for k in data.files if k != "__meta__"}


@pytest.mark.slow
@pytest.mark.multiprocess
@pytest.mark.parametrize("source", sorted(SOURCES))
def test_source_trains_mirrored_augmented_and_resumes_exactly(source, tmp_path):
    write, data, model, augment = SOURCES[source]
    path = tmp_path / ("t.csv" if source == "csv" else "data")
    write(path)
    recipe = {"name": f"own_{source}", "seed": 3, "deterministic": True,
              "data": {**data, "path": str(path), "batch_size": 4, "val_split": 0.2,
                       "test_split": 0.2, "augment": augment},
              "model": model, "training": {"epochs": 2, "verbose": 0,
                                           "class_weight": "balanced"},
              "distribute": {"strategy": "mirrored", "virtual_cpus": 2},
              "callbacks": {"tensorboard": False, "early_stopping": False,
                            "checkpoint": {"save_every_steps": 2},
                            "custom": [{"python": "tests.training.fault_callbacks:kill_at_step"}]}}
    recipe_path = tmp_path / "recipe.yaml"
    recipe_path.write_text(yaml.safe_dump(recipe))
    reference, resumed = tmp_path / "reference", tmp_path / "resumed"
    done = _train(recipe_path, reference)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "4 per replica x 2 replica(s)" in done.stdout
    killed = _train(recipe_path, resumed, kill_at=3)  # mid-epoch 1 (4 updates per epoch)
    assert killed.returncode == -9, killed.stderr[-3000:]
    again = _train(recipe_path, resumed)
    assert again.returncode == 0 and "resuming at epoch" in again.stdout, again.stderr[-3000:]
    a, b = _state(reference), _state(resumed)
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    assert json.loads((reference / "metrics.json").read_text()) == json.loads(
        (resumed / "metrics.json").read_text())
