"""The recipe's LR range test: one sweep, shared by `lr-find` and `diagnose` (step 6).

Both run it on the model `prepare` builds and on the batches `train` would fit
first (the epoch-addressed training pipeline from epoch 0, step 0), with the
same sweep, so they suggest the same learning rate for the same recipe. One
batch per compiled call: the finder sets the LR before every batch.

Example:

>>> prepared = prepare(range_test_recipe(recipe))
>>> result = range_test(prepared)
>>> result.suggestion   # doctest: +SKIP
0.0148
"""

from __future__ import annotations

START_LR, END_LR, STEPS = 1e-7, 10.0, 100


def range_test_recipe(recipe):
    """`recipe` with one batch per compiled call (what the range test needs)."""
    training = recipe.training.model_copy(update={"steps_per_execution": 1})
    return recipe.model_copy(update={"training": training})


def range_test(prepared, start_lr: float = START_LR, end_lr: float = END_LR,
               num_steps: int = STEPS):
    """`find_lr` on `prepared.model` over the training pipeline's first batches; the model
    and optimizer are left as they were.

    Returns:
        An `LRFinderResult`.
    """
    from keras_recipes.lr_finder.find import find_lr

    data = prepared.data
    epochs = getattr(data, "epochs", None)
    batches = epochs.from_position(0, 0) if epochs is not None else data.train.repeat()
    return find_lr(prepared.model, batches, start_lr=start_lr, end_lr=end_lr,
                   num_steps=num_steps)

