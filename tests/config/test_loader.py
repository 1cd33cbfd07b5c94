import pytest

from keras_recipes.config import apply_overrides, load_recipe, validate_dict
from keras_recipes.config.loader import parse_yaml
from keras_recipes.errors import RecipeError


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_exponent_floats_parse_as_floats():
    assert parse_yaml("lr: 1e-3") == {"lr": 1e-3}
    assert parse_yaml("n: 10") == {"n": 10}
    assert isinstance(parse_yaml("n: 10")["n"], int)
    assert parse_yaml("x: -2.5E+2") == {"x": -250.0}


def test_three_mistakes_reported_together_with_dotted_paths(tmp_path):
    path = _write(tmp_path, "bad.yaml", """
data: {batch_sise: 32}
training: {epochs: "many"}
optimizer: {name: adamm}
""")
    with pytest.raises(RecipeError) as info:
        load_recipe(path)
    problems = info.value.problems
    assert len(problems) == 3
    text = "\n".join(problems)
    assert "data.batch_sise: unknown key" in text and "did you mean 'batch_size'" in text
    assert "training.epochs: 'many' ->" in text
    assert "optimizer.name: 'adamm' -> one of" in text and "did you mean 'adam'" in text


def test_cross_field_problems_name_the_key():
    with pytest.raises(RecipeError) as info:
        validate_dict({"model": {"type": "mlp", "filters": [8]},
                       "data": {"source": "npz"}})
    text = str(info.value)
    assert "model.filters: [8] -> only used with type cnn, resnet (here type is 'mlp')" in text
    assert "data.path: missing" in text


def test_sklearn_dataset_name_gets_a_suggestion():
    with pytest.raises(RecipeError, match=r"data.name: 'digitz' .*did you mean 'digits'"):
        validate_dict({"data": {"source": "sklearn", "name": "digitz"}})


def test_defaults_are_filled_per_optimizer():
    recipe = validate_dict({"optimizer": {"name": "sgd"}})
    assert recipe.optimizer.learning_rate == 0.1 and recipe.optimizer.momentum == 0.9
    recipe = validate_dict({"optimizer": {"name": "adamw"}})
    assert recipe.optimizer.weight_decay == 0.01 and recipe.optimizer.epsilon == 1e-8
    with pytest.raises(RecipeError, match="optimizer.momentum: 0.9 -> only used with name sgd"):
        validate_dict({"optimizer": {"name": "adam", "momentum": 0.9}})


def test_model_defaults_depend_on_type():
    assert validate_dict({"model": {"type": "transformer"}}).model.dropout == 0.1
    assert validate_dict({"model": {"type": "transformer"}}).model.normalization == "layer"
    assert validate_dict({"model": {"type": "mlp"}}).model.normalization == "batch"


def test_extends_merges_and_overrides(tmp_path):
    _write(tmp_path, "base.yaml", "name: base\ndata: {batch_size: 16}\n"
                                  "model: {type: mlp, hidden: [8]}\ntraining: {epochs: 3}\n")
    child = _write(tmp_path, "child.yaml", "extends: base.yaml\ntraining: {epochs: 5}\n")
    recipe = load_recipe(child)
    assert (recipe.data.batch_size, recipe.training.epochs, recipe.model.hidden) == (16, 5, [8])
    assert recipe.name == "base"


def test_extends_replaces_a_section_whose_kind_changes(tmp_path):
    _write(tmp_path, "base.yaml", "model: {type: mlp, hidden: [8], dropout: 0.5}\n")
    child = _write(tmp_path, "child.yaml", "extends: base.yaml\nmodel: {type: linear}\n")
    assert load_recipe(child).model.type == "linear"


def test_extends_cycle_is_refused(tmp_path):
    _write(tmp_path, "a.yaml", "extends: b.yaml\n")
    _write(tmp_path, "b.yaml", "extends: a.yaml\n")
    with pytest.raises(RecipeError, match="circular"):
        load_recipe(tmp_path / "a.yaml")


def test_set_overrides_parse_yaml_values(tmp_path):
    path = _write(tmp_path, "r.yaml", "name: r\n")
    recipe = load_recipe(path, ["optimizer.learning_rate=3e-4", "model.hidden=[32, 16]",
                                "training.precision=mixed_bfloat16", "seed=7"])
    assert recipe.optimizer.learning_rate == 3e-4
    assert recipe.model.hidden == [32, 16]
    assert recipe.training.precision == "mixed_bfloat16" and recipe.seed == 7
    with pytest.raises(RecipeError, match="KEY=VALUE"):
        apply_overrides({}, ["no_equals_sign"])


def test_python_tags_are_refused(tmp_path):
    path = _write(tmp_path, "evil.yaml", "name: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(RecipeError, match="plain YAML only"):
        load_recipe(path)


def test_duration_needs_exactly_one_unit():
    with pytest.raises(RecipeError, match=r"schedule.warmup: .* exactly one of steps"):
        validate_dict({"schedule": {"name": "warmup_cosine",
                                    "warmup": {"steps": 5, "epochs": 1}}})


def test_required_keys_exist_with_their_dotted_names(tmp_path):
    path = _write(tmp_path, "r.yaml", "name: r\n")
    keys = ["seed=1", "data.batch_size=8", "optimizer.name=sgd", "optimizer.learning_rate=0.5",
            "schedule.name=warmup_cosine", "training.epochs=2",
            "training.precision=mixed_float16", "training.gradient_accumulation=2",
            "distribute.strategy=mirrored"]
    recipe = load_recipe(path, keys)
    assert recipe.training.gradient_accumulation == 2
    assert recipe.distribute.strategy == "mirrored"
