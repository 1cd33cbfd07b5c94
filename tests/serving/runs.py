"""Small trained runs for the serving tests: data written to files, a short fit, the hand-back.

Each run is what `train` leaves for serving (`model.keras` + `serving.json`,
written by the same `write_handback` call), trained for a couple of epochs
on a few hundred examples so a test module builds all of them in seconds.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import types
from pathlib import Path

import numpy as np

from tests.helpers import ROOT

WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
SPLITS = dict(task="auto", input_shape=None, batch_size=32, val_split=0.1, test_split=0.2,
              stratify=True, normalize="standard", shuffle_buffer=None, cache="auto",
              prefetch=True, augment=[])


def data_config(**keys):
    """A `data` section as the data builder reads it."""
    return types.SimpleNamespace(**{**SPLITS, **keys})


def fit_handback(run_dir: Path, data, model: dict, epochs: int = 3, learning_rate: float = 0.01,
                 seed: int = 1):
    """Builds `data`, fits the recipe `model` on its training split, writes the hand-back.

    Returns:
        `(bundle, network)`: the data bundle and the trained (training-side) model.
    """
    import keras

    from keras_recipes.config import validate_dict
    from keras_recipes.data import build_data
    from keras_recipes.losses import build_loss, build_metrics
    from keras_recipes.models import build_model
    from keras_recipes.runtime import set_seed
    from keras_recipes.serving.handback import write_handback
    from keras_recipes.training.recipe_model import as_recipe_model

    set_seed(seed, False)
    recipe = validate_dict({"name": "serving", "model": model})
    bundle = build_data(data, seed, model_type=recipe.model.type)
    network = as_recipe_model(build_model(recipe.model, bundle.spec))
    network.compile(optimizer=keras.optimizers.Adam(learning_rate),
                    loss=build_loss(recipe.training, bundle.spec.task),
                    metrics=build_metrics(recipe.training, bundle.spec.task))
    network.fit(bundle.train, epochs=epochs, verbose=0)
    run_dir.mkdir(parents=True, exist_ok=True)
    write_handback(network, bundle, run_dir, echo=lambda _: None)
    return bundle, network


def write_digit_images(root: Path, count: int = 600) -> tuple[np.ndarray, np.ndarray]:
    """The first `count` sklearn digits as 8x8 grayscale PNGs in folders named by words.

    Pixel values are the digits' 0-16 times 15 (0-240), so the images hold
    exactly the arrays returned.
    """
    from PIL import Image
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = (digits.images[:count] * 15).astype(np.uint8)
    labels = digits.target[:count]
    for i, (image, label) in enumerate(zip(images, labels)):
        folder = root / WORDS[label]
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(image, mode="L").save(folder / f"{i:04d}.png")
    return images[..., None].astype(np.float32), labels


def write_census(path: Path, rows: int = 500, seed: int = 0) -> list[dict]:
    """A census-like CSV: numbers with blanks, categories with blanks, a string target.

    The income class follows age, hours and the job with label noise, so a
    small model learns it well above chance.
    """
    rng = np.random.default_rng(seed)
    jobs = ["Private", "Self-emp", "State-gov", "Never-worked"]
    records = []
    for _ in range(rows):
        age = float(rng.integers(18, 80))
        hours = float(rng.integers(10, 70))
        job = jobs[rng.integers(len(jobs))]
        city = ["north", "south"][rng.integers(2)]
        score = (age - 45) / 15 + (hours - 40) / 12 + {"Private": 0, "Self-emp": 1,
                                                         "State-gov": 0.5,
                                                         "Never-worked": -2}[job]
        high = score + rng.normal(0, 0.5) > 0
        records.append({"age": "" if rng.random() < 0.05 else f"{age:g}",
                        "hours per week": "" if rng.random() < 0.05 else f"{hours:g}",
                        "workclass": "" if rng.random() < 0.05 else job,
                        "city": city, "income": ">50K" if high else "<=50K"})
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    return records


def census_inputs(records: list[dict]) -> dict[str, np.ndarray]:
    """The raw model inputs of census rows: numbers as float32 (NaN when blank), strings."""
    def number(cell):
        return float(cell) if cell else np.nan

    return {"age": np.array([number(r["age"]) for r in records], np.float32),
            "hours_per_week": np.array([number(r["hours per week"]) for r in records],
                                       np.float32),
            "workclass": np.array([r["workclass"] for r in records]),
            "city": np.array([r["city"] for r in records])}


def plain_keras_predictions(jobs: list[tuple[Path, dict | np.ndarray]], workdir: Path
                            ) -> list[np.ndarray]:
    """Predictions of each `(model.keras, raw inputs)` from ONE fresh process in which
    importing keras_recipes fails (plain `keras.saving.load_model`)."""
    specs = []
    for i, (model, inputs) in enumerate(jobs):
        arrays = inputs if isinstance(inputs, dict) else {"x": inputs}
        np.savez(workdir / f"plain_in_{i}.npz", **arrays)
        specs.append({"model": str(model), "inputs": str(workdir / f"plain_in_{i}.npz"),
                      "out": str(workdir / f"plain_out_{i}.npy")})
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("plain_keras_predict.py")),
         json.dumps(specs)], cwd=workdir, capture_output=True, text=True, timeout=300,
        env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin", "HOME": str(workdir)})
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]
    return [np.load(s["out"]) for s in specs]


def read_predictions(path: Path) -> list[dict]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


__all__ = ["ROOT", "census_inputs", "data_config", "fit_handback", "plain_keras_predictions",
           "read_predictions", "write_census", "write_digit_images"]
