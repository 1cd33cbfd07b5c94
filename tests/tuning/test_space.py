"""The `tune` section: specs, dotted paths and values checked at validate time (no TensorFlow)."""

from __future__ import annotations

import copy

import pytest

from keras_recipes.config.loader import validate_dict
from keras_recipes.errors import RecipeError
from keras_recipes.monitor import metric_direction as objective_direction
from keras_recipes.tuning import check_path, parse_space
from tests.helpers import TINY, run_cli


def _recipe(space, **tune):
    data = copy.deepcopy(TINY)
    data["tune"] = {"space": space, **tune}
    return data


def _problems(data) -> list[str]:
    with pytest.raises(RecipeError) as err:
        validate_dict(data)
    return err.value.problems


def test_a_valid_space_parses_every_kind():
    specs, problems = parse_space({
        "optimizer.learning_rate": {"float": [1e-4, 1e-1], "sampling": "log"},
        "training.epochs": {"int": [2, 6], "step": 2},
        "model.hidden": {"choice": [[16], [32, 16]]},
        "data.stratify": {"bool": False},
        "schedule.name": {"choice": ["constant", "one_cycle"]},
        "schedule.pct_start": {"float": [0.2, 0.4], "when": {"schedule.name": "one_cycle"}},
        "model.args.width": {"choice": [1, 2]},  # below a free-form mapping
    })
    assert problems == []
    assert specs["training.epochs"].candidates() == [2, 6]
    assert specs["data.stratify"].candidates() == [False, True]
    assert specs["schedule.pct_start"].when == ("schedule.name", ["one_cycle"])


@pytest.mark.parametrize("values, encoded", [
    ([[16], [32, 16]], True), ([None, 1.0], True), (["a", 1], True), ([0.1, 1], False),
    (["constant", "one_cycle"], False), ([32, 64], False)])
def test_choices_keras_tuner_cannot_hold_travel_as_json(values, encoded):
    spec = parse_space({"model.hidden": {"choice": values}})[0]["model.hidden"]
    assert spec.encoded is encoded
    assert [spec.from_hp(spec.to_hp(v)) for v in values] == values


def test_bad_paths_and_specs_are_all_reported_with_their_dotted_path():
    problems = _problems(_recipe({
        "optimizer.learnig_rate": {"float": [1e-4, 1e-1]},
        "model.hidden.width": {"choice": [1]},
        "model.dropout": {"flot": [0.1, 0.2]},
        "training.epochs": {"int": [5, 1]},
        "optimizer.weight_decay": {"float": [0.0, 0.1], "sampling": "log"},
        "data.batch_size": {"choice": [32, 32]},
        "schedule.pct_start": {"float": [0.2, 0.4], "when": {"schedule.nme": "one_cycle"}},
    }, objective="val_wobble"))
    text = "\n".join(problems)
    assert ("tune.space.optimizer.learnig_rate: not a recipe key -> keys of optimizer:" in text
            and "(did you mean 'learning_rate'?)" in text)
    assert "tune.space.model.hidden.width: not a recipe key -> model.hidden has no sub-keys" in text
    assert "tune.space.model.dropout: ['flot'] -> exactly one of int, float, choice, bool" in text
    assert "tune.space.training.epochs.int: [5, 1] -> [low, high] ints with low < high" in text
    assert "tune.space.optimizer.weight_decay.float: [0.0, 0.1] -> positive bounds" in text
    assert "tune.space.data.batch_size.choice: [32, 32] -> distinct values" in text
    assert "tune.space.schedule.pct_start.when: 'schedule.nme' -> an unconditional" in text
    assert "tune.direction: 'auto' cannot tell for 'val_wobble' -> min or max" in text
    assert len(problems) == 8


