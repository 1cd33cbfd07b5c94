"""scikit-learn's bundled datasets: offline, so the default recipes run anywhere."""

from __future__ import annotations

import numpy as np

from keras_recipes.data.sources.base import SOURCES, SourceData

_LOADERS = {
    "digits": ("load_digits", "classification"),
    "iris": ("load_iris", "classification"),
    "wine": ("load_wine", "classification"),
    "breast_cancer": ("load_breast_cancer", "classification"),
    "diabetes": ("load_diabetes", "regression"),
}


@SOURCES.register("sklearn")
def load_sklearn(config, seed: int) -> SourceData:
    """Loads `data.name` from `sklearn.datasets` (digits, iris, wine, breast_cancer, diabetes)."""
    from sklearn import datasets

    loader_name, task = _LOADERS[config.name]
    bunch = getattr(datasets, loader_name)()
    x = np.asarray(bunch.data, dtype=np.float32)
    if task == "classification":
        y = np.asarray(bunch.target, dtype=np.int32)
        names = tuple(str(n) for n in getattr(bunch, "target_names", range(int(y.max()) + 1)))
        return SourceData(x=x, y=y, task=task, num_classes=len(names), class_names=names)
    return SourceData(x=x, y=np.asarray(bunch.target, dtype=np.float32), task=task)
