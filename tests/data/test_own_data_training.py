"""Every new source trains under MirroredStrategy (2 virtual CPUs) with augmentation and
class weights, and a run interrupted mid-epoch resumes bit-identical to an uninterrupted one."""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import yaml

from tests.helpers import ROOT, side_by_side


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


@pytest.mark.slow
@pytest.mark.multiprocess
def test_new_sources_train_mirrored_augmented_weighted_and_resume_exactly(tmp_path):
    """A fresh process (2 virtual CPUs) per source trains it twice: uninterrupted, and
    interrupted after update 3 then resumed from its state; the final states match."""
    for source, (write, data, model, augment) in SOURCES.items():
        path = tmp_path / ("t.csv" if source == "csv" else source)
        write(path)
        recipe = {"name": f"own_{source}", "seed": 3, "deterministic": True,
                  "data": {**data, "path": str(path), "batch_size": 4, "val_split": 0.2,
                           "test_split": 0.2, "augment": augment},
                  "model": model,
                  "training": {"epochs": 2, "verbose": 0, "class_weight": "balanced"},
                  "distribute": {"strategy": "mirrored", "virtual_cpus": 2},
                  "callbacks": {"tensorboard": False, "early_stopping": False,
                                "checkpoint": {"save_every_steps": 2}}}
        (tmp_path / f"{source}.yaml").write_text(yaml.safe_dump(recipe))
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": str(ROOT)}
    def run_child(source):  # one process per source: MirroredStrategy's collectives are
        return subprocess.run(  # per process, and a later model's would clash
            [sys.executable, str(ROOT / "tests/data/own_data_child.py"), str(tmp_path), source],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)

    results = {}
    with ThreadPoolExecutor(max_workers=side_by_side()) as pool:  # independent: one per core
        children = dict(zip(SOURCES, pool.map(run_child, SOURCES)))
    for source, child in children.items():
        assert child.returncode == 0, child.stderr[-3000:]
        last = child.stdout.strip().splitlines()[-1]
        results[source] = json.loads(last)
    assert set(results) == set(SOURCES)
    for source, result in results.items():
        assert result["interrupted"] and result["resumed_line"], (source, result)
        assert "4 per replica x 2 replica(s)" in result["replicas_line"][0], (source, result)
        assert result["same_state"] and result["same_metrics"], (source, result)
        assert 0.0 <= result["metrics"]["test"]["accuracy"] <= 1.0
