"""Recipes that cannot work are refused at validate time with the key named; hostile files
(encodings, nesting, alias bombs) are one message. Seeded: random.Random(16)."""

import random
import time

import pytest
import yaml

from keras_recipes.config import load_recipe, validate_dict
from keras_recipes.errors import RecipeError
from tests.helpers import TINY

RNG = random.Random(16)

BOUNDS = [
    ({"model": {"type": "mlp", "hidden": [0]}}, "model.hidden: [0] -> layer widths from 1"),
    ({"model": {"type": "mlp", "hidden": [16, -3]}}, "model.hidden: [16, -3] -> layer widths"),
    ({"optimizer": {"name": "adam", "learning_rate": float("inf")}},
     "optimizer.learning_rate: inf -> input should be a finite number"),
    ({"optimizer": {"name": "sgd", "learning_rate": float("nan")}},
     "optimizer.learning_rate: nan -> input should be a finite number"),
    ({"seed": 2**64}, "seed: 18446744073709551616 -> input should be less than or equal to "
                      "4294967295"),
    ({"distribute": {"devices": -2}}, "distribute.devices: -2 -> a device count from 1 to 4096"),
    ({"training": {"gradient_accumulation": 1e12}},
     "training.gradient_accumulation: 1000000000000.0 -> input should be less than or equal "
     "to 4096"),
    ({"distribute": {"virtual_cpus": 100000}},
     "distribute.virtual_cpus: 100000 -> input should be less than or equal to 64"),
    ({"name": ".."}, "name: '..' -> a folder name, not '.' or '..'"),
    ({"name": "a/b"}, "name: 'a/b' -> string should match pattern"),
    ({"name": "n" * RNG.randint(101, 400)}, "-> string should have at most 100 characters"),
    ({"training": {"loss_upper_bound": -1.0}},
     "training.loss_upper_bound: -1.0 -> must be a positive number, 'auto' or null"),
    ({"training": {"label_smoothing": float("inf")}}, "training.label_smoothing: inf -> "),
]


@pytest.mark.parametrize("change,message", BOUNDS)
def test_values_that_cannot_work_are_refused_with_the_key_named(change, message):
    with pytest.raises(RecipeError) as caught:
        validate_dict({**TINY, **change})
    assert len(caught.value.problems) == 1 and message in caught.value.problems[0], \
        caught.value.problems


def test_the_bound_accepts_auto_a_number_or_null():
    for value, expected in (("auto", "auto"), (50, 50.0), (None, None)):
        recipe = validate_dict({**TINY, "training": {**TINY["training"],
                                                      "loss_upper_bound": value}})
        assert recipe.training.loss_upper_bound == expected


def _bomb(levels, width):
    lines = [f"n0: &n0 [{', '.join(['x'] * width)}]"]
    lines += [f"n{i}: &n{i} [{', '.join([f'*n{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines)


HOSTILE_FILES = {
    "latin1": ("name: café\n".encode("latin-1"), r"not UTF-8 text \(byte 0xe9 on line 1\)"),
    "utf16": (yaml.safe_dump(TINY).encode("utf-16"), "UTF-16 text -> save the recipe as UTF-8"),
    "deep": (("model: " + "[" * RNG.randint(100, 1000) + "]").encode(),
             "nesting deeper than 64 levels"),
    "bomb": (_bomb(RNG.randint(7, 10), RNG.randint(8, 10)).encode(),
             "aliases expand to more than 100,000 values"),
    "bomb_in_tune_space": (("tune:\n  space:\n    " + _bomb(9, 9).replace("\n", "\n    ")
                            ).encode(), "aliases expand to more than 100,000 values"),
    "bomb_in_args": (("callbacks:\n  custom:\n    - python: a.b:c\n      args:\n        "
                      + _bomb(9, 9).replace("\n", "\n        ")).encode(),
                     "aliases expand to more than 100,000 values"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_hostile_files_are_one_message_in_well_under_a_second(tmp_path, name):
    raw, message = HOSTILE_FILES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(raw)
    start = time.process_time()  # CPU seconds: a slow parse shows, a loaded machine does not
    with pytest.raises(RecipeError, match=message) as caught:
        load_recipe(path)
    assert time.process_time() - start < 1.0
    assert len(caught.value.problems) == 1 and str(path) in caught.value.problems[0]


def test_an_unprepared_tfds_name_stops_at_once_offline(tmp_path):
    pytest.importorskip("tensorflow_datasets")
    from keras_recipes.data.sources.tfds_source import load_tfds
    from keras_recipes.errors import UsageError

    recipe = validate_dict({**TINY, "data": {"source": "tfds", "name": "mnist",
                                             "data_dir": str(tmp_path)}})
    start = time.perf_counter()
    with pytest.raises(UsageError, match=r"data.name: 'mnist' is not prepared in .* -> prepare "
                                         r"it once .*`tfds build mnist`"):
        load_tfds(recipe.data, seed=1)
    assert time.perf_counter() - start < 60  # wall (a retry loop sleeps); generous for load
