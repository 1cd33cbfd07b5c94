"""`data.augment` validation: defaults per technique, keys, ranges, modality (no TensorFlow)."""

import pytest

from keras_recipes.config.loader import validate_dict
from keras_recipes.errors import RecipeError


def _problems(data: dict) -> str:
    with pytest.raises(RecipeError) as err:
        validate_dict({"data": data})
    return str(err.value)


def test_defaults_are_filled_per_technique():
    recipe = validate_dict({"data": {"input_shape": [8, 8, 1], "augment": [
        {"name": "flip"}, {"name": "mixup"}, {"name": "cutmix"}, {"name": "crop", "padding": 1}]}})
    flip, mixup, cutmix, crop = recipe.data.augment
    assert (flip.probability, flip.direction, hasattr(flip, "alpha")) == (0.5, "horizontal", False)
    assert (mixup.alpha, cutmix.alpha, crop.padding, crop.probability) == (0.2, 1.0, 1, 1.0)
    # the resolved recipe validates again unchanged
    again = validate_dict(recipe.model_dump(mode="json"))
    assert again.data.augment == recipe.data.augment


def test_keys_of_another_technique_and_ranges_are_refused():
    text = _problems({"source": "synthetic", "name": "sequences",
                      "augment": [{"name": "token_mask", "alpha": 0.3}]})
    assert "data.augment[0].alpha: 0.3 -> only used with name mixup, cutmix" in text
    text = _problems({"augment": [{"name": "mixup", "probability": 1.5}]})
    assert "data.augment[0].probability: 1.5 -> input should be less than or equal to 1" in text
    text = _problems({"augment": [{"name": "flipp"}]})
    assert "data.augment[0].name" in text and "did you mean 'flip'" in text


@pytest.mark.parametrize("data, name, modality", [
    ({"source": "sklearn", "name": "iris"}, "flip", "tabular"),
    ({"source": "synthetic", "name": "sequences"}, "mixup", "tokens"),
    ({"source": "synthetic", "name": "images"}, "time_warp", "image"),
    ({"input_shape": [16, 4]}, "token_mask", "series"),
])
def test_modality_mismatch_is_caught_at_validate_time(data, name, modality):
    fitting = {"image": "crop", "tokens": "token_mask"}.get(modality, "gaussian_noise")
    text = _problems({**data, "augment": [{"name": fitting}, {"name": name}]})
    assert f"data.augment[1].name: '{name}' -> an augmentation for" in text
    assert f"this data is {modality}" in text and "augment[0]" not in text


def test_unknown_modality_waits_for_the_data():
    recipe = validate_dict({"data": {"source": "npz", "path": "x.npz",
                                     "augment": [{"name": "flip"}]}})
    assert recipe.data.augment[0].name == "flip"
