"""`preview`: the figure for each modality and the refusal without augmentations."""

import pytest

from keras_recipes.augment.preview import preview
from keras_recipes.config.loader import validate_dict
from keras_recipes.errors import UsageError


def _recipe(data):
    return validate_dict({"seed": 3, "data": data})


@pytest.mark.parametrize("data, kind", [
    ({"source": "synthetic", "name": "images", "synthetic": {"samples": 40, "image_size": 8},
      "augment": [{"name": "flip", "probability": 1.0}, {"name": "mixup"}]}, "image"),
    ({"source": "synthetic", "name": "sequences", "synthetic": {"samples": 40},
      "augment": [{"name": "token_mask", "probability": 0.3}]}, "tokens"),
])
def test_preview_writes_a_png(tmp_path, capsys, data, kind):
    out = tmp_path / "grid.png"
    line = preview(_recipe(data), out, count=4)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 2000
    assert line == f"preview: 4 {kind} examples x 2 augmented draws -> {out}"
    if kind == "tokens":  # the table is printed too; masked ids show as 0
        table = capsys.readouterr().out
        assert table.count("augmented 1") == 4 and " 0 " in table


def test_preview_refuses_a_recipe_without_augmentation(tmp_path):
    with pytest.raises(UsageError, match=r"data.augment: \[\] -> add augmentations"):
        preview(_recipe({"source": "sklearn", "name": "iris"}), tmp_path / "x.png")


def test_preview_command_on_time_series_from_npz(tmp_path, capsys):
    import numpy as np
    import yaml

    from keras_recipes.cli import main

    rng = np.random.default_rng(0)
    np.savez(tmp_path / "series.npz", x=rng.normal(size=(60, 16, 2)).astype("float32"),
             y=rng.integers(0, 3, size=60))
    recipe = {"data": {"source": "npz", "path": str(tmp_path / "series.npz"), "augment": [
        {"name": "time_warp"}, {"name": "magnitude_scale"}, {"name": "gaussian_noise"}]}}
    (tmp_path / "r.yaml").write_text(yaml.safe_dump(recipe))
    out = tmp_path / "lines.png"
    assert main(["preview", str(tmp_path / "r.yaml"), "--out", str(out), "--count", "3"]) == 0
    assert "3 series examples" in capsys.readouterr().out and out.stat().st_size > 2000
    assert main(["preview", str(tmp_path / "r.yaml"), "--count", "0"]) == 2
