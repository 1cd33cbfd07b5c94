import numpy as np
import pytest

from keras_recipes.config import validate_dict
from keras_recipes.data import build_data
from keras_recipes.errors import UsageError


def _data(**section):
    return validate_dict({"data": section}).data


def _epoch_labels(ds):
    return np.concatenate([y.numpy() for _, y in ds])


def test_digits_split_normalized_on_train_only():
    bundle = build_data(_data(source="sklearn", name="digits"), seed=0)
    spec, arrays = bundle.spec, bundle.arrays
    assert spec.task == "classification" and spec.num_outputs == 10
    assert spec.input_shape == (64,)
    assert (spec.num_train, spec.num_val, spec.num_test) == (1257, 180, 360)
    # Standardized with training statistics: train columns have mean 0, test columns don't.
    assert np.abs(arrays.x_train.mean(axis=0)).max() < 1e-4
    assert np.abs(arrays.x_test.mean(axis=0)).max() > 1e-3


def test_shuffle_order_changes_every_epoch_and_repeats_across_runs():
    config = _data(source="sklearn", name="iris", batch_size=16)
    first = build_data(config, seed=1)
    epoch1, epoch2 = (_epoch_labels(first.epochs.epoch(e)) for e in (0, 1))
    assert not np.array_equal(epoch1, epoch2)
    again = build_data(config, seed=1)
    np.testing.assert_array_equal(_epoch_labels(again.epochs.epoch(0)), epoch1)
    np.testing.assert_array_equal(_epoch_labels(again.epochs.epoch(1)), epoch2)
    # `train` is epoch 0 of the same stream, the same batches each time it is read.
    np.testing.assert_array_equal(_epoch_labels(again.train), epoch1)
    np.testing.assert_array_equal(_epoch_labels(again.train), epoch1)


def test_regression_targets_are_standardized_on_the_training_split():
    bundle = build_data(_data(source="sklearn", name="diabetes"), seed=0)
    mean, std = bundle.target_scale
    assert mean.shape == std.shape == (1,) and 100 < mean[0] < 200 and 50 < std[0] < 100
    y = bundle.arrays.y_train
    assert abs(y.mean()) < 1e-5 and abs(y.std() - 1) < 1e-5
    assert abs(bundle.arrays.y_test.mean()) > 1e-3  # test targets: training statistics
    assert build_data(_data(source="sklearn", name="iris"), seed=0).target_scale is None


def test_validation_and_test_pipelines_are_not_shuffled():
    bundle = build_data(_data(source="sklearn", name="wine"), seed=5)
    np.testing.assert_array_equal(_epoch_labels(bundle.val), bundle.arrays.y_val)
    np.testing.assert_array_equal(_epoch_labels(bundle.test), bundle.arrays.y_test)


def test_input_shape_reshapes_and_wrong_shapes_are_refused():
    bundle = build_data(_data(source="sklearn", name="digits", input_shape=[8, 8, 1],
                              normalize="scale"), seed=0)
    assert bundle.spec.input_shape == (8, 8, 1)
    assert bundle.arrays.x_train.max() == pytest.approx(1.0)
    with pytest.raises(UsageError, match=r"data.input_shape: \[7, 7\] -> a shape with 64"):
        build_data(_data(source="sklearn", name="digits", input_shape=[7, 7]), seed=0)


def test_npz_and_csv_files(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 3)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64) + 5  # labels 5/6 are remapped to 0/1
    np.savez(tmp_path / "d.npz", inputs=x, labels=y)
    bundle = build_data(_data(source="npz", path=str(tmp_path / "d.npz"), x_key="inputs",
                              y_key="labels"), seed=0)
    assert bundle.spec.num_outputs == 2 and bundle.spec.class_names == ("5", "6")
    assert set(np.unique(bundle.arrays.y_train)) == {0, 1}

    table = np.column_stack([x, x[:, 0] * 2.0 + 0.5])
    header = "a,b,c,target"
    np.savetxt(tmp_path / "d.csv", table, delimiter=",", header=header, comments="")
    bundle = build_data(_data(source="csv", path=str(tmp_path / "d.csv"), target="target",
                              task="regression"), seed=0)
    assert bundle.spec.task == "regression" and bundle.spec.input_shape == (3,)
    with pytest.raises(UsageError, match="data.target: 'nope' -> a column"):
        build_data(_data(source="csv", path=str(tmp_path / "d.csv"), target="nope"), seed=0)
    with pytest.raises(UsageError, match="data.path: .* -> an existing file"):
        build_data(_data(source="npz", path=str(tmp_path / "missing.npz")), seed=0)


def test_synthetic_sources_are_seeded():
    for name, shape in (("classification", (20,)), ("images", (16, 16, 1)),
                        ("sequences", (32,)), ("regression", (20,))):
        a = build_data(_data(source="synthetic", name=name), seed=3)
        b = build_data(_data(source="synthetic", name=name), seed=3)
        assert a.spec.input_shape == shape
        np.testing.assert_array_equal(a.arrays.x_train, b.arrays.x_train)
    seq = build_data(_data(source="synthetic", name="sequences"), seed=3)
    assert seq.spec.vocab_size == 32 and seq.arrays.x_train.dtype == np.int32


def test_python_source_arrays_and_splits(tmp_path, monkeypatch):
    (tmp_path / "my_data.py").write_text(
        "import numpy as np\n"
        "def arrays(seed, n=100):\n"
        "    rng = np.random.default_rng(seed)\n"
        "    x = rng.normal(size=(n, 4)).astype('float32')\n"
        "    return x, (x[:, 0] > 0).astype('int32')\n"
        "def splits(seed):\n"
        "    x, y = arrays(seed)\n"
        "    return {'train': (x[:80], y[:80]), 'val': (x[80:], y[80:])}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    bundle = build_data(_data(source="python", python="my_data:arrays", args={"n": 50}), seed=0)
    assert bundle.spec.num_train + bundle.spec.num_val + bundle.spec.num_test == 50
    bundle = build_data(_data(source="python", python="my_data:splits"), seed=0)
    assert (bundle.spec.num_train, bundle.spec.num_val, bundle.test) == (80, 20, None)
    assert bundle.spec.task == "classification" and bundle.spec.num_outputs == 2
    with pytest.raises(UsageError, match="data.python: 'my_data:nothing' -> module"):
        build_data(_data(source="python", python="my_data:nothing"), seed=0)


def test_tfds_source_offline_with_mock_data():
    tfds = pytest.importorskip("tensorflow_datasets")
    with tfds.testing.mock_data(num_examples=40):
        bundle = build_data(_data(source="tfds", name="mnist", normalize="scale",
                                  batch_size=8), seed=0)
    spec = bundle.spec
    assert spec.input_shape == (28, 28, 1) and spec.num_outputs == 10
    assert spec.task == "classification"
    x, y = next(iter(bundle.train))
    assert x.shape == (8, 28, 28, 1) and x.dtype.name == "float32"
    assert float(x.numpy().max()) <= 1.0 + 1e-6 and y.dtype.name == "int32"
