"""The monitoring callbacks a recipe's `callbacks.tensorboard` section asks for."""

from __future__ import annotations

from pathlib import Path

from keras_recipes.monitoring.summary_dir import SummaryDir


def monitoring_callbacks(recipe, run_dir: Path, data=None) -> list:
    """The TensorBoard callbacks for a run, in the order they must run.

    `LossScaleLogger` first (it adds to the logs), then `StepScalars`
    (per-step `learning_rate`, `grad_norm`, `loss_scale`), `RecipeSummary`,
    `SampleInputs`, `ValidationSummaries`, `WeightHistograms` and
    `ProfileBatch` when asked for, and `MetricScalars` last (the epoch and
    validation metrics; it closes the event files at the end of `fit`). Put
    them after the LR and gradient-norm loggers and before `CSVLogger`.

    Example:

    >>> callbacks = monitoring_callbacks(recipe, run_dir, prepared.data)  # doctest: +SKIP

    Args:
        recipe: the validated `Recipe`.
        run_dir: the run directory (logs go to `<run_dir>/tensorboard`).
        data: the run's `DataBundle`; without it, no sample inputs and no
            per-class validation summaries are written.

    Returns:
        A list of callbacks; empty when `callbacks.tensorboard` is off.
    """
    from keras_recipes.monitoring.loss_scale_logger import LossScaleLogger
    from keras_recipes.monitoring.metric_scalars import MetricScalars
    from keras_recipes.monitoring.profile_batch import ProfileBatch
    from keras_recipes.monitoring.recipe_summary import RecipeSummary
    from keras_recipes.monitoring.step_scalars import StepScalars
    from keras_recipes.monitoring.weight_histograms import WeightHistograms

    cfg = recipe.callbacks.tensorboard
    if not cfg.enabled:
        return []
    summaries = SummaryDir(Path(run_dir) / "tensorboard")
    callbacks = []
    if cfg.loss_scale and recipe.training.precision == "mixed_float16":
        every = recipe.callbacks.gradient_norm_logger.every_n_steps
        callbacks.append(LossScaleLogger(every_n_steps=every))
    callbacks.append(StepScalars(summaries))
    if cfg.recipe_text or cfg.hparams:
        callbacks.append(RecipeSummary(summaries, recipe.model_dump(mode="json"),
                                       text=cfg.recipe_text, hparams=cfg.hparams))
    if data is not None:
        callbacks += _data_summaries(cfg, summaries, data)
    if cfg.histogram_freq:
        callbacks.append(WeightHistograms(summaries, cfg.histogram_freq))
    if cfg.profile_batch:
        callbacks.append(ProfileBatch(summaries.logdir, cfg.profile_batch))
    callbacks.append(MetricScalars(summaries, update_freq=cfg.update_freq))
    return callbacks


def _data_summaries(cfg, summaries, data) -> list:
    """Sample inputs and per-class validation summaries (classification)."""
    from keras_recipes.monitoring.sample_inputs import SampleInputs
    from keras_recipes.monitoring.validation_summaries import ValidationSummaries

    callbacks = []
    spec = data.spec
    classification = spec.task == "classification"
    if cfg.sample_inputs:
        names = (spec.class_names or tuple(map(str, range(spec.num_outputs)))
                 if classification else None)
        callbacks.append(SampleInputs(summaries, data.train, cfg.sample_inputs, names))
    if classification and data.val is not None and (cfg.per_class_metrics
                                                     or cfg.confusion_matrix_freq):
        callbacks.append(ValidationSummaries(
            summaries, data.val, spec.num_outputs, spec.class_names,
            per_class=cfg.per_class_metrics, confusion_matrix_freq=cfg.confusion_matrix_freq,
            max_overhead=cfg.max_overhead))
    return callbacks
