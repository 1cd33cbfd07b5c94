import subprocess
import sys

import pytest

from keras_recipes.cli import main
from keras_recipes.config import load_recipe
from keras_recipes.diagnostics import RULE_IDS, lint_recipe
from keras_recipes.errors import RecipeError
from tests.helpers import ROOT

QUICKSTART = str(ROOT / "recipes/quickstart.yaml")
TRANSFORMER = str(ROOT / "recipes/sequence_transformer.yaml")
CUT_OFF = str(ROOT / "tests/diagnostics/recipes/cut_off_layer.yaml")
IMBALANCED = str(ROOT / "tests/diagnostics/recipes/imbalanced.yaml")  # 33 vs 3 rows
FINETUNE = str(ROOT / "tests/diagnostics/recipes/finetune.yaml")  # clean: head, then all at 0.1

# (recipe, overrides, rule id, key path the warning names)
CASES = [
    (TRANSFORMER, ["schedule.warmup=null"], "transformer_without_warmup", "schedule.warmup"),
    (QUICKSTART, ["model.l2=1e-4"], "adam_with_l2", "model.l2"),
    (QUICKSTART, ["training.gradient_accumulation=4", "optimizer.scale_lr=none"],
     "batch_grown_without_lr_scaling", "optimizer.scale_lr"),
    (QUICKSTART, ["distribute.strategy=mirrored", "optimizer.scale_lr=none"],
     "batch_grown_without_lr_scaling", "optimizer.scale_lr"),
    (QUICKSTART, ["model.type=cnn", "data.input_shape=[8,8,1]", "model.hidden=[]",
                  "model.dropout=0.3"], "dropout_after_conv", "model.dropout"),
    (CUT_OFF, ["training.precision=mixed_float16"], "fp16_output", "training.precision"),
    (QUICKSTART, ["optimizer.name=sgd", "optimizer.momentum=0",
                  "callbacks.reduce_lr_on_plateau=true"], "sgd_without_momentum",
     "optimizer.momentum"),
    (QUICKSTART, ["optimizer.name=sgd", "schedule.name=constant"], "sgd_without_schedule",
     "schedule.name"),
    (QUICKSTART, ["callbacks.checkpoint.monitor=val_accuracy"],
     "early_stopping_without_best_weights", "callbacks.checkpoint.monitor"),
    (QUICKSTART, ["data.val_split=0"], "early_stopping_without_best_weights", "data.val_split"),
    (QUICKSTART, ["data.name=diabetes", "training.label_smoothing=0.1"],
     "label_smoothing_on_regression", "training.label_smoothing"),
    (QUICKSTART, ["optimizer.learning_rate=10"], "lr_out_of_range", "optimizer.learning_rate"),
    (QUICKSTART, ["optimizer.learning_rate=1e-8"], "lr_out_of_range", "optimizer.learning_rate"),
    (IMBALANCED, [], "imbalanced_classes", "training.class_weight"),
    (FINETUNE, ["training.phases=[{epochs: 2, train: head}, {epochs: 3, train: all}]"],
     "finetune_backbone_at_head_lr", "training.phases.1.learning_rate_multiplier"),
    (FINETUNE, ["training.phases=null"], "finetune_backbone_at_head_lr", "training.phases"),
    (FINETUNE, ["training.phases=[{epochs: 2, train: head, batch_norm: train}, {epochs: 3, "
                "train: all, learning_rate_multiplier: 0.1}]"],
     "frozen_backbone_batch_norm_training", "training.phases.0.batch_norm"),
    (FINETUNE, ["data.normalize=standard"], "pretrained_input_scaling", "data.normalize"),
    (FINETUNE, ["data.normalize=scale", "model.input_range=[0, 255]"],
     "pretrained_input_scaling", "data.normalize"),
]


