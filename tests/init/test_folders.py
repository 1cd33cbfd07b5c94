"""`init` on class folders: images (size, channels) and text files (length)."""

import pytest

from keras_recipes.errors import UsageError
from keras_recipes.init import folders
from keras_recipes.init.folders import profile_folder
from tests.init._data import write_images, write_texts


def test_image_folder_classes_counts_and_input_shape(tmp_path):
    root = write_images(tmp_path / "pets", per_class=3, size=(12, 10))
    (root / "dog" / "notes.csv").write_text("not an image")
    profile = profile_folder(root)
    assert (profile.modality, profile.task) == ("image", "classification")
    assert profile.class_counts == {"cat": 3, "dog": 3} and profile.examples == 6
    assert profile.input_shape == [10, 12, 3]
    assert profile.source == {"source": "image_folder", "image_size": [10, 12],
                              "color_mode": "rgb"}
    assert profile.checks == ["1 other files in the class folders are not read"]


def test_grayscale_images_have_one_channel_and_large_ones_are_scaled_down(tmp_path,
                                                                          monkeypatch):
    monkeypatch.setattr(folders, "MAX_IMAGE_SIZE", 32)
    profile = profile_folder(write_images(tmp_path / "scans", size=(64, 48), mode="L"))
    assert profile.input_shape == [24, 32, 1]
    assert profile.source["image_size"] == [24, 32]
    assert profile.source["color_mode"] == "grayscale"
    assert any("resized down to 24x32" in check for check in profile.checks)


def test_text_folder_sequence_length_from_the_sample(tmp_path):
    profile = profile_folder(write_texts(tmp_path / "reviews", per_class=4))
    assert (profile.modality, profile.classes) == ("text", ["neg", "pos"])
    assert profile.examples == 8 and profile.input_shape is None
    assert profile.source == {"source": "text_folder", "max_tokens": 20_000,
                              "text_encoding": "tf_idf", "sequence_length": 8}  # floor of 8
    assert "median 4.5 words" in profile.inferred[1]


def test_a_folder_without_class_subfolders_is_refused(tmp_path):
    (tmp_path / "flat").mkdir()
    (tmp_path / "flat" / "a.png").write_bytes(b"")
    with pytest.raises(UsageError, match="one subfolder per class.*found 0 subfolders"):
        profile_folder(tmp_path / "flat")


def test_split_folders_are_not_classes(tmp_path):
    root = tmp_path / "pets"
    write_images(root / "train", per_class=3)
    write_images(root / "val", per_class=1)
    profile = profile_folder(root)
    assert profile.class_counts == {"cat": 4, "dog": 4}
    assert "split folders train, val, each with 2 class subfolders" in profile.inferred[0]
