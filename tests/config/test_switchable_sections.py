"""One rule for every switchable section: given as a mapping, it is on unless it says otherwise."""

import pytest
import yaml

from keras_recipes.cli import main
from keras_recipes.config import validate_dict
from keras_recipes.config.callbacks_schema import CallbacksConfig, Toggle

SWITCHABLE = [name for name, field in CallbacksConfig.model_fields.items()
              if isinstance(field.annotation, type) and issubclass(field.annotation, Toggle)]


def _callbacks(section):
    return validate_dict({"callbacks": section}).callbacks


def test_reduce_lr_on_plateau_keys_turn_it_on():
    assert not _callbacks({}).reduce_lr_on_plateau.enabled           # off by default
    plateau = _callbacks({"reduce_lr_on_plateau": {"patience": 8, "factor": 0.5}})
    assert plateau.reduce_lr_on_plateau.enabled
    assert (plateau.reduce_lr_on_plateau.patience, plateau.reduce_lr_on_plateau.factor) == (8, 0.5)
    kept_off = _callbacks({"reduce_lr_on_plateau": {"patience": 8, "enabled": False}})
    assert not kept_off.reduce_lr_on_plateau.enabled


@pytest.mark.parametrize("name", SWITCHABLE)
def test_every_switchable_section_follows_the_rule(name):
    assert len(SWITCHABLE) >= 5
    key, field = next((k, f) for k, f in CallbacksConfig.model_fields[name].annotation
                      .model_fields.items() if k != "enabled")
    assert getattr(_callbacks({name: {key: field.get_default()}}), name).enabled
    assert not getattr(_callbacks({name: False}), name).enabled
    assert getattr(_callbacks({name: True}), name).enabled
    assert not getattr(_callbacks({name: {"enabled": False}}), name).enabled


def test_validate_print_output_has_enabled_true(tmp_path, capsys):
    recipe = tmp_path / "plateau.yaml"
    recipe.write_text("extends: quickstart\n"
                      "callbacks:\n  reduce_lr_on_plateau: {patience: 8, factor: 0.5}\n")
    assert main(["validate", "--print", str(recipe)]) == 0
    out = capsys.readouterr().out
    resolved = yaml.safe_load(out[out.index("name:"):])
    section = resolved["callbacks"]["reduce_lr_on_plateau"]
    assert section["enabled"] is True and section["patience"] == 8
