"""Stateless randomness helpers shared by the augmentations (TensorFlow ops only).

Every draw comes from `tf.random.stateless_*` with a seed derived from the
batch seed, so a batch's augmentation depends only on (recipe seed, epoch,
batch index) and an interrupted run that resumes reproduces it exactly.

Example:

>>> seed = tf.constant([42, 7])
>>> applied = coin(sub_seed(seed, 0), batch=4, probability=0.5)  # [4] bool
"""

from __future__ import annotations

import tensorflow as tf


def sub_seed(seed, index: int):
    """A new shape-[2] seed for draw number `index` of an operation."""
    return tf.random.experimental.stateless_fold_in(tf.cast(seed, tf.int64), index)


def coin(seed, batch, probability: float):
    """[batch] booleans, each True with `probability`."""
    if probability >= 1.0:
        return tf.ones([batch], tf.bool)
    return tf.random.stateless_uniform([batch], seed) < probability


def per_example(mask, like):
    """Reshapes a [B] tensor to broadcast against `like` ([B, ...])."""
    shape = tf.concat([tf.shape(mask), tf.ones([tf.rank(like) - 1], tf.int32)], axis=0)
    return tf.reshape(mask, shape)


def select(mask, new, old):
    """Per example: `new` where `mask` else `old`."""
    return tf.where(per_example(mask, old), new, old)


def uniform(seed, shape, low: float, high: float):
    return tf.random.stateless_uniform(shape, seed, minval=low, maxval=high)


def beta(seed, batch, alpha: float):
    """[batch] draws of Beta(alpha, alpha) as a ratio of two gamma draws."""
    gammas = tf.random.stateless_gamma([2, batch], seed, alpha=alpha)
    return gammas[0] / tf.maximum(gammas[0] + gammas[1], 1e-12)


def permutation(seed, batch):
    """A random permutation of range(batch) (the mixing partners)."""
    return tf.argsort(tf.random.stateless_uniform([batch], seed))
