import json
import re

import pytest

from keras_recipes.cli import main
from keras_recipes.config import load_recipe
from keras_recipes.diagnostics.compare import compare_runs, flatten, format_comparison
from keras_recipes.errors import UsageError
from keras_recipes.run import write_resolved_recipe
from tests.helpers import ROOT

QUICKSTART = ROOT / "recipes/quickstart.yaml"


def _run(path, overrides, metrics):
    """A run directory as `train` leaves it: resolved recipe.yaml and metrics.json."""
    path.mkdir()
    resolved = load_recipe(QUICKSTART, overrides).model_dump(mode="json")
    write_resolved_recipe(path / "recipe.yaml", resolved, {"keras": "3", "created": "now"})
    (path / "metrics.json").write_text(json.dumps(metrics))
    return path


@pytest.fixture
def runs(tmp_path):
    return [
        _run(tmp_path / "a", [], {"val": {"loss": 0.10, "accuracy": 0.97},
                                  "test": {"loss": 0.12, "accuracy": 0.96}}),
        _run(tmp_path / "b", ["optimizer.learning_rate=3e-3"],
             {"val": {"loss": 0.08, "accuracy": 0.98}, "test": {"loss": 0.11, "accuracy": 0.97}}),
        _run(tmp_path / "c", ["optimizer.learning_rate=3e-3", "model.dropout=0.5",
                              "name=other"],
             {"val": {"loss": 0.09, "accuracy": 0.975}}),
    ]


def test_one_changed_key_is_reported_exactly_without_a_warning(runs):
    comparison = compare_runs(runs[:2])
    assert comparison.differences == [("optimizer.learning_rate", [0.002, 0.003])]
    assert comparison.changed == [[], ["optimizer.learning_rate"]]
    assert comparison.warnings == []
    metrics = dict(comparison.metrics)
    assert metrics["val.accuracy"] == [0.97, 0.98]
    text = format_comparison(comparison)
    assert "[1 variable(s) changed: optimizer.learning_rate 0.002 -> 0.003]" in text
    assert re.search(r"\noptimizer\.learning_rate +0\.002 +0\.003\n", text)
    assert "0.0800 (-0.0200)" in text and "warning" not in text


def test_two_changed_keys_warn_and_the_name_is_not_a_variable(runs):
    comparison = compare_runs(runs)
    assert [k for k, _ in comparison.differences] == ["model.dropout", "name",
                                                      "optimizer.learning_rate"]
    assert comparison.changed[2] == ["model.dropout", "optimizer.learning_rate"]
    assert comparison.warnings == [
        "C differs from A in 2 variables (model.dropout, optimizer.learning_rate): change "
        "one variable at a time, or the metric delta cannot be attributed to any one of them"]
    assert dict(comparison.metrics)["test.loss"] == [0.12, 0.11, None]


def test_compare_command_prints_the_table_and_writes_json(runs, tmp_path, capsys):
    out = tmp_path / "cmp.json"
    assert main(["compare", *map(str, runs), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "warning: C differs from A in 2 variables" in printed
    saved = json.loads(out.read_text())
    assert saved["changed"][1] == ["optimizer.learning_rate"]
    assert main(["compare", str(runs[0])]) == 2
    assert main(["compare", str(runs[0]), str(tmp_path)]) == 2
    assert "has no recipe.yaml" in capsys.readouterr().err


def test_flatten_keeps_lists_and_empty_mappings_as_values():
    assert flatten({"a": {"b": [1, 2], "c": {}}, "d": None}) == {"a.b": [1, 2], "a.c": {},
                                                                 "d": None}
    with pytest.raises(UsageError, match="at least two"):
        compare_runs([ROOT])
