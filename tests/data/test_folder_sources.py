"""Image and text folders: layout, class names from folders, splits, unreadable files."""

import types

import numpy as np
import pytest

from keras_recipes.data import build_data
from keras_recipes.data.sources.image_folder import scan_image_folder
from keras_recipes.data.sources.text_folder import read_text_folder
from keras_recipes.errors import DataError, UsageError


def _write_images(root, classes=("cat", "dog"), count=6, size=(12, 10), mode="RGB"):
    from PIL import Image

    rng = np.random.default_rng(0)
    for label, name in enumerate(classes):
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(count):
            shape = size + ((3,) if mode == "RGB" else ())
            pixels = np.full(shape, 40 + 160 * label, np.uint8) + rng.integers(0, 20, shape,
                                                                                 dtype=np.uint8)
            Image.fromarray(pixels, mode=mode).save(folder / f"{i}.png")


def _data(**keys):
    base = dict(source="image_folder", task="auto", input_shape=None, batch_size=4,
                val_split=0.2, test_split=0.2, stratify=True, normalize="standard",
                shuffle_buffer=None, cache="auto", prefetch=True, augment=[])
    base.update(keys)
    return types.SimpleNamespace(**base)


def test_image_folder_classes_from_folders_and_unreadable_files_skipped(tmp_path):
    _write_images(tmp_path)
    (tmp_path / "cat" / "broken.png").write_text("not an image")
    (tmp_path / "cat" / "notes.txt").write_text("ignored: not an image suffix")
    paths, labels, names, split, skipped = scan_image_folder(str(tmp_path))
    assert names == ("cat", "dog") and split is None and len(paths) == 12
    assert skipped == [tmp_path / "cat" / "broken.png"]
    np.testing.assert_array_equal(labels, [0] * 6 + [1] * 6)
    with pytest.warns(UserWarning, match=r"skipped 1 unreadable image file.*broken.png"):
        bundle = build_data(_data(path=str(tmp_path), image_size=[8, 6], color_mode="grayscale"),
                            seed=0)
    spec = bundle.spec
    assert spec.input_shape == (8, 6, 1) and spec.class_names == ("cat", "dog")
    assert (spec.num_train, spec.num_val, spec.num_test) == (6, 3, 3)  # stratified over files
    x, y = next(iter(bundle.test))
    # raw 0-255 pixels, rescaled by the preprocessor: dog images are brighter
    means = {int(label): float(image.numpy().mean()) for image, label in zip(x, y)}
    assert means[0] < 0.3 < 0.6 < means[1] <= 1.0


def test_train_val_test_subfolders_are_the_splits(tmp_path):
    for split, count in (("train", 5), ("val", 2), ("test", 3)):
        _write_images(tmp_path / split, count=count)
    bundle = build_data(_data(path=str(tmp_path), image_size=[8, 8]), seed=0)
    assert (bundle.spec.num_train, bundle.spec.num_val, bundle.spec.num_test) == (10, 4, 6)
    assert bundle.spec.input_shape == (8, 8, 3)


def test_streaming_gives_the_same_batches_as_the_memory_cache(tmp_path):
    _write_images(tmp_path)
    epochs = [build_data(_data(path=str(tmp_path), image_size=[8, 8], cache=cache), seed=3).epochs
              for cache in ("memory", "none", "disk")]
    batches = [[b[0].numpy() for b in e.from_position(1, 1).take(3)] for e in epochs]
    for other in batches[1:]:
        for a, b in zip(batches[0], other):
            np.testing.assert_array_equal(a, b)


def test_folder_errors_name_the_path(tmp_path):
    with pytest.raises(UsageError, match="data.path: .* -> an existing folder"):
        scan_image_folder(str(tmp_path / "missing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="has no class subfolders"):
        scan_image_folder(str(tmp_path / "empty"))
    (tmp_path / "t" / "pos").mkdir(parents=True)
    (tmp_path / "t" / "pos" / "1.txt").write_bytes(b"caf\xe9")
    with pytest.raises(DataError, match=r"1.txt: not UTF-8 text"):
        read_text_folder(str(tmp_path / "t"))


def test_text_folder_token_ids_for_transformers_tf_idf_for_mlp(tmp_path):
    for label, words in (("neg", "awful dull"), ("pos", "great fun")):
        (tmp_path / label).mkdir()
        for i in range(10):
            (tmp_path / label / f"{i}.txt").write_text(f"A {words} film, number {i}!")
    config = _data(source="text_folder", path=str(tmp_path), max_tokens=50, sequence_length=8)
    ids = build_data(config, seed=0, model_type="transformer")
    assert ids.spec.input_shape == (8,) and ids.spec.is_tokens
    assert ids.spec.class_names == ("neg", "pos")
    x, _ = next(iter(ids.train))
    assert x.dtype.is_integer and int(x.numpy().max()) < ids.spec.vocab_size
    bag = build_data(config, seed=0, model_type="mlp")
    assert not bag.spec.is_tokens and bag.spec.input_shape == (bag.preprocessor.vocab_size,)
    # The vocabulary comes from the training split only.
    vocabulary = set(bag.preprocessor.layer.get_vocabulary())
    assert {"great", "awful"} <= vocabulary and len(vocabulary) < 20 + 4
