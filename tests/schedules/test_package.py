"""The package's `__init__`: exports, the `SCHEDULES` table, registration, docstrings."""

import doctest
import importlib

import keras
import pytest

import keras_recipes.schedules as schedules

CLASSES = {
    "Constant": "constant",
    "OneCycle": "one_cycle",
    "Phased": "phased",
    "StepDecay": "step_decay",
    "Warmup": "warmup",
    "WarmupCosine": "warmup_cosine",
    "WarmupPolynomialDecay": "warmup_polynomial_decay",
}


def test_exports():
    assert set(schedules.__all__) == set(CLASSES) | {"SCHEDULES"}
    for name, module in CLASSES.items():
        cls = getattr(schedules, name)
        assert cls.__module__ == f"keras_recipes.schedules.{module}"
        assert issubclass(cls, keras.optimizers.schedules.LearningRateSchedule)


def test_schedules_table():
    assert schedules.SCHEDULES == {
        "constant": schedules.Constant,
        "step_decay": schedules.StepDecay,
        "warmup_cosine": schedules.WarmupCosine,
        "one_cycle": schedules.OneCycle,
        "warmup_polynomial": schedules.WarmupPolynomialDecay,
    }


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_registered_for_serialization(name):
    cls = getattr(schedules, name)
    registered = f"keras_recipes>{name}"
    assert keras.saving.get_registered_name(cls) == registered
    assert keras.saving.get_registered_object(registered) is cls


@pytest.mark.parametrize("module", sorted(CLASSES.values()))
def test_docstring_examples_run(module):
    mod = importlib.import_module(f"keras_recipes.schedules.{module}")
    result = doctest.testmod(mod, extraglobs={"keras": keras}, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
