"""Messages that help: aliases from other tools, case, bare durations, all errors at once."""

import pytest

from keras_recipes.config import validate_dict
from keras_recipes.errors import RecipeError
from keras_recipes.registry import did_you_mean


def _problems(data):
    with pytest.raises(RecipeError) as err:
        validate_dict(data)
    return err.value.problems


@pytest.mark.parametrize("data, path, hint", [
    ({"optimizer": {"name": "adam", "lr": 0.1}}, "optimizer.lr",
     "(did you mean 'learning_rate'?)"),
    ({"epochs": 5}, "epochs", "(did you mean 'training.epochs'? it belongs in the training "
                              "section)"),
    ({"bs": 32}, "bs", "(did you mean 'data.batch_size'? it belongs in the data section)"),
    ({"training": {"batch_size": 32}}, "training.batch_size",
     "(did you mean 'data.batch_size'? it belongs in the data section)"),
    ({"data": {"source": "sklearn", "bs": 32}}, "data.bs", "(did you mean 'batch_size'?)"),
])
def test_common_aliases_point_to_the_recipe_key(data, path, hint):
    [problem] = _problems(data)
    assert problem.startswith(f"{path}: unknown key") and problem.endswith(hint)


def test_names_are_matched_regardless_of_case():
    [problem] = _problems({"optimizer": {"name": "SGD"}})
    assert problem.endswith("(did you mean 'sgd'? names are lower case)")
    assert did_you_mean("Digits", ["digits", "iris"]) == \
        " (did you mean 'digits'? names are lower case)"
    assert did_you_mean("adamm", ["adam", "sgd"]) == " (did you mean 'adam'?)"


def test_a_bare_number_of_warmup_is_steps():
    recipe = validate_dict({"schedule": {"name": "warmup_cosine", "warmup": 100}})
    assert (recipe.schedule.warmup.steps, recipe.schedule.warmup.epochs) == (100, None)
    [problem] = _problems({"schedule": {"name": "warmup_cosine", "warmup": 0.5}})
    assert problem == ("schedule.warmup: 0.5 -> a whole number of steps, or {epochs: 0.5} or "
                       "{fraction: 0.5}")


def test_data_name_is_reported_with_the_other_problems():
    problems = _problems({"data": {"source": "synthetic", "name": "image"},
                          "optimizer": {"name": "adam", "lr": 0.1},
                          "training": {"epochs": 0}})
    assert len(problems) == 3
    assert problems[0].startswith("data.name: 'image' -> ") and \
        problems[0].endswith("(did you mean 'images'?)")
    assert any(p.startswith("optimizer.lr:") for p in problems)
    assert any(p.startswith("training.epochs: 0") for p in problems)


def test_a_child_duration_replaces_the_parents_whole(tmp_path):
    from keras_recipes.config import load_recipe

    (tmp_path / "parent.yaml").write_text(
        "schedule: {name: warmup_cosine, warmup: {fraction: 0.05}}\n")
    (tmp_path / "child.yaml").write_text(
        "extends: parent.yaml\nschedule: {warmup: {epochs: 2}}\n")
    warmup = load_recipe(tmp_path / "child.yaml").schedule.warmup
    assert (warmup.epochs, warmup.fraction, warmup.steps) == (2, None, None)
