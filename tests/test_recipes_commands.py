"""`list`, `show NAME`, `cp NAME FILE` over the shipped recipes, from any folder."""

import yaml

from keras_recipes.cli import main
from tests.helpers import ROOT

SHIPPED = sorted(p.stem for p in (ROOT / "recipes").glob("*.yaml"))


def test_list_shows_every_shipped_recipe_with_its_description(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    assert [line.split()[0] for line in lines] == SHIPPED
    quickstart = next(line for line in lines if line.split()[0] == "quickstart")
    description = yaml.safe_load((ROOT / "recipes/quickstart.yaml").read_text())["description"]
    assert quickstart.endswith(description)


def test_list_of_a_folder_names_its_files(tmp_path, capsys):
    (tmp_path / "b.yaml").write_text("description: second\n")
    (tmp_path / "a.yml").write_text("description: first\nmore: [\n")
    assert main(["list", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["a.yml", "(invalid:"]
    assert lines[1].split() == ["b.yaml", "second"]


def test_show_prints_the_file_as_shipped_and_resolved(capsys):
    assert main(["show", "digits_baseline"]) == 0
    assert capsys.readouterr().out == (ROOT / "recipes/digits_baseline.yaml").read_text()
    assert main(["show", "digits_baseline", "--resolved", "--set", "training.epochs=3"]) == 0
    resolved = yaml.safe_load(capsys.readouterr().out)
    assert resolved["model"]["type"] == "linear"
    assert resolved["data"]["name"] == "digits"  # from quickstart, through extends
    assert resolved["training"]["epochs"] == 3


def test_show_unknown_name_exits_2_with_a_suggestion(capsys):
    assert main(["show", "quickstrat"]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'quickstart'" in err and "Traceback" not in err


def test_cp_writes_the_recipe_and_never_overwrites_silently(tmp_path, capsys):
    target = tmp_path / "mine.yaml"
    assert main(["cp", "digits_cnn", str(target)]) == 0
    assert target.read_text() == (ROOT / "recipes/digits_cnn.yaml").read_text()
    target.write_text("edited\n")
    assert main(["cp", "digits_cnn", str(target)]) == 2
    assert "exists" in capsys.readouterr().err and target.read_text() == "edited\n"
    assert main(["cp", "digits_cnn", str(target), "--force"]) == 0
    assert target.read_text() == (ROOT / "recipes/digits_cnn.yaml").read_text()
    assert main(["cp", "quickstart", str(tmp_path)]) == 0
    assert (tmp_path / "quickstart.yaml").read_text() == \
        (ROOT / "recipes/quickstart.yaml").read_text()


def test_cp_points_a_relative_data_path_at_the_shipped_file(tmp_path, monkeypatch, capsys):
    from keras_recipes import recipes_catalog

    package = tmp_path / "site" / "keras_recipes"
    (package / "recipes" / "data").mkdir(parents=True)
    (package / "recipes" / "data" / "t.csv").write_text("x,y\n1,a\n")
    (package / "recipes" / "table.yaml").write_text(
        "name: table  # kept\ndata:\n  source: csv\n  path: data/t.csv  # beside the recipe\n")
    monkeypatch.setattr(recipes_catalog, "_PACKAGE", package)
    assert main(["cp", "table", str(tmp_path / "mine.yaml")]) == 0
    shipped = package / "recipes" / "data" / "t.csv"
    assert f"data.path now names the shipped data {shipped}" in capsys.readouterr().out
    text = (tmp_path / "mine.yaml").read_text()
    assert text == ("name: table  # kept\ndata:\n  source: csv\n"
                    f'  path: "{shipped}"  # beside the recipe\n')
