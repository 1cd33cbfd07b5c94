from types import SimpleNamespace

import numpy as np

from keras_recipes.data.spec import DataSpec
from keras_recipes.diagnostics.check import FAIL, PASS, WARN
from keras_recipes.diagnostics.data_check import check_data


def _ctx(tmp_path, x, y, task="classification", classes=3):
    """A diagnose context for the data step alone (a TFDS-like source: no reload)."""
    n = len(x)
    spec = DataSpec(tuple(x.shape[1:]), task, classes if task == "classification" else 1,
                    n, None, None)
    recipe = SimpleNamespace(data=SimpleNamespace(source="tfds", input_shape=None), seed=0)
    return SimpleNamespace(x_train=x, y_train=y, x_val=None, y_val=None, spec=spec,
                           recipe=recipe, out_dir=tmp_path)


def _separable(n=300, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    return (rng.normal(size=(n, 4)) + y[:, None] * 2.0).astype("float32"), y


def test_clean_data_passes_and_writes_the_grid(tmp_path):
    result = check_data(_ctx(tmp_path, *_separable()))
    assert result.status == PASS and "5-NN probe accuracy" in result.reason
    assert (tmp_path / "samples.png").stat().st_size > 1000


def test_nan_inputs_fail_and_imbalance_warns(tmp_path):
    x, y = _separable()
    x[0, 0] = np.nan
    result = check_data(_ctx(tmp_path, x, y))
    assert result.status == FAIL and result.details["nonfinite_inputs"] == 1
    x, y = _separable()
    y[y == 2] = 0
    y[:5] = 2  # 5 examples of class 2 against ~200 of class 0
    result = check_data(_ctx(tmp_path, x, y))
    assert result.status == WARN and "imbalanced" in result.reason


def test_unscaled_regression_targets_warn(tmp_path):
    x, _ = _separable()
    target = (x[:, 0] * 80 + 150).astype("float32")
    result = check_data(_ctx(tmp_path, x, target, task="regression"))
    assert result.status == WARN and "far from unit scale" in result.reason
    result = check_data(_ctx(tmp_path, x, (target - 150) / 80, task="regression"))
    assert result.status == PASS
