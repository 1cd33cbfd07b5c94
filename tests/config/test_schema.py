from keras_recipes.config.schema import (DATA_SOURCES, MODEL_TYPES, OPTIMIZERS, SCHEDULES,
                                         Recipe)


def test_schema_names_match_the_registries():
    """The schema lists names statically (no TF import); the registries must agree."""
    from keras_recipes.data.sources import SOURCES
    from keras_recipes.models import MODELS
    from keras_recipes.optim import OPTIMIZERS as OPT_REGISTRY
    from keras_recipes.optim.schedule_factory import SCHEDULE_BUILDERS
    from keras_recipes.schedules import SCHEDULES as SCHEDULE_CLASSES

    assert set(SOURCES.names()) == set(DATA_SOURCES)
    assert set(MODELS.names()) == set(MODEL_TYPES)
    assert set(OPT_REGISTRY.names()) == set(OPTIMIZERS)
    assert set(SCHEDULE_BUILDERS.names()) == set(SCHEDULES) == set(SCHEDULE_CLASSES)


def test_json_schema_describes_every_section():
    schema = Recipe.model_json_schema()
    for section in ("data", "model", "optimizer", "schedule", "training", "callbacks",
                    "distribute", "tune"):
        assert section in schema["properties"]


def test_defaults_make_a_valid_recipe():
    recipe = Recipe()
    assert recipe.data.name == "digits" and recipe.optimizer.learning_rate == 1e-3
