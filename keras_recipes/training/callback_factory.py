"""The callbacks a recipe asks for, wired to the run directory."""

from __future__ import annotations

from pathlib import Path

import keras

from keras_recipes.python_ref import resolve_python_ref


DIVERGENCE_FACTOR = 100.0
"""`training.loss_upper_bound: auto`: a loss 100 x above the loss before training diverged."""


def _monitor(name: str, has_val: bool) -> str:
    """`val_x` falls back to `x` when the run has no validation split."""
    return name if has_val or not name.startswith("val_") else name[len("val_"):]


def build_callbacks(recipe, run_dir: Path, has_val: bool, data=None) -> list:
    """NaN guard, loggers, best checkpoint, early stopping, TensorBoard, extras, CSV.

    The order matters: loggers run before the checkpoint and early stopping so
    the values they put into `logs` reach CSV and TensorBoard.
    """
    cfg = recipe.callbacks
    callbacks = []
    if data is not None and has_val and \
            getattr(recipe.training, "recompute_batch_norm", "auto") is not False:
        from keras_recipes.callbacks.precise_batch_norm import PreciseBatchNorm

        # Validation, early stopping and the best checkpoint see the data's statistics.
        callbacks.append(PreciseBatchNorm(data.train, micro_batch=recipe.data.batch_size))
    if cfg.learning_rate_logger.enabled:
        from keras_recipes.callbacks import LearningRateLogger

        callbacks.append(LearningRateLogger(every_n_steps=cfg.learning_rate_logger.every_n_steps))
    if cfg.gradient_norm_logger.enabled:
        from keras_recipes.callbacks import GradientNormLogger

        callbacks.append(GradientNormLogger(every_n_steps=cfg.gradient_norm_logger.every_n_steps))
    if recipe.schedule.name == "one_cycle" and recipe.schedule.cycle_momentum:
        from keras_recipes.callbacks import OneCycleMomentum

        callbacks.append(OneCycleMomentum())
    from keras_recipes.callbacks import BestCheckpoint, NonFiniteGuard

    bound = getattr(recipe.training, "loss_upper_bound", "auto")  # number, "auto" or None
    callbacks.append(NonFiniteGuard(
        spike_threshold=recipe.training.spike_threshold,
        loss_upper_bound=None if bound in (None, "auto") else float(bound),
        divergence_factor=DIVERGENCE_FACTOR if bound == "auto" else None))
    plateau = cfg.reduce_lr_on_plateau
    if plateau.enabled:
        from keras_recipes.callbacks import ReduceLROnPlateau

        callbacks.append(ReduceLROnPlateau(
            monitor=_monitor(plateau.monitor, has_val), factor=plateau.factor,
            patience=plateau.patience, min_delta=plateau.min_delta, cooldown=plateau.cooldown,
            min_lr=plateau.min_lr, verbose=1))
    callbacks.append(BestCheckpoint(run_dir / "best.keras",
                                    monitor=_monitor(cfg.checkpoint.monitor, has_val),
                                    mode=cfg.checkpoint.mode,
                                    write_interval_s=cfg.checkpoint.write_interval_s))
    stop = cfg.early_stopping
    if stop.enabled:
        from keras_recipes.callbacks import EarlyStopping

        callbacks.append(EarlyStopping(
            monitor=_monitor(stop.monitor, has_val), patience=stop.patience,
            min_delta=stop.min_delta, mode=stop.mode, restore_best_weights=False, verbose=1))
    callbacks.append(_step_time_breakdown(run_dir))  # timing.csv, TensorBoard, report.md
    if cfg.tensorboard.enabled:
        from keras_recipes.monitoring import monitoring_callbacks

        callbacks += monitoring_callbacks(recipe, run_dir, data)
    for i, extra in enumerate(cfg.custom):
        factory = resolve_python_ref(extra.python, f"callbacks.custom[{i}].python")
        callbacks.append(factory(**extra.args))
    from keras_recipes.monitoring.step_time_callback import DropLogKeys

    callbacks.append(DropLogKeys())  # wall-clock values stay out of the reproducible CSV
    callbacks.append(keras.callbacks.CSVLogger(str(run_dir / "history.csv"), append=True))
    return callbacks


def _step_time_breakdown(run_dir: Path):
    """`StepTimeBreakdown` writing `timing.csv`, with the accelerators' peak for the
    precision in force (MFU)."""
    from keras_recipes.monitoring.device_peaks import local_peak_flops
    from keras_recipes.monitoring.step_breakdown import TIMING_FILE
    from keras_recipes.monitoring.step_time_callback import StepTimeBreakdown

    peak, _ = local_peak_flops(keras.config.dtype_policy().name)
    return StepTimeBreakdown(run_dir / TIMING_FILE, peak_flops=peak)
