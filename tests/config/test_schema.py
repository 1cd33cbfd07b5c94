import pytest

from keras_recipes.config import validate_dict
from keras_recipes.config.schema import (AUGMENTS, DATA_SOURCES, MODEL_TYPES, OPTIMIZERS,
                                         SCHEDULES, Recipe)
from keras_recipes.errors import RecipeError


def test_schema_kinds_match_the_builder_registries():
    """The schema lists kinds statically (no TF import); the builders' registries must agree."""
    from keras_recipes.augment.techniques import AUGMENTATIONS
    from keras_recipes.data.sources import SOURCES
    from keras_recipes.models import MODELS
    from keras_recipes.optim import OPTIMIZERS as OPT_REGISTRY
    from keras_recipes.optim.schedule_factory import SCHEDULE_BUILDERS
    from keras_recipes.schedules import SCHEDULES as SCHEDULE_CLASSES

    assert set(SOURCES.names()) == set(DATA_SOURCES.names())
    assert set(MODELS.names()) == set(MODEL_TYPES.names())
    assert set(OPT_REGISTRY.names()) == set(OPTIMIZERS.names())
    assert set(SCHEDULE_BUILDERS.names()) == set(SCHEDULES.names()) == set(SCHEDULE_CLASSES)
    assert set(AUGMENTATIONS.names()) == set(AUGMENTS.names())


def test_json_schema_describes_every_section():
    schema = Recipe.model_json_schema()
    for section in ("data", "model", "optimizer", "schedule", "training", "callbacks",
                    "distribute", "tune"):
        assert section in schema["properties"]
    # One branch per kind; the kind key is required except on the default kind.
    branches = schema["properties"]["model"]["oneOf"]
    assert len(branches) == len(MODEL_TYPES.names())
    required = {ref["$ref"].rsplit("/", 1)[1]: schema["$defs"][ref["$ref"].rsplit("/", 1)[1]]
                .get("required", []) for ref in branches}
    assert "type" not in required["MlpModel"] and "type" in required["CnnModel"]
    assert required["PythonModel"] == ["type", "python"]


def test_defaults_make_a_valid_recipe():
    recipe = Recipe()
    assert recipe.data.name == "digits" and recipe.optimizer.learning_rate == 1e-3


def test_each_kind_owns_its_keys_and_defaults():
    recipe = validate_dict({"model": {"type": "cnn"}, "optimizer": {"name": "lion"},
                            "schedule": {"name": "one_cycle"}})
    assert (recipe.model.dropout, recipe.model.filters) == (0.3, [32, 64])
    assert (recipe.optimizer.learning_rate, recipe.optimizer.weight_decay) == (1e-4, 0.01)
    assert not hasattr(recipe.optimizer, "momentum") and not hasattr(recipe.schedule, "warmup")
    dumped = recipe.model_dump()
    assert list(dumped["data"])[:3] == ["source", "name", "task"]  # the kind's keys first
    assert "d_model" not in dumped["model"] and "epsilon" not in dumped["optimizer"]


def test_the_resolved_recipe_validates_again_unchanged():
    recipe = validate_dict({"data": {"source": "synthetic", "name": "images"},
                            "model": {"type": "resnet", "hidden": []},
                            "schedule": {"name": "warmup_cosine", "warmup": {"epochs": 1}},
                            "tune": {"algorithm": "hyperband", "objective": "val_accuracy",
                                     "space": {"model.dropout": {"float": [0.0, 0.5]}}}})
    assert validate_dict(recipe.model_dump(mode="json")) == recipe


@pytest.mark.parametrize("section, expected", [
    ({"data": {"source": "tfds"}}, "data.name: missing -> required with source 'tfds'"),
    ({"data": {"source": "csv", "x_key": "a"}},
     "data.x_key: 'a' -> only used with source npz (here source is 'csv')"),
    ({"model": {"type": "mlp", "strides": 2}},
     "model.strides: unknown key (given 2) -> allowed keys: activation, dropout, hidden, "
     "kernel_initializer, l2, normalization, sync_batch_norm, type"),
    ({"model": {"type": "linear", "hidden": [8]}},
     "model.hidden: [8] -> not used by model.type 'linear' (the baseline has no hidden layer)"),
    ({"model": {"type": "cnnn"}}, "model.type: 'cnnn' -> one of 'linear', 'mlp', 'cnn', "
                                  "'resnet', 'transformer', 'python' or 'pretrained' (did you "
                                  "mean 'cnn'?)"),
    ({"data": {"stratify": "maybe"}}, "data.stratify: 'maybe' -> input should be a valid "
                                      "boolean, unable to interpret input"),
    ({"training": {"steps_per_execution": "x"}}, "training.steps_per_execution: 'x' ->"),
    ({"data": {"augment": [{"probability": 0.5}]}},
     "data.augment[0].name: missing -> one of 'flip', 'crop'"),
    ({"schedule": {"name": "step_decay"}},
     "schedule.step_every: missing -> required with name 'step_decay'"),
])
def test_problems_name_the_dotted_key_the_value_and_what_is_allowed(section, expected):
    with pytest.raises(RecipeError) as info:
        validate_dict(section)
    assert any(line.startswith(expected) for line in info.value.problems), info.value.problems


def test_json_schema_accepts_the_shipped_recipes_and_picks_one_kind():
    import jsonschema  # a dev dependency: the check must run in CI, not skip
    from keras_recipes.config import load_recipe
    from tests.helpers import ROOT

    validator = jsonschema.Draft202012Validator(Recipe.model_json_schema())
    for path in sorted((ROOT / "recipes").glob("*.yaml")):
        resolved = load_recipe(path).model_dump(mode="json")
        assert not list(validator.iter_errors(resolved)), path
    assert not list(validator.iter_errors({"model": {"hidden": [8]},
                                           "optimizer": {"name": "sgd", "momentum": 0.5}}))
    assert list(validator.iter_errors({"model": {"type": "mlp", "filters": [8]}}))


def test_config_imports_no_feature_package_and_no_tensorflow():
    """Dependency direction: builders depend on config, never the reverse."""
    import subprocess
    import sys

    from tests.helpers import ROOT

    code = ("import sys\nfrom keras_recipes.config import load_recipe\n"
            "load_recipe('recipes/digits_tune.yaml')\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras') or "
            "m.split('.')[:2][-1] in ('tuning', 'augment', 'diagnostics', 'data', 'models', "
            "'training', 'callbacks', 'optim', 'schedules') and m.startswith('keras_recipes.'))\n"
            "print(bad)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr[-2000:]
