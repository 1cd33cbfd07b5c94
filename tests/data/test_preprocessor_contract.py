"""The preprocessor in a model on raw inputs gives exactly what the tf.data pipeline feeds
the network (the hand-back model's contract), for tables, text and image folders."""

import keras
import numpy as np
import tensorflow as tf

from keras_recipes.config import validate_dict
from keras_recipes.data import build_data
from keras_recipes.data.sources.image_folder import scan_image_folder
from keras_recipes.data.sources.table_source import load_table
from keras_recipes.data.sources.text_folder import read_text_folder
from keras_recipes.data.splits import split_indices


def _test_rows(y, data):
    ids = np.searchsorted(np.unique(y), y)
    return split_indices(ids, data.val_split, data.test_split, 0, True)[2]


def _served(bundle, raw):
    pre = bundle.preprocessor
    inputs = pre.raw_inputs()
    return np.asarray(keras.Model(inputs, pre(inputs))(raw))


def _pipeline_inputs(bundle):
    return np.concatenate([np.asarray(x) for x, _ in bundle.test])


def test_table_raw_columns_in_the_model_match_the_pipeline(tmp_path):
    rng = np.random.default_rng(0)
    lines = ["num,cat,txt,label"] + [
        f"{'' if i % 7 == 0 else round(rng.normal(), 3)},{rng.choice(['a', 'b', ''])},"
        f"word{i % 5} other words here,{'yes' if i % 3 else 'no'}" for i in range(80)]
    (tmp_path / "t.csv").write_text("\n".join(lines) + "\n")
    data = validate_dict({"data": {"source": "csv", "path": str(tmp_path / "t.csv")}}).data
    bundle = build_data(data, seed=0)
    inputs = bundle.preprocessor.raw_inputs()
    assert {k: (v.dtype, tuple(v.shape)) for k, v in inputs.items()} == {
        "num": ("float32", (None,)), "cat": ("string", (None,)), "txt": ("string", (None,))}
    assert bundle.spec.class_names == ("no", "yes")
    source = load_table(data, seed=0)
    rows = _test_rows(source.y, data)
    raw = {k: tf.constant(v[rows]) for k, v in source.x.items()}
    np.testing.assert_allclose(_served(bundle, raw), _pipeline_inputs(bundle), atol=1e-6)


def test_text_folder_strings_in_the_model_match_the_pipeline(tmp_path):
    for label in ("neg", "pos"):
        (tmp_path / label).mkdir()
        for i in range(15):
            (tmp_path / label / f"{i}.txt").write_text(f"{label} words {i} and more {i % 4}")
    data = validate_dict({"data": {"source": "text_folder", "path": str(tmp_path),
                                   "sequence_length": 6}}).data
    texts, labels, _ = read_text_folder(str(tmp_path))
    rows = _test_rows(labels, data)
    for model_type in ("transformer", "mlp"):
        bundle = build_data(data, seed=0, model_type=model_type)
        np.testing.assert_allclose(_served(bundle, tf.constant(texts[rows])),
                                   _pipeline_inputs(bundle), atol=1e-6)


def test_image_folder_raw_pixels_in_the_model_match_the_pipeline(tmp_path):
    from PIL import Image

    rng = np.random.default_rng(0)
    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        for i in range(10):
            Image.fromarray(rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)).save(
                tmp_path / label / f"{i}.png")
    data = validate_dict({"data": {"source": "image_folder", "path": str(tmp_path),
                                   "image_size": [8, 8]}}).data
    bundle = build_data(data, seed=0)
    paths, labels, _, _, _ = scan_image_folder(str(tmp_path))
    rows = _test_rows(labels, data)
    raw = np.stack([np.asarray(Image.open(p)) for p in paths[rows]]).astype(np.float32)
    assert raw.max() > 200  # raw 0-255 pixels go in; the model rescales them
    np.testing.assert_allclose(_served(bundle, raw), _pipeline_inputs(bundle), atol=1e-6)
