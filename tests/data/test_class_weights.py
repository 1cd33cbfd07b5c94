"""`training.class_weight`: balanced weights, explicit weights, per-example weights."""

import numpy as np
import pytest
import tensorflow as tf

from keras_recipes.data.class_weights import balanced_weights, class_weight_vector, weigher
from keras_recipes.errors import UsageError


def test_balanced_weights_equalize_class_totals():
    labels = np.array([0] * 90 + [1] * 10)
    weights = balanced_weights(labels, 3)  # class 2 absent: weight 1
    np.testing.assert_allclose(weights, [100 / 180, 100 / 20, 1.0], rtol=1e-6)
    assert weights[0] * 90 == pytest.approx(weights[1] * 10)


def test_explicit_weights_by_name_or_id_and_errors():
    names = ("cat", "dog", "fox")
    np.testing.assert_array_equal(
        class_weight_vector({"dog": 3, 2: 0.5}, np.zeros(3), 3, names), [1, 3, 0.5])
    with pytest.raises(UsageError, match=r"training.class_weight.cow: not a class -> one of "
                                         r"cat, dog, fox"):
        class_weight_vector({"cow": 2}, np.zeros(3), 3, names)
    with pytest.raises(UsageError, match=r"training.class_weight.dog: 0 -> a weight > 0"):
        class_weight_vector({"dog": 0}, np.zeros(3), 3, names)


def test_weights_follow_class_ids_and_mixed_labels():
    weigh = weigher(np.array([1.0, 4.0], np.float32))
    np.testing.assert_allclose(weigh(tf.constant([1, 0, 1])), [4, 1, 4])
    mixed = tf.constant([[0.25, 0.75], [1.0, 0.0]])  # mixup: 25% class 0, 75% class 1
    np.testing.assert_allclose(weigh(mixed), [3.25, 1.0])