def test_values_the_recipe_cannot_take_are_rejected_before_any_trial():
    problems = _problems(_recipe({
        "model.dropout": {"choice": [0.1, 1.5]},
        "optimizer.momentum": {"choice": [0.0, 0.9]},  # adam has no momentum
        "training.epochs": {"int": [0, 3]},
    }))
    assert problems == [
        "tune.space.model.dropout: 1.5 -> gives an invalid recipe: model.dropout: 1.5 -> "
        "input should be less than 1",
        "tune.space.optimizer.momentum: 0.0 -> gives an invalid recipe: optimizer.momentum: "
        "0.0 -> only used with name sgd, rmsprop (here name is 'adam')",
        "tune.space.training.epochs: 0 -> gives an invalid recipe: training.epochs: 0 -> "
        "input should be greater than or equal to 1",
    ]


def test_a_conditional_entry_is_checked_with_its_parent_value_set():
    space = {"optimizer.name": {"choice": ["adam", "sgd"]},
             "optimizer.momentum": {"float": [0.5, 0.95], "when": {"optimizer.name": "sgd"}}}
    recipe = validate_dict(_recipe(space))
    assert recipe.tune.space["optimizer.momentum"]["when"] == {"optimizer.name": "sgd"}
    # without the condition the momentum would also be tried on adam, which has none
    del space["optimizer.momentum"]["when"]
    assert _problems(_recipe(space)) == [
        "tune.space.optimizer.momentum: 0.5 -> gives an invalid recipe: optimizer.momentum: "
        "0.5 -> only used with name sgd, rmsprop (here name is 'adam')"]


def test_objective_metric_split_and_algorithm_options_are_checked():
    problems = _problems(_recipe({"model.dropout": {"choice": [0.1, 0.3]},
                                  "training.epochs": {"int": [1, 3]}},
                                 objective="val_top_3_accuracy", algorithm="hyperband",
                                 initial_points=2, max_trials=4))
    assert problems == [
        "tune.initial_points: 2 -> only used with algorithm bayesian (here algorithm is "
        "'hyperband')",
        "tune.max_trials: 4 -> only used with algorithm random, grid, bayesian (here "
        "algorithm is 'hyperband')"]
    problems = _problems(_recipe({"training.epochs": {"int": [1, 3]}},
                                 objective="val_top_3_accuracy", algorithm="hyperband"))
    assert problems[0].startswith("tune.objective: 'val_top_3_accuracy' -> a logged metric: "
                                  "val_loss, val_accuracy, val_mae, loss, accuracy, mae")
    assert problems[1].startswith("tune.space.training.epochs: tuned with hyperband")
    data = _recipe({"model.dropout": {"choice": [0.1, 0.3]}})
    data["data"]["val_split"] = 0.0
    assert _problems(data) == ["tune.objective: 'val_loss' -> needs a validation split "
                               "(data.val_split > 0) or a training metric"]


def test_paths_name_recipe_keys_only():
    assert check_path("data.synthetic.samples") is None
    assert check_path("tune.max_trials").startswith("not a recipe key -> recipe sections:")
    assert objective_direction("val_mae") == "min" and objective_direction("accuracy") == "max"
    assert objective_direction("val_loss", "max") == "max"


def test_validate_command_rejects_a_bad_space_with_status_2(tmp_path):
    import yaml

    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(_recipe({"model.droput": {"choice": [0.1]}})))
    result = run_cli("validate", str(path))
    assert result.returncode == 2
    assert "tune.space.model.droput: not a recipe key" in result.stderr
    assert "Traceback" not in result.stderr


def test_tune_needs_a_tune_section_and_a_sane_worker_count(capsys):
    from keras_recipes.cli import main
    from tests.helpers import ROOT

    # In process (refusals before any training; a subprocess would only add a TF start-up).
    assert main(["tune", str(ROOT / "recipes/quickstart.yaml")]) == 2
    assert "has no `tune` section" in capsys.readouterr().err
    assert main(["tune", "--workers", "-1", str(ROOT / "recipes/digits_tune.yaml")]) == 2
    assert "--workers: -1 -> 0 (one process) or more" in capsys.readouterr().err
