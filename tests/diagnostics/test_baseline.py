import json

import pytest
import yaml

from keras_recipes.cli import main
from keras_recipes.config import validate_dict
from keras_recipes.diagnostics.baseline import baseline_recipe
from keras_recipes.diagnostics.compare import read_run
from keras_recipes.run import write_resolved_recipe
from tests.helpers import TINY


def test_baseline_recipe_keeps_data_split_and_training_and_swaps_the_model():
    recipe = validate_dict({**TINY, "optimizer": {"name": "sgd", "learning_rate": 0.05},
                            "schedule": {"name": "warmup_cosine"}})
    linear = baseline_recipe(recipe, "linear", {"type": "linear"})
    assert linear.name == "tiny_baseline_linear"
    assert (linear.model.type, linear.optimizer.name, linear.optimizer.learning_rate,
            linear.schedule.name) == ("linear", "adam", 1e-3, "constant")
    for section in ("data", "training", "callbacks"):
        assert getattr(linear, section) == getattr(recipe, section)
    assert linear.seed == recipe.seed


@pytest.mark.slow
def test_baseline_command_trains_both_baselines_beside_the_run(tmp_path, capsys):
    recipe = tmp_path / "tiny.yaml"
    recipe.write_text(yaml.safe_dump({**TINY, "training": {"epochs": 1, "verbose": 0}}))
    own = tmp_path / "own"  # the recipe's own run, as `train` leaves it
    own.mkdir()
    write_resolved_recipe(own / "recipe.yaml", validate_dict(
        {**TINY, "training": {"epochs": 1, "verbose": 0}}).model_dump(mode="json"), {})
    (own / "metrics.json").write_text(json.dumps({"test": {"accuracy": 0.9, "loss": 0.3}}))
    (own / "summary.txt").write_text("Total params: 1,234 (4.82 KB)\n")
    assert main(["baseline", str(recipe), "--run", str(own), "--output",
                 str(tmp_path / "runs")]) == 0
    lines = capsys.readouterr().out.splitlines()
    table = lines[lines.index(next(l for l in lines if l.startswith("model "))):]
    assert [row.split("  ")[0] for row in table[1:]] == [
        "linear (baseline)", "mlp (baseline)", "mlp (the recipe's run)"]
    assert table[1].split()[2] == "27"  # 8 inputs x 3 classes + 3 biases
    assert table[3].split()[4:7] == ["1,234", "0.9000", "0.3000"]
    assert "test.accuracy" in table[0] and "note:" not in "\n".join(lines)
    own_recipe, _ = read_run(own)
    for label in ("linear", "mlp"):
        run_dir = next((tmp_path / "runs" / f"tiny_baseline_{label}").iterdir())
        resolved, metrics = read_run(run_dir)
        assert {k: v for k, v in resolved.items() if k.startswith("data.")} == \
            {k: v for k, v in own_recipe.items() if k.startswith("data.")}
        assert 0.0 <= metrics["test.accuracy"] <= 1.0
