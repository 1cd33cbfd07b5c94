"""What to do about a training fault, decided by its cause.

A NaN that comes from the input data is not cured by a lower learning rate or
a rollback (the same batch comes back); a loss that runs away from finite
inputs is. `advise` looks at the batches of the window that went bad (one
batch, or one compiled call) before choosing the advice.

Example:
    >>> advise(guard.fault, pipeline, on_nan="stop")
    'The inputs of epoch 3, batch 4 hold non-finite values (NaN/Inf) -> clean the data ...'
"""

from __future__ import annotations

from typing import Optional

import numpy as np

_LR_ADVICE = ("Lower optimizer.learning_rate, add a warmup, set optimizer.global_clipnorm: 1.0"
              " or training.on_nan: rollback")


def _non_finite(structure) -> bool:
    """True if any floating array in a (nested) batch holds NaN or Inf."""
    import tensorflow as tf

    for part in tf.nest.flatten(structure):
        value = np.asarray(part)
        if value.dtype.kind == "f" and not np.isfinite(value).all():
            return True
    return False


def bad_inputs(fault, pipeline) -> Optional[str]:
    """Describes non-finite inputs or targets in the fault's batches, or None."""
    if fault is None or fault.first_batch is None or pipeline is None:
        return None
    count = fault.last_batch - fault.first_batch + 1
    dataset = pipeline.from_position(fault.epoch, fault.first_batch).take(count)
    for offset, batch in enumerate(dataset.as_numpy_iterator()):
        x, y = (batch[0], batch[1]) if isinstance(batch, tuple) and len(batch) > 1 else (batch, None)
        where = f"epoch {fault.epoch + 1}, batch {fault.first_batch + offset + 1}"
        if _non_finite(x):
            return f"the inputs of {where} hold non-finite values (NaN/Inf)"
        if y is not None and _non_finite(y):
            return f"the targets of {where} hold non-finite values (NaN/Inf)"
    return None


def advise(fault, pipeline, on_nan: str) -> str:
    """One sentence: the data when the batch itself is non-finite, else the learning rate."""
    data = bad_inputs(fault, pipeline) if getattr(fault, "kind", None) == "non_finite" else None
    if data is not None:
        return (f"{data[0].upper()}{data[1:]} -> clean the data (drop or impute missing "
                "values, check the file); a lower learning rate or a rollback replays the "
                "same batch")
    if fault is not None and fault.kind in ("bound", "spike"):
        return ("The loss ran away without becoming NaN (divergence) -> lower "
                "optimizer.learning_rate (try lr-find), add a warmup or set "
                "optimizer.global_clipnorm: 1.0" + ("" if on_nan == "rollback" else
                                                      ", or training.on_nan: rollback"))
    return _LR_ADVICE if on_nan != "rollback" else _LR_ADVICE.rsplit(" or ", 1)[0]
