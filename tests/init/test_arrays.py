"""`init` on .npz archives: which arrays, input shape, task and classes."""

import numpy as np
import pytest

from keras_recipes.errors import UsageError
from keras_recipes.init.arrays import profile_npz


def test_feature_matrix_with_integer_labels(tmp_path):
    path = tmp_path / "d.npz"
    np.savez(path, x=np.zeros((30, 5), np.float32), y=np.arange(30) % 3)
    profile = profile_npz(path)
    assert (profile.modality, profile.task, profile.input_shape) == ("array",
                                                                     "classification", [5])
    assert profile.source == {"source": "npz", "x_key": "x", "y_key": "y"}
    assert profile.class_counts == {"0": 10, "1": 10, "2": 10}


def test_grids_become_one_channel_images_under_other_key_names(tmp_path):
    path = tmp_path / "digits.npz"
    np.savez(path, labels=np.arange(20) % 2, images=np.full((20, 8, 8), 16, np.uint8))
    profile = profile_npz(path)
    assert profile.source == {"source": "npz", "x_key": "images", "y_key": "labels",
                              "input_shape": [8, 8, 1]}
    assert profile.modality == "image"
    assert "pixel values up to 16 -> normalize: scale" in profile.inferred


def test_float_labels_are_regression(tmp_path):
    path = tmp_path / "r.npz"
    np.savez(path, x=np.zeros((10, 2)), y=np.linspace(0.0, 1.0, 10))
    profile = profile_npz(path)
    assert profile.task == "regression" and profile.classes == []
    assert profile_npz(path, task="classification").task == "classification"


def test_archives_without_a_label_array_are_refused(tmp_path):
    path = tmp_path / "bad.npz"
    np.savez(path, a=np.zeros((10, 2)), b=np.zeros(7))
    with pytest.raises(UsageError, match=r"holds a \[10, 2\], b \[7\] -> an input array"):
        profile_npz(path)
    uneven = tmp_path / "uneven.npz"
    np.savez(uneven, x=np.zeros((10, 2)), y=np.zeros(9))
    with pytest.raises(UsageError, match="'x' has 10 examples, 'y' 9 -> one label per"):
        profile_npz(uneven)
