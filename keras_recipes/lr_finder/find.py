"""`find_lr`: a learning-rate range test that leaves the model as it found it."""

from __future__ import annotations

import contextlib

import numpy as np

from keras_recipes.callbacks import _args
from keras_recipes.lr_finder.lr_finder import LRFinder
from keras_recipes.lr_finder.lr_finder_result import LRFinderResult
from keras_recipes.lr_finder.suggest import suggest_lr
from keras_recipes.training import state as run_state

_MIN_POINTS = 10
_FLAT_DROP = 0.05


def find_lr(
    model,
    data,
    start_lr=1e-7,
    end_lr=10.0,
    num_steps=100,
    smoothing=0.98,
    diverge_threshold=4.0,
    batch_size=None,
    shuffle=True,
    verbose=0,
) -> LRFinderResult:
    """Runs a learning-rate range test on a compiled model, then undoes it.

    Trains `model` for up to `num_steps` batches with an exponentially
    growing learning rate (see `LRFinder`), records the smoothed loss,
    stops early when it diverges, and suggests a learning rate with
    `suggest_lr`. Afterwards every model variable (weights, and RNG seed
    states) and every optimizer variable (slots, `iterations`, learning rate,
    loss scale) gets back its value from before, so training proceeds as if
    the test had never run. An unbuilt model or optimizer is built first
    (on one batch of `data`), as `fit` would.

    Example:

    >>> import keras, numpy as np
    >>> keras.utils.set_random_seed(0)
    >>> x = np.random.rand(64, 3).astype("float32")
    >>> y = x @ np.array([[1.0], [-2.0], [0.5]], "float32")
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> result = find_lr(model, (x, y), start_lr=1e-4, end_lr=10.0,
    ...                  num_steps=30, batch_size=16)
    >>> 1e-4 <= result.suggestion <= 10.0
    True

    Args:
        model: A compiled `keras.Model`.
        data: A `tf.data.Dataset` of `(x, y)` (or `(x, y, sample_weight)`)
            batches, repeated as needed, or a tuple `(x, y)` of arrays,
            batched with `batch_size`.
        start_lr: First learning rate. Defaults to `1e-7`.
        end_lr: Last learning rate. Defaults to `10.0`.
        num_steps: Batches in the sweep. Defaults to `100`.
        smoothing: Loss moving-average weight. Defaults to `0.98`.
        diverge_threshold: Stop when the smoothed loss exceeds this multiple
            of the best one. Defaults to `4.0`.
        batch_size: Batch size for array data (defaults to 32); must be
            `None` for a dataset.
        shuffle: Shuffle array data (each pass). Defaults to `True`.
        verbose: Verbosity passed to `fit`. Defaults to `0`.

    Returns:
        An `LRFinderResult` with `lrs`, `losses`, `suggestion`, `flags`,
        `raw_losses`, `stop_reason`, and `plot(path)`.

    Raises:
        ValueError: If the model is not compiled, `data` is neither a dataset
            nor an `(x, y)` tuple, `batch_size` is given with a dataset, or an
            `LRFinder` argument is invalid.
    """
    finder = LRFinder(
        start_lr=start_lr,
        end_lr=end_lr,
        num_steps=num_steps,
        smoothing=smoothing,
        diverge_threshold=diverge_threshold,
    )
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not getattr(model, "compiled", True):
        raise ValueError(
            "find_lr needs a compiled model. Call `model.compile(optimizer=..., "
            "loss=...)` first."
        )
    dataset = _as_dataset(data, batch_size, shuffle)
    _build(model, optimizer, dataset)

    snapshot = run_state.capture(model, None, {"epoch": 0, "step": 0})
    previous_history = model.__dict__.get("history")
    try:
        model.fit(
            dataset,
            epochs=1,
            steps_per_epoch=finder.num_steps,
            shuffle=False,
            callbacks=[finder],
            verbose=verbose,
        )
    finally:
        finder.restore_learning_rate()
        run_state.restore(model, None, snapshot)  # the one snapshot/restore of a run
        model.stop_training = False
        if previous_history is not None:
            model.history = previous_history

    lrs, losses, raw_losses = finder.results()
    return LRFinderResult(
        lrs=lrs,
        losses=losses,
        suggestion=suggest_lr(lrs, losses) if lrs.size else None,
        flags=_flags(losses, raw_losses, finder.stop_reason, finder.num_steps),
        raw_losses=raw_losses,
        stop_reason=finder.stop_reason,
    )


def _as_dataset(data, batch_size, shuffle):
    import tensorflow as tf

    if isinstance(data, tf.data.Dataset):
        if batch_size is not None:
            raise ValueError(
                "Argument `batch_size` must be None when `data` is a dataset "
                f"(batch the dataset instead). Received: batch_size={batch_size}"
            )
        return data.repeat()
    if isinstance(data, (tuple, list)) and len(data) in (2, 3):
        batch_size = 32 if batch_size is None else _args.check_int(
            "batch_size", batch_size, ge=1
        )
        dataset = tf.data.Dataset.from_tensor_slices(tuple(data))
        if shuffle:
            count = int(tf.data.experimental.cardinality(dataset))
            dataset = dataset.shuffle(max(count, 1), reshuffle_each_iteration=True)
        return dataset.batch(batch_size).repeat()
    raise ValueError(
        "Argument `data` must be a `tf.data.Dataset` of (x, y) batches or a "
        f"tuple (x, y) of arrays. Received: data={type(data).__name__}"
    )


def _build(model, optimizer, dataset) -> None:
    """Builds the model (on one batch) and the optimizer, as `fit` would."""
    strategy = getattr(model, "distribute_strategy", None)
    scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
    with scope:
        if not model.built:
            x = next(iter(dataset.take(1)))[0]
            model(x)
        if not optimizer.built:
            optimizer.build(model.trainable_variables)


def _flags(losses, raw_losses, stop_reason, num_steps) -> list[str]:
    flags = []
    finite = losses[np.isfinite(losses)]
    if finite.size >= 2 and losses[0] - finite.min() <= _FLAT_DROP * abs(losses[0]):
        flags.append("too_flat")
    if stop_reason in ("diverged", "non_finite") and losses.size < num_steps / 2:
        flags.append("diverged_early")
    if finite.size < _MIN_POINTS:
        flags.append("too_few_points")
    if raw_losses.size and not np.all(np.isfinite(raw_losses)):
        flags.append("non_finite_losses")
    return flags
