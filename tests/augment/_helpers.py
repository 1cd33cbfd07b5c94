"""Small builders for augmentation tests: a config entry, a spec, a batch seed."""

from keras_recipes.config.schema import augment_config
from keras_recipes.data.spec import DataSpec

IMAGE = DataSpec((6, 6, 1), "classification", 4, 100, 0, 0)
RGB = DataSpec((6, 6, 3), "classification", 4, 100, 0, 0)
SERIES = DataSpec((24, 2), "classification", 3, 100, 0, 0)
TABULAR = DataSpec((5,), "classification", 3, 100, 0, 0)
TOKENS = DataSpec((40,), "classification", 3, 100, 0, 0, vocab_size=30)


def augment(spec, *entries):
    """`build_augmenter` for entries given as dicts, e.g. {"name": "flip"}."""
    from keras_recipes.augment import build_augmenter

    return build_augmenter([augment_config(e) for e in entries], spec)


def seed(a: int = 1, b: int = 0):
    import tensorflow as tf

    return tf.constant([a, b], tf.int64)
