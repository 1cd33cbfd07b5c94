"""`build_augmenter`: the validated `data.augment` list and the data's spec -> `Augmenter`."""

from __future__ import annotations

from typing import Optional, Sequence

from keras_recipes.augment.augmenter import Augmenter
from keras_recipes.config.augment_schema import modality_of, modality_problems
from keras_recipes.errors import RecipeError


def spec_modality(spec) -> str:
    """`image`, `series`, `tabular` or `tokens` for a `DataSpec`."""
    return modality_of("", None, spec.input_shape, is_tokens=spec.is_tokens)


def build_augmenter(configs: Sequence, spec) -> Optional[Augmenter]:
    """Builds the augmentations of `data.augment` for data shaped as `spec`; None if empty.

    Example:

    >>> augmenter = build_augmenter(recipe.data.augment, data.spec)
    >>> augmenter.mixes_labels
    False

    Raises:
        RecipeError: an entry does not fit the data (e.g. `flip` on tabular
            inputs), naming `data.augment[i].name`; all such entries at once.
    """
    if not configs:
        return None
    problems = modality_problems(configs, spec_modality(spec))
    for i, config in enumerate(configs):
        if config.name == "crop" and config.padding >= min(spec.input_shape[:2]):
            problems.append((f"augment[{i}].padding", f"{config.padding} -> below the image "
                                                      f"size {min(spec.input_shape[:2])}"))
        if config.name == "mixup" and spec.task == "classification" and spec.num_outputs < 2:
            problems.append((f"augment[{i}].name", "'mixup' -> needs 2 or more classes"))
    if problems:
        raise RecipeError([f"data.{path}: {message}" for path, message in problems])
    from keras_recipes.augment import techniques

    operations = [techniques.AUGMENTATIONS.get(c.name)(c, spec) for c in configs]
    classes = spec.num_outputs if spec.task == "classification" else None
    return Augmenter(operations, classes)
