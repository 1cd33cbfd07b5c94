import numpy as np

from keras_recipes.lr_finder.lr_finder_result import LRFinderResult
from keras_recipes.monitoring import write_lr_finder_curve
from tests.monitoring.events import read_events


def test_curve_scalars_image_and_suggestion(tmp_path):
    lrs = np.geomspace(1e-5, 1.0, 6)
    losses = np.array([2.0, 1.9, 1.5, 1.0, np.nan, 5.0])
    result = LRFinderResult(lrs, losses, 1e-2, ["non_finite_losses"], stop_reason="diverged")
    events = read_events(write_lr_finder_curve(result, tmp_path))
    plugin, values = events["lr_finder/loss"]
    assert plugin == "scalars"
    assert [s for s, _ in values] == [0, 1, 2, 3, 5]  # the nan is left out
    np.testing.assert_allclose([v for _, v in values], [2.0, 1.9, 1.5, 1.0, 5.0], rtol=1e-6)
    assert [round(v, 6) for _, v in events["lr_finder/learning_rate"][1]] == [
        round(v, 6) for v in lrs[[0, 1, 2, 3, 5]]]
    assert events["lr_finder/curve"][0] == "images"
    text = events["lr_finder/suggestion"][1][0][1]
    assert b"0.01" in text.item() and b"non_finite_losses" in text.item()
