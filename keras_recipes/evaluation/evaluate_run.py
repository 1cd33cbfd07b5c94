"""`evaluate RUN_DIR`: the run's model on one split, rebuilt exactly as `train` built it."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Callable

from keras_recipes.errors import UsageError

SPLITS = ("test", "val")


def _check_run_dir(run_dir: Path) -> None:
    missing = [name for name in ("recipe.yaml", "model.keras") if not (run_dir / name).is_file()]
    if missing:
        raise UsageError(f"evaluate: {str(run_dir)!r} has no {' or '.join(missing)} -> a run "
                         "directory written by a finished `train`")


def _trained_network(run_dir: Path, model):
    """The network inside the run's hand-back `model.keras` (it takes what the data
    pipeline yields); an older run's `model.keras` is the network itself."""
    from keras_recipes.serving.handback import load_handback, network_of

    network = network_of(load_handback(run_dir))
    if network is not None:
        return network
    with warnings.catch_warnings():  # the optimizer's state is not needed to predict
        warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
        model.load_weights(run_dir / "model.keras")
    return model


def evaluate_run(run_dir: str | Path, split: str = "test", top: int = 16,
                 echo: Callable[[str], None] = print) -> dict:
    """Evaluates `<run_dir>/model.keras` on `split` and writes `<run_dir>/evaluation/<split>/`.

    The data and model come from `training.trainer.prepare` on the run's
    resolved `recipe.yaml` (same seed, so the same split and normalization),
    then the trained weights are loaded.

    Example:

    >>> result = evaluate_run("runs/quickstart/20261123-101500", split="val")  # doctest: +SKIP
    >>> result["accuracy"]  # doctest: +SKIP

    Args:
        run_dir: a finished run directory.
        split: `"test"` or `"val"`. Defaults to `"test"`.
        top: how many most confidently wrong examples to keep.
        echo: where the table goes.

    Returns:
        The classification report (`per_class_report` plus `confusion_matrix`
        and `confidently_wrong`) or the regression residual statistics, with
        `task`, `split` and `out_dir`.

    Raises:
        UsageError: not a finished run, an unknown split, or a split the run does not have.
    """
    from keras_recipes.config import load_recipe
    from keras_recipes.evaluation.classification import evaluate_classification
    from keras_recipes.evaluation.regression import evaluate_regression, format_residuals
    from keras_recipes.monitoring.per_class_report import format_report
    from keras_recipes.monitoring.predictions import dataset_arrays
    from keras_recipes.training.trainer import prepare

    run_dir = Path(run_dir)
    if split not in SPLITS:
        raise UsageError(f"--split: {split!r} -> {' or '.join(SPLITS)}")
    _check_run_dir(run_dir)
    recipe = load_recipe(run_dir / "recipe.yaml")
    prepared = prepare(recipe, echo=lambda _: None)
    dataset = getattr(prepared.data, split)
    if dataset is None:
        other = [s for s in SPLITS if getattr(prepared.data, s) is not None]
        raise UsageError(f"--split: {split!r} -> {' or '.join(other) or 'nothing'} (this run's "
                         f"recipe has no {split} split)")
    model = _trained_network(run_dir, prepared.model)
    x, y = dataset_arrays(dataset)
    predictions = model.predict(x, batch_size=recipe.data.batch_size, verbose=0)
    out_dir = run_dir / "evaluation" / split
    spec = prepared.data.spec
    if spec.task == "classification":
        result = evaluate_classification(x, y, predictions, out_dir, spec.class_names, top)
        echo(f"{split} split, {result['support']} examples:\n{format_report(result)}")
        echo(f"confusion matrix: {out_dir / 'confusion_matrix.png'}; "
             f"{len(result['confidently_wrong'])} most confidently wrong: "
             f"{out_dir / 'confidently_wrong.json'}")
    else:
        scale = getattr(prepared.data, "target_scale", None)
        if scale is not None:  # standardized for training: residuals in the target's units
            from keras_recipes.serving.target_units import unscale

            y, predictions = unscale(y, scale), unscale(predictions, scale)
        result = evaluate_regression(y, predictions, out_dir)
        echo(f"{split} split residuals (predicted - true):\n{format_residuals(result)}")
        echo(f"plot: {out_dir / 'predicted_vs_true.png'}")
    return {**result, "task": spec.task, "split": split, "out_dir": str(out_dir)}
