"""Monitoring: TensorBoard as Keras callbacks, and the after-training run report.

`SummaryDir` writes event files without TensorFlow ops; `MetricScalars`
(epoch curves under Keras' tags), `WeightHistograms` and `ProfileBatch` stand
in for `keras.callbacks.TensorBoard`; `StepScalars`, `ValidationSummaries`,
`SampleInputs`, `RecipeSummary` and `LossScaleLogger` add the extras.

Names are imported on first use (PEP 562), so `board` starts without TensorFlow.
"""

import importlib

_EXPORTS = {
    "LossScaleLogger": "loss_scale_logger",
    "MetricScalars": "metric_scalars",
    "ProfileBatch": "profile_batch",
    "RecipeSummary": "recipe_summary",
    "RunState": "run_classifier",
    "SampleInputs": "sample_inputs",
    "StepScalars": "step_scalars",
    "SummaryDir": "summary_dir",
    "ValidationSummaries": "validation_summaries",
    "WeightHistograms": "weight_histograms",
    "classify_run": "run_classifier",
    "confusion_matrix": "per_class_report",
    "format_report": "per_class_report",
    "monitoring_callbacks": "factory",
    "per_class_report": "per_class_report",
    "write_lr_finder_curve": "lr_finder_curve",
    "write_run_report": "run_report",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
