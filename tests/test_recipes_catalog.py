"""Shipped recipes by name: a path wins, a bare name resolves, unknown names are listed."""

import pytest

from keras_recipes import recipes_catalog
from keras_recipes.errors import RecipeError
from keras_recipes.recipes_catalog import resolve_recipe, shipped_recipe, shipped_recipes
from tests.helpers import ROOT


def test_shipped_recipes_are_the_checkout_folder():
    recipes = shipped_recipes()
    assert list(recipes) == sorted(p.stem for p in (ROOT / "recipes").glob("*.yaml"))
    assert recipes["quickstart"] == ROOT / "recipes" / "quickstart.yaml"


@pytest.mark.parametrize("name", ["quickstart", "quickstart.yaml"])
def test_bare_name_resolves_from_any_folder(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve_recipe(name) == ROOT / "recipes" / "quickstart.yaml"
    assert shipped_recipe(name) == ROOT / "recipes" / "quickstart.yaml"


def test_an_existing_path_wins_over_the_shipped_recipe(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "quickstart.yaml").write_text("name: mine\n")
    assert resolve_recipe("quickstart.yaml").resolve() == tmp_path / "quickstart.yaml"
    assert resolve_recipe("quickstart") == ROOT / "recipes" / "quickstart.yaml"
    (tmp_path / "quickstart").write_text("name: mine too\n")
    assert resolve_recipe("quickstart").resolve() == tmp_path / "quickstart"


def test_extends_reference_is_relative_to_the_base_folder_first(tmp_path):
    assert resolve_recipe("digits_cnn.yaml", tmp_path) == ROOT / "recipes" / "digits_cnn.yaml"
    (tmp_path / "digits_cnn.yaml").write_text("name: local\n")
    assert resolve_recipe("digits_cnn.yaml", tmp_path) == tmp_path / "digits_cnn.yaml"


def test_unknown_name_lists_the_shipped_recipes_and_suggests_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RecipeError, match=r"quickstrt: no such recipe file -> a path to a "
                       r"recipe YAML file or a shipped recipe: breast_cancer, .*quickstart.*"
                       r"\(did you mean 'quickstart'\?\)"):
        resolve_recipe("quickstrt")
    with pytest.raises(RecipeError, match=r"one of breast_cancer.*did you mean 'digits_cnn'"):
        shipped_recipe("digits_cn")


def test_a_missing_path_with_a_folder_is_never_a_shipped_recipe(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RecipeError) as err:
        resolve_recipe("recipes/quickstart.yaml")
    assert str(err.value).endswith("recipes/quickstart.yaml: no such recipe file -> a path to "
                                   "a recipe YAML file")


def test_installed_package_data_is_preferred_to_a_checkout(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "keras_recipes"
    (package / "recipes").mkdir(parents=True)
    (package / "recipes" / "only_one.yaml").write_text("name: only_one\n")
    monkeypatch.setattr(recipes_catalog, "_PACKAGE", package)
    assert list(shipped_recipes()) == ["only_one"]
    (package / "recipes" / "only_one.yaml").unlink()
    (package / "recipes").rmdir()
    assert recipes_catalog.recipes_dir() is None and shipped_recipes() == {}
    with pytest.raises(RecipeError, match="this installation ships no recipes"):
        shipped_recipe("quickstart")


def test_users_recipe_extends_a_shipped_recipe_by_name(tmp_path, monkeypatch):
    from keras_recipes.config import load_recipe

    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.yaml").write_text("extends: quickstart\nname: mine\n"
                                        "training: {epochs: 3}\n")
    recipe = load_recipe("mine.yaml")
    assert (recipe.name, recipe.training.epochs) == ("mine", 3)
    assert recipe.data.name == "digits" and recipe.model.hidden == [256, 128]
    # A copy of a shipped recipe keeps working outside the checkout: its
    # `extends: quickstart.yaml` finds no local file and falls back to the shipped one.
    (tmp_path / "cnn.yaml").write_text((ROOT / "recipes/digits_cnn.yaml").read_text())
    assert load_recipe("cnn.yaml").model.type == "cnn"
    assert load_recipe("quickstart").name == "quickstart"


def test_extends_an_unknown_name_says_what_exists(tmp_path):
    from keras_recipes.config import load_recipe

    (tmp_path / "mine.yaml").write_text("extends: quickstrat\n")
    with pytest.raises(RecipeError, match=r"quickstrat: no such recipe file -> .*did you mean "
                       r"'quickstart'"):
        load_recipe(tmp_path / "mine.yaml")