@pytest.mark.parametrize("recipe, overrides, rule, path", CASES,
                         ids=[f"{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_each_rule_names_its_key_path_and_a_fix(recipe, overrides, rule, path):
    warnings = lint_recipe(load_recipe(recipe, overrides))
    assert [(w.rule, w.path) for w in warnings] == [(rule, path)]
    text = str(warnings[0])
    assert text.startswith(f"{path}: ") and " -> " in text and text.endswith(f"[{rule}]")


def test_every_rule_is_exercised_and_shipped_recipes_are_clean():
    assert {c[2] for c in CASES} == set(RULE_IDS)
    for recipe in sorted((ROOT / "recipes").glob("*.yaml")):
        assert lint_recipe(load_recipe(recipe)) == [], recipe.name


def test_imbalance_names_the_counts_and_class_weight_silences_it():
    (warning,) = lint_recipe(load_recipe(IMBALANCED))
    assert "imbalanced 11x ('common': 33, 'rare': 3)" in str(warning)
    assert lint_recipe(load_recipe(IMBALANCED, ["training.class_weight=balanced"])) == []


def test_ignore_silences_a_rule_and_unknown_ids_are_refused():
    recipe = load_recipe(QUICKSTART, ["optimizer.learning_rate=10", "model.l2=1e-4",
                                      "lint.ignore=[lr_out_of_range]"])
    assert [w.rule for w in lint_recipe(recipe)] == ["adam_with_l2"]
    with pytest.raises(RecipeError, match=r"lint\.ignore\[0\]: 'adam_with_l3' -> one of .*"
                                          r"did you mean 'adam_with_l2'"):
        load_recipe(QUICKSTART, ["lint.ignore=[adam_with_l3]"])


def test_lint_command_exit_status_and_validate_warns_without_failing(capsys):
    assert main(["lint", QUICKSTART]) == 0
    assert main(["lint", QUICKSTART, "--set", "optimizer.learning_rate=10"]) == 1
    out = capsys.readouterr().out
    assert "optimizer.learning_rate: 10.0 -- far above the usual range for adam" in out
    assert main(["validate", QUICKSTART, "--set", "model.l2=1e-4"]) == 0
    captured = capsys.readouterr()
    assert "ok" in captured.out and "model.l2: 0.0001" in captured.err
    assert "[adam_with_l2]" in captured.err
    assert main(["lint", QUICKSTART, "--set", "lint.ignore=[nope]"]) == 2


def test_lint_and_compare_do_not_import_tensorflow():
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "keras_recipes", "lint",
                             "recipes/quickstart.yaml", "recipes/digits_cnn.yaml"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    assert "keras_recipes.diagnostics.lint_rules" in imported
    assert not {"tensorflow", "keras", "numpy"} & imported


def test_train_warns_before_it_starts(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("an earlier run")  # refused right after the lint
    assert main(["train", QUICKSTART, "--run-dir", str(tmp_path), "--set", "model.l2=1e-4"]) == 2
    err = capsys.readouterr().err
    assert "lint: " in err and "[adam_with_l2]" in err and "not empty" in err


def test_lint_speaks_only_about_keys_the_recipe_wrote(tmp_path):
    # A head-less resnet keeps its default dropout inert: nothing the user wrote is wrong.
    recipe = tmp_path / "resnet.yaml"
    recipe.write_text("data: {source: sklearn, name: digits, input_shape: [8, 8, 1]}\n"
                      "model: {type: resnet, hidden: []}\n")
    assert lint_recipe(load_recipe(recipe)) == []
    # Written by the user, the same dropout is flagged.
    warnings = lint_recipe(load_recipe(recipe, ["model.dropout=0.3"]))
    assert [(w.rule, w.path) for w in warnings] == [("dropout_after_conv", "model.dropout")]
    # A default made wrong by the user's choice (SGD at the constant default schedule) is.
    warnings = lint_recipe(load_recipe(recipe, ["optimizer.name=sgd"]))
    assert [(w.rule, w.path) for w in warnings] == [("sgd_without_schedule", "schedule.name")]


def test_written_tells_given_keys_from_defaults():
    from keras_recipes.diagnostics.lint import written

    recipe = load_recipe(QUICKSTART, ["training.precision=float32"])
    assert written(recipe, "model.hidden") and written(recipe, "training.precision")
    assert not written(recipe, "model.l2") and not written(recipe, "training.jit_compile")
    assert not written(recipe, "distribute.strategy")
