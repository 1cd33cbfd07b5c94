"""`keras-recipes init DATA`: writes a commented recipe that validates, reports, refuses."""

import numpy as np
import pytest
import yaml

from keras_recipes.cli import main
from keras_recipes.config import load_recipe


def test_init_npz_writes_a_recipe_that_validates(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    np.savez(tmp_path / "data" / "digits.npz", x=np.zeros((40, 8, 8), np.float32) + 3,
             y=np.arange(40) % 4)
    assert main(["init", "data/digits.npz", "--out", "r.yaml"]) == 0
    out = capsys.readouterr().out
    assert "classification" in out and "wrote r.yaml (validated)" in out
    text = (tmp_path / "r.yaml").read_text()
    assert text.startswith("# Written by `keras-recipes init data/digits.npz`")
    data = yaml.safe_load(text)
    assert data["data"]["path"] == "data/digits.npz"  # relative to the recipe
    assert data["data"]["input_shape"] == [8, 8, 1] and data["model"]["type"] == "cnn"
    recipe = load_recipe(tmp_path / "r.yaml")
    assert recipe.name == "digits" and recipe.data.normalize == "scale"
    assert recipe.optimizer.name == "adamw" and recipe.training.label_smoothing == 0.1


def test_init_refuses_to_overwrite_and_unknown_kinds(tmp_path, capsys):
    np.savez(tmp_path / "d.npz", x=np.zeros((20, 3)), y=np.arange(20) % 2)
    out = tmp_path / "r.yaml"
    out.write_text("mine\n")
    assert main(["init", str(tmp_path / "d.npz"), "--out", str(out)]) == 2
    assert "exists -> another file name, or --force" in capsys.readouterr().err
    assert out.read_text() == "mine\n"
    assert main(["init", str(tmp_path / "d.npz"), "--out", str(out), "--force"]) == 0
    assert yaml.safe_load(out.read_text())["model"]["type"] == "mlp"
    (tmp_path / "notes.docx").write_text("?")
    assert main(["init", str(tmp_path / "notes.docx"), "--out", str(tmp_path / "n.yaml")]) == 2
    assert ".docx -> one of .csv" in capsys.readouterr().err
    assert main(["init", str(tmp_path / "missing.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.slow
def test_init_on_a_census_table_writes_a_recipe_that_trains(tmp_path, capsys):
    from keras_recipes.training.trainer import train
    from tests.init._data import write_census

    write_census(tmp_path / "census.csv", rows=300)
    assert main(["init", str(tmp_path / "census.csv"), "--out", str(tmp_path / "r.yaml")]) == 0
    assert "wrote" in capsys.readouterr().out
    recipe = load_recipe(tmp_path / "r.yaml", ["training.epochs=2", "training.verbose=0",
                                               "callbacks.tensorboard=false"])
    assert recipe.data.source == "csv" and recipe.data.target == "income"
    run = tmp_path / "run"
    run.mkdir()
    result = train(recipe, run, echo=lambda _: None)
    # income follows age + hours: two epochs of the MLP beat the majority class (~0.55).
    assert result.metrics["test"]["accuracy"] > 0.6


def test_data_outside_the_recipe_folder_is_named_by_its_absolute_path(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "recipes").mkdir()
    np.savez(tmp_path / "data" / "d.npz", x=np.zeros((20, 3)), y=np.arange(20) % 2)
    out = tmp_path / "recipes" / "r.yaml"
    assert main(["init", str(tmp_path / "data" / "d.npz"), "--out", str(out)]) == 0
    assert yaml.safe_load(out.read_text())["data"]["path"] == str(tmp_path / "data" / "d.npz")


def test_folder_options_that_cannot_apply_are_refused(tmp_path, capsys):
    from tests.init._data import write_texts

    write_texts(tmp_path / "reviews")
    assert main(["init", str(tmp_path / "reviews"), "--target", "label"]) == 2
    assert "--target: only for tables" in capsys.readouterr().err
    assert main(["init", str(tmp_path / "reviews"), "--task", "regression"]) == 2
    assert "a folder of class subfolders is classification" in capsys.readouterr().err


def test_imbalanced_classes_get_balanced_class_weights_and_a_check(tmp_path, capsys):
    np.savez(tmp_path / "rare.npz", x=np.zeros((100, 4)), y=(np.arange(100) < 10).astype(int))
    out = tmp_path / "r.yaml"
    assert main(["init", str(tmp_path / "rare.npz"), "--out", str(out)]) == 0
    assert "classes are imbalanced (largest/smallest = 9.0)" in capsys.readouterr().out
    assert load_recipe(out).training.class_weight == "balanced"
