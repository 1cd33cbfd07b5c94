"""The `Augmenter` in the data pipeline: seeds, epochs, untouched evaluation splits, labels."""

import numpy as np
import pytest
import tensorflow as tf

from keras_recipes.augment import build_augmenter
from keras_recipes.config.loader import validate_dict
from keras_recipes.data import build_data
from keras_recipes.errors import RecipeError
from tests.augment._helpers import IMAGE, TABULAR, augment, seed

DIGITS = {"source": "sklearn", "name": "digits", "input_shape": [8, 8, 1], "normalize": "scale",
          "batch_size": 128}


def _data(augment_entries, seed_value=3):
    recipe = validate_dict({"seed": seed_value, "data": {**DIGITS, "augment": augment_entries}})
    return build_data(recipe.data, recipe.seed)


def _first(ds):
    return next(iter(ds))


def test_inside_a_tf_data_map_in_graph_mode():
    augmenter = augment(IMAGE, {"name": "crop", "padding": 1}, {"name": "rotation"},
                        {"name": "cutmix"})
    x = np.random.default_rng(0).uniform(size=(12, 6, 6, 1)).astype(np.float32)
    ds = tf.data.Dataset.from_tensor_slices((x, np.arange(12) % 4)).batch(4).enumerate()
    ds = ds.map(lambda i, b: augmenter(b[0], b[1], tf.stack([tf.constant(9, tf.int64), i])))
    batches = [b for b in ds]
    assert [b[0].shape for b in batches] == [(4, 6, 6, 1)] * 3
    assert batches[0][1].shape == (4, 4) and augmenter.mixes_labels


def test_same_seed_same_batches_new_epoch_new_augmentation_evaluation_untouched():
    entries = [{"name": "crop", "padding": 1}, {"name": "rotation", "degrees": 10}]
    data, again, plain = _data(entries), _data(entries), _data([])

    def first(bundle, epoch):
        return next(bundle.epochs.epoch(epoch).as_numpy_iterator())[0]

    np.testing.assert_array_equal(first(data, 0), first(again, 0))  # same seed
    assert not np.array_equal(first(data, 0), first(data, 1))  # next epoch
    assert not np.array_equal(first(data, 0), first(plain, 0))  # augmented
    one_pass, next_pass = _first(data.train), _first(data.train)  # train = epoch 0
    np.testing.assert_array_equal(one_pass[0], _first(again.train)[0])
    np.testing.assert_array_equal(one_pass[0], next_pass[0])
    np.testing.assert_array_equal(one_pass[0], first(data, 0))
    for split in ("val", "test"):  # evaluation batches are exactly the un-augmented ones
        for (xa, ya), (xb, yb) in zip(getattr(data, split), getattr(plain, split)):
            np.testing.assert_array_equal(xa, xb)
            np.testing.assert_array_equal(ya, yb)


def test_label_mixing_gives_every_split_one_hot_labels():
    data = _data([{"name": "mixup"}])
    for split in ("train", "val", "test"):
        _, y = _first(getattr(data, split))
        assert y.dtype == tf.float32 and y.shape[1] == 10
    np.testing.assert_allclose(tf.reduce_sum(_first(data.train)[1], axis=1), 1.0, atol=1e-5)
    _, y_val = _first(data.val)
    np.testing.assert_array_equal(tf.argmax(y_val, 1), data.arrays.y_val[:len(y_val)])


def test_modality_mismatch_at_build_time_names_the_entry():
    from keras_recipes.config.schema import augment_config

    configs = [augment_config({"name": "gaussian_noise"}), augment_config({"name": "rotation"})]
    with pytest.raises(RecipeError, match=r"data.augment\[1\].name: 'rotation' -> an "
                                          r"augmentation for image data; this data is tabular"):
        build_augmenter(configs, TABULAR)
    with pytest.raises(RecipeError, match=r"data.augment\[0\].padding: 6 -> below the image"):
        build_augmenter([augment_config({"name": "crop", "padding": 6})], IMAGE)
    assert build_augmenter([], IMAGE) is None


def test_seed_is_the_only_source_of_randomness():
    augmenter = augment(IMAGE, {"name": "flip"}, {"name": "mixup"})
    x = tf.random.stateless_uniform([8, 6, 6, 1], [1, 1])
    tf.random.set_seed(1)
    first = augmenter(x, tf.range(8) % 4, seed(5, 5))
    tf.random.set_seed(2)
    second = augmenter(x, tf.range(8) % 4, seed(5, 5))
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_ready_split_datasets_get_one_hot_labels_after_their_transform(tmp_path, monkeypatch):
    (tmp_path / "ds_source.py").write_text(
        "import numpy as np, tensorflow as tf\n"
        "def splits(seed):\n"
        "    rng = np.random.default_rng(seed)\n"
        "    x = rng.normal(size=(60, 4)).astype('float32')\n"
        "    y = (x[:, 0] > 0).astype('int64')\n"
        "    make = lambda a, b: tf.data.Dataset.from_tensor_slices((a, b))\n"
        "    return {'train': make(x[:40], y[:40]), 'val': make(x[40:], y[40:])}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    recipe = validate_dict({"data": {"source": "python", "python": "ds_source:splits",
                                     "batch_size": 8, "augment": [{"name": "gaussian_noise"},
                                                                  {"name": "mixup"}]}})
    data = build_data(recipe.data, recipe.seed)
    (x_val, y_val), (_, y_train) = _first(data.val), _first(data.train)
    assert y_val.dtype == tf.float32 and y_val.shape == (8, 2)
    np.testing.assert_array_equal(tf.reduce_max(y_val, 1), 1.0)  # validation: not mixed
    assert y_train.shape == (8, 2) and float(tf.reduce_min(tf.reduce_max(y_train, 1))) < 1.0
