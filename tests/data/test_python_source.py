"""`python:` data sources: the call (seed only when accepted), module lookup, return shapes."""

import numpy as np
import pytest

from keras_recipes.config import validate_dict
from keras_recipes.data import build_data
from keras_recipes.errors import UsageError
from keras_recipes.python_ref import call_with_seed, remember_recipe_folder, resolve_python_ref

MODULE = """
import numpy as np

def no_seed(n=60):
    x = np.arange(n * 3, dtype='float64').reshape(n, 3) * 10.0
    return x, np.arange(n) % 2

def seeded(seed, n=60):
    x = np.random.default_rng(seed).normal(size=(n, 3))
    return x, (x[:, 0] > 0).astype('int32')

def named(**kwargs):
    x, y = no_seed()
    return {'x': x, 'y': y, 'class_names': ['even', 'odd'], 'preprocessed': True}

def tokens():
    x = np.random.default_rng(0).integers(0, 50, size=(60, 8))
    return {'x': x, 'y': np.arange(60) % 3, 'vocab_size': 50}

def split_preprocessed():
    x, y = no_seed()
    return {'train': (x[:40], y[:40]), 'val': (x[40:], y[40:]), 'preprocessed': True}

def extra_key():
    return {'x': np.zeros((4, 2)), 'y': np.zeros(4), 'labels': ['a']}
"""


def _data(**section):
    return validate_dict({"data": section}).data


@pytest.fixture
def module(tmp_path, monkeypatch):
    """`fixture_data.py` in a recipe folder, run from another working directory."""
    recipes = tmp_path / "recipes"
    recipes.mkdir()
    (recipes / "fixture_data.py").write_text(MODULE)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delitem(__import__("sys").modules, "fixture_data", raising=False)
    remember_recipe_folder(recipes)
    yield recipes
    __import__("sys").modules.pop("fixture_data", None)


def test_a_module_beside_the_recipe_resolves_from_another_folder(module):
    function = resolve_python_ref("fixture_data:no_seed", "data.python")
    assert function.__module__ == "fixture_data"
    with pytest.raises(UsageError, match=r"data.python: 'nowhere_module:f' -> an importable "
                                         r"module, looked up in the working directory, .*"):
        resolve_python_ref("nowhere_module:f", "data.python")


def test_seed_is_passed_only_to_functions_that_take_it():
    def plain(a):
        return a

    def seeded(a, seed):
        return a, seed

    def anything(**kwargs):
        return kwargs

    assert call_with_seed(plain, 7, a=1) == 1
    assert call_with_seed(seeded, 7, a=1) == (1, 7)
    assert call_with_seed(anything, 7, a=1) == {"a": 1, "seed": 7}


def test_a_function_without_seed_trains_data(module):
    bundle = build_data(_data(source="python", python="fixture_data:no_seed"), seed=0)
    assert bundle.spec.num_train + bundle.spec.num_val + bundle.spec.num_test == 60
    seeded = build_data(_data(source="python", python="fixture_data:seeded", args={"n": 40}),
                        seed=3)
    again = build_data(_data(source="python", python="fixture_data:seeded", args={"n": 40}),
                       seed=3)
    np.testing.assert_array_equal(seeded.arrays.x_train, again.arrays.x_train)


def test_class_names_and_preprocessed_inputs(module):
    bundle = build_data(_data(source="python", python="fixture_data:named"), seed=0)
    assert bundle.spec.class_names == ("even", "odd")
    x, _ = next(iter(bundle.train))
    # Preprocessed: the network gets the values as returned (multiples of 10, unscaled).
    values = np.asarray(x)
    assert values.dtype == np.float32 and values.max() > 100
    np.testing.assert_array_equal(values % 10, 0)


def test_token_ids_with_a_vocabulary_size(module):
    bundle = build_data(_data(source="python", python="fixture_data:tokens"), seed=0)
    assert bundle.spec.vocab_size == 50 and bundle.spec.num_outputs == 3


def test_an_unknown_returned_key_names_the_allowed_ones(module):
    with pytest.raises(UsageError, match=r"data.python: returned key 'labels' -> x, y, "
                                         r"class_names, vocab_size, preprocessed"):
        build_data(_data(source="python", python="fixture_data:extra_key"), seed=0)


def test_a_recipe_run_from_another_folder_finds_its_module(tmp_path, monkeypatch):
    """End to end through the loader: the recipe file's folder is where the module is."""
    from keras_recipes.config import load_recipe

    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "beside_recipe.py").write_text(MODULE)
    (folder / "recipe.yaml").write_text(
        "data: {source: python, python: 'beside_recipe:no_seed'}\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(__import__("sys").modules, "beside_recipe", raising=False)
    recipe = load_recipe(folder / "recipe.yaml")
    bundle = build_data(recipe.data, seed=0)
    assert bundle.spec.num_train + bundle.spec.num_val + bundle.spec.num_test == 60
    __import__("sys").modules.pop("beside_recipe", None)


def test_ready_splits_can_be_preprocessed_too(module):
    bundle = build_data(_data(source="python", python="fixture_data:split_preprocessed"), seed=0)
    assert (bundle.spec.num_train, bundle.spec.num_val) == (40, 20)
    x, _ = next(iter(bundle.train))
    np.testing.assert_array_equal(np.asarray(x) % 10, 0)  # unscaled: multiples of 10
    assert np.asarray(x).max() > 100
