"""Random token masking for integer token sequences."""

import tensorflow as tf

from keras_recipes.augment._random import sub_seed
from keras_recipes.augment.technique import AUGMENTATIONS, Technique


@AUGMENTATIONS.register("token_mask")
class TokenMask(Technique):
    """Replaces each token by `mask_token` with `probability` (BERT-style input noise).

    Example:

    >>> recipe:  data: {augment: [{name: token_mask, probability: 0.1, mask_token: 0}]}
    """

    def __call__(self, x, y, seed):
        hit = tf.random.stateless_uniform(tf.shape(x), sub_seed(seed, 0)) < self.config.probability
        return tf.where(hit, tf.cast(self.config.mask_token, x.dtype), x), y
