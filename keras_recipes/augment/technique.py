"""The registry of augmentation operations, one class per technique, keyed by `name`."""

import abc

from keras_recipes.registry import Registry

AUGMENTATIONS: Registry = Registry("augmentation")


class Technique(abc.ABC):
    """Base of one augmentation: built from its `data.augment` entry (`config.augment_schema`), called on a batch.

    Subclasses implement `__call__(x, y, seed) -> (x, y)` with stateless random
    ops only; `x` is the whole batch `[B, ...]`, `seed` a shape-[2] tensor.
    """

    mixes_labels = False

    def __init__(self, config, spec):
        self.config = config
        self.spec = spec

    @abc.abstractmethod
    def __call__(self, x, y, seed):
        """Returns the augmented `(x, y)` batch."""
