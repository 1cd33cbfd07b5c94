"""The `FitLoop` a recipe trains with, built in one place for `train` and `tune`.

Example:

>>> prepared = prepare(recipe)
>>> loop = recipe_fit_loop(recipe, prepared, callbacks, state_path=run_dir / "state.npz")
>>> loop.run()
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from keras_recipes.training.fit_loop import FitLoop


def recipe_fit_loop(recipe, prepared, callbacks: list, state_path: Optional[Path] = None,
                    verbose: int = 0, echo: Callable[[str], None] = print,
                    after_restore: Optional[Callable] = None) -> FitLoop:
    """The fit loop for `recipe` on `prepared` (data, compiled model, plan): its epochs,
    NaN handling (`training.on_nan`), periodic state and checkpoint write interval."""
    plan = prepared.plan
    every = recipe.callbacks.checkpoint.save_every_steps
    if every:  # whole compiled calls only
        spe = plan.steps_per_execution
        every = -(-every // spe) * spe
    return FitLoop(prepared.model, prepared.data.epochs, plan.budget.updates_per_epoch,
                   recipe.training.epochs, callbacks, lr_factor=prepared.lr_factor,
                   state_path=state_path, every_n_steps=every,
                   on_nan=recipe.training.on_nan,
                   rollback_lr_factor=recipe.training.rollback_lr_factor,
                   max_rollbacks=recipe.training.max_rollbacks,
                   validation_data=prepared.data.val, verbose=verbose, echo=echo,
                   after_restore=after_restore,
                   write_interval_s=recipe.callbacks.checkpoint.write_interval_s,
                   fine_tuning=getattr(prepared, "fine_tuning", None))
