"""Every use of private Keras/TensorFlow API, in one place, behind a version check.

Each function names the private attribute it reads or patches and falls back
(or fails with a clear message) when a Keras/TF version lacks it. Checked on
Keras 3.11-3.15 with TensorFlow 2.16-2.20 (`CHECKED_KERAS`, `CHECKED_TF`);
`tests/test_keras_compat.py` fails when an installed version moves one of them.

Example:

>>> from keras_recipes import _keras_compat as compat
>>> compat.declared_direction(model, "auc")   # from AUC's private `_direction`
'max'
"""

from __future__ import annotations

from typing import Any, Iterator, Optional

CHECKED_KERAS = ("3.11", "3.15")
CHECKED_TF = ("2.16", "2.20")


def _flat_metrics(metrics) -> Iterator[Any]:
    """Metrics with Keras' `CompileMetrics` containers opened."""
    for metric in metrics:
        inner = getattr(metric, "metrics", None)
        if isinstance(inner, (list, tuple)) and inner and inner[0] is not metric:
            yield from _flat_metrics(inner)
        else:
            yield metric


def declared_direction(model, name: str) -> Optional[str]:
    """`min`/`max` from the private `_direction` (`up`/`down`) Keras metrics declare, for
    the model's metric called `name` (a `val_` prefix is ignored); None when unknown."""
    name = name.removeprefix("val_")
    for metric in _flat_metrics(getattr(model, "metrics", None) or []):
        if getattr(metric, "name", None) == name:
            direction = getattr(metric, "_direction", None)  # private: keras.metrics.Metric
            if direction in ("up", "down"):
                return "max" if direction == "up" else "min"
    return None
