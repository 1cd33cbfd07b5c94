import numpy as np

from keras_recipes.data.splits import Normalizer, split_arrays


def test_split_is_stratified_seeded_and_disjoint():
    x = np.arange(1000, dtype=np.float32).reshape(-1, 1)
    y = np.repeat(np.arange(4), 250)
    a = split_arrays(x, y, 0.1, 0.2, seed=3, stratify=True)
    b = split_arrays(x, y, 0.1, 0.2, seed=3, stratify=True)
    assert (len(a.x_train), len(a.x_val), len(a.x_test)) == (700, 100, 200)
    np.testing.assert_array_equal(a.x_test, b.x_test)
    assert np.bincount(a.y_test).tolist() == [50, 50, 50, 50]
    assert np.bincount(a.y_val).tolist() == [25, 25, 25, 25]
    seen = np.concatenate([a.x_train, a.x_val, a.x_test]).ravel()
    assert sorted(seen.tolist()) == list(range(1000))
    c = split_arrays(x, y, 0.1, 0.2, seed=4, stratify=True)
    assert not np.array_equal(a.x_test, c.x_test)


def test_normalizer_uses_training_statistics_only():
    train = np.array([[0.0, 10.0], [2.0, 10.0]])
    norm = Normalizer("standard").fit(train)
    np.testing.assert_allclose(norm(np.array([[1.0, 10.0], [3.0, 12.0]])),
                               [[0.0, 0.0], [2.0, 2.0]])
    np.testing.assert_allclose(Normalizer("minmax").fit(train)(np.array([[1.0, 10.0]])),
                               [[0.5, 0.0]])
    np.testing.assert_allclose(Normalizer("scale").fit(np.array([[0.0, 16.0]]))(
        np.array([[8.0, 4.0]])), [[0.5, 0.25]])
    np.testing.assert_allclose(Normalizer("none").fit(train)(train), train)
