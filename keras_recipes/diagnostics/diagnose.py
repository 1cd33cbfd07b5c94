"""`diagnose RECIPE`: the playbook's debugging order for a run that does not learn.

1. data, 2. initialization, 3. overfit ~10 examples, 4. gradient flow,
5. the loss decreases at the recipe's LR, 6. the LR against a range test,
7. batch norm predicts the same in inference mode as in training.
Each step is PASS / WARN / FAIL with a one-line reason and the playbook's
advice; every step runs (a later one often tells why an earlier one failed).
The model and data come from `prepare`, the code path `train` uses, with one
batch per compiled call and no gradient accumulation (the LR range test
drives the LR per batch). Writes `diagnose.json` and `samples.png` to the
output folder.

Example:

>>> from keras_recipes.config import load_recipe
>>> report = diagnose(load_recipe("recipes/quickstart.yaml"), "runs/diagnose/quickstart")  # doctest: +SKIP
>>> report.ok, [r.status for r in report.results]                                        # doctest: +SKIP
(True, ['PASS', 'PASS', 'PASS', 'PASS', 'PASS', 'PASS'])
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from pathlib import Path
from typing import Callable, Optional

from keras_recipes.diagnostics.check import FAIL, CheckResult, worst
from keras_recipes.diagnostics.context import (MAX_TRAIN_SAMPLE, MAX_VAL_SAMPLE, Budget,
                                               DiagnoseContext, sample_arrays)

RETRY_FACTOR = 3.0  # step 3 retries at the default LR when the recipe's is this far off


@dataclasses.dataclass
class DiagnoseReport:
    """All steps' results; `ok` when none FAILed."""

    recipe: str
    results: list[CheckResult]
    out_dir: Path
    seconds: float

    @property
    def ok(self) -> bool:
        return all(r.status != FAIL for r in self.results)

    @property
    def first_fail(self) -> Optional[CheckResult]:
        return next((r for r in self.results if r.status == FAIL), None)

    def to_dict(self) -> dict:
        first = self.first_fail
        return {"recipe": self.recipe, "status": worst(r.status for r in self.results),
                "ok": self.ok, "first_fail": first.step if first else None,
                "seconds": round(self.seconds, 2), "samples_png": "samples.png",
                "steps": [r.to_dict() for r in self.results]}


def for_diagnosis(recipe):
    """The recipe with one batch per compiled call and no gradient accumulation."""
    training = recipe.training.model_copy(update={"steps_per_execution": 1,
                                                  "gradient_accumulation": 1})
    return recipe.model_copy(update={"training": training})


def diagnose(recipe, out_dir: str | Path, budget: Optional[Budget] = None,
             echo: Callable[[str], None] = print, fail_fast: bool = False) -> DiagnoseReport:
    """Runs the seven steps on `recipe`, printing each line as it finishes.

    Args:
        recipe: a validated `Recipe`.
        out_dir: folder for `diagnose.json` and `samples.png` (created).
        budget: step budgets; defaults to `Budget()`.
        echo: where result lines go.
        fail_fast: stop after the first FAIL (the playbook fixes that one first).
    """
    from keras_recipes.diagnostics.batch_norm_check import check_batch_norm
    from keras_recipes.diagnostics.data_check import check_data
    from keras_recipes.diagnostics.gradient_check import check_gradients
    from keras_recipes.diagnostics.init_check import check_initialization
    from keras_recipes.diagnostics.loss_check import check_loss_decreases
    from keras_recipes.diagnostics.lr_check import check_learning_rate
    from keras_recipes.diagnostics.overfit_check import check_overfit
    from keras_recipes.run import write_json_atomic
    from keras_recipes.training.trainer import prepare

    started = time.time()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    recipe = for_diagnosis(recipe)
    prepared = prepare(recipe, echo=lambda _: None)
    x_train, y_train = sample_arrays(prepared.data, MAX_TRAIN_SAMPLE, "train")
    x_val, y_val = sample_arrays(prepared.data, MAX_VAL_SAMPLE, "val")
    ctx = DiagnoseContext(recipe, prepared, x_train, y_train, x_val, y_val, out_dir,
                          budget or Budget())
    echo(f"diagnose {recipe.name}: {recipe.model.type} model, {recipe.optimizer.name} at LR "
         f"{prepared.plan.learning_rate:g}; the playbook's debugging order")

    def retry():
        return _default_lr_model(recipe)

    steps = [check_data, check_initialization, lambda c: check_overfit(c, retry),
             check_gradients, check_loss_decreases, check_learning_rate,
             check_batch_norm]
    if recipe.model.type == "pretrained":  # inputs scaled as the backbone saw them
        from keras_recipes.diagnostics.pretrained_check import check_pretrained_inputs

        steps.insert(1, check_pretrained_inputs)
    results = []
    for step in steps:
        step_started = time.time()
        with warnings.catch_warnings():
            # Keras warns when a one-input functional model is called on a bare tensor.
            warnings.filterwarnings("ignore", message="The structure of `inputs`")
            result = step(ctx)
        result.details["seconds"] = round(time.time() - step_started, 2)
        results.append(result)
        echo(result.line())
        if result.advice:
            echo(f"   advice: {result.advice}")
        if fail_fast and result.status == FAIL:
            break
    report = DiagnoseReport(recipe.name, results, out_dir, time.time() - started)
    write_json_atomic(out_dir / "diagnose.json", report.to_dict())
    return report


def _default_lr_model(recipe):
    """`(model, lr)` prepared at the optimizer's playbook default LR, or None if that is
    close to the recipe's LR already."""
    from keras_recipes.training.trainer import prepare

    default = type(recipe.optimizer).model_fields["learning_rate"].default
    ratio = recipe.optimizer.learning_rate / default
    if 1 / RETRY_FACTOR <= ratio <= RETRY_FACTOR:
        return None
    optimizer = recipe.optimizer.model_copy(update={"learning_rate": default})
    prepared = prepare(recipe.model_copy(update={"optimizer": optimizer}), echo=lambda _: None)
    return prepared.model, prepared.plan.learning_rate
