"""Training callbacks: learning-rate and gradient loggers, plateau and per-batch schedulers."""

from keras_recipes.callbacks.best_checkpoint import BestCheckpoint, save_model_atomic
from keras_recipes.callbacks.early_stopping import EarlyStopping
from keras_recipes.callbacks.gradient_norm_logger import GradientNormLogger
from keras_recipes.callbacks.learning_rate_logger import LearningRateLogger
from keras_recipes.callbacks.non_finite_guard import NonFiniteGuard
from keras_recipes.callbacks.one_cycle_momentum import OneCycleMomentum
from keras_recipes.callbacks.one_cycle_scheduler import OneCycleScheduler
from keras_recipes.callbacks.precise_batch_norm import PreciseBatchNorm
from keras_recipes.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from keras_recipes.callbacks.scaled_schedule import ScaledSchedule, plateau_scalable
from keras_recipes.callbacks.warmup_cosine_scheduler import WarmupCosineScheduler

__all__ = [
    "BestCheckpoint",
    "EarlyStopping",
    "NonFiniteGuard",
    "GradientNormLogger",
    "LearningRateLogger",
    "OneCycleMomentum",
    "OneCycleScheduler",
    "PreciseBatchNorm",
    "ReduceLROnPlateau",
    "ScaledSchedule",
    "WarmupCosineScheduler",
    "plateau_scalable",
    "save_model_atomic",
]
