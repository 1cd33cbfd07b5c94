"""Learning-rate range test ("LR finder"): record the loss over an LR sweep, suggest an LR."""

from keras_recipes.lr_finder.find import find_lr
from keras_recipes.lr_finder.lr_finder import LRFinder
from keras_recipes.lr_finder.lr_finder_result import LRFinderResult
from keras_recipes.lr_finder.suggest import suggest_lr

__all__ = ["LRFinder", "LRFinderResult", "find_lr", "suggest_lr"]
