"""Evaluating a finished run: per-class report, confusion matrix, confident mistakes, residuals."""

from keras_recipes.evaluation.classification import evaluate_classification
from keras_recipes.evaluation.evaluate_run import evaluate_run
from keras_recipes.evaluation.regression import evaluate_regression, residual_stats

__all__ = ["evaluate_classification", "evaluate_regression", "evaluate_run", "residual_stats"]
