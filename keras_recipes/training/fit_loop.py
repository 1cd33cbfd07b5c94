"""`model.fit` in resumable segments: exact resume, periodic state, NaN stop or rollback.

A run is a sequence of `fit` calls on an `EpochPipeline`. A fresh run is one
call. A run resumed in the middle of epoch `e` at step `s` first fits the rest
of that epoch (`steps_per_epoch = n - s`), then the remaining epochs, so no
finished batch is replayed (Keras' integer `save_freq` with `BackupAndRestore`
replays the epoch). A NaN under `on_nan: rollback` restores the last good
state, multiplies the learning rate by a factor and goes on from there.

Example:
    >>> loop = FitLoop(model, pipeline, steps_per_epoch=20, epochs=10,
    ...                callbacks=callbacks, state_path=run_dir / "state.npz")
    >>> loop.run(resume=load(run_dir / "state.npz"))
"""

from __future__ import annotations

import dataclasses
import math
import time
from pathlib import Path
from typing import Callable, Optional

import keras
import numpy as np

from keras_recipes.callbacks.best_checkpoint import BestCheckpoint
from keras_recipes.errors import TrainingError
from keras_recipes.training import state as run_state


class StateSaver(keras.callbacks.Callback):
    """Keeps the run's position and saves the resume state every N steps and at epoch ends.

    Must be the last callback: it records the other callbacks' decisions after
    they have made them, and it re-applies their saved decisions after their
    own `on_train_begin` has reset them.
    """

    def __init__(self, path: Optional[Path], callbacks: list, lr_factor, every_n_steps: int,
                 steps_per_epoch: int, guard=None, write_interval_s: float = 0.0,
                 epochs: int = 0):
        super().__init__()
        self.epochs = epochs
        self.write_interval_s = write_interval_s
        self._written_at = -math.inf
        self._unwritten = False
        self.path = path
        self.callbacks = callbacks
        self.lr_factor = lr_factor
        self.every_n_steps = every_n_steps
        self.steps_per_epoch = steps_per_epoch
        self.guard = guard
        self.offset = 0  # batches of the current epoch done before this fit call
        self.epoch = 0
        self.pending: Optional[dict] = None
        self.pending_metrics: Optional[run_state.TrainingState] = None
        """A mid-epoch state whose metric accumulators the next epoch starts from."""
        self.last_good: Optional[run_state.TrainingState] = None

    def on_train_begin(self, logs=None):
        if self.pending is not None:
            run_state.restore_callback_states(self.callbacks, self.pending)
            self.pending = None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
        if self.pending_metrics is not None:  # Keras has just reset them
            run_state.restore_metrics(self.model, self.pending_metrics)
            self.pending_metrics = None

    def on_train_batch_end(self, batch, logs=None):
        done = self.offset + batch + 1
        if (self.every_n_steps and done < self.steps_per_epoch
                and (self.epoch * self.steps_per_epoch + done) % self.every_n_steps == 0):
            self.save(self.epoch, done, write=True)

    def on_epoch_end(self, epoch, logs=None):
        self.offset = 0
        # Early stopping has decided by now (this callback runs last): a state that says
        # "finished" makes a resume after a kill in the final phase train no extra epoch.
        self.save(epoch + 1, 0, finished=bool(self.model.stop_training) or epoch + 1 >= self.epochs)

    def write(self) -> None:
        """Writes the last captured state to disk if it is not there yet."""
        if self._unwritten and self.path is not None and self.last_good is not None:
            run_state.save(self.path, self.last_good)
            self._written_at = time.monotonic()
        self._unwritten = False

    def save(self, epoch: int, step: int, write: bool = False, finished: bool = False) -> bool:
        """Captures the state at `(epoch, step)` (refusing non-finite weights); writes it
        when asked or when `write_interval_s` has passed since the last write."""
        if self.guard is not None and self.guard.fault:
            return False
        state = run_state.capture(self.model, self.lr_factor, {"epoch": epoch, "step": step},
                                  self.callbacks, finished=finished)
        if not all(np.isfinite(a).all() for group in ("model", "optimizer")
                   for a in state.arrays[group] if a.dtype.kind == "f"):
            if self.guard is not None:
                self.guard.stop(f"non-finite weights at epoch {epoch + 1}, batch {step} "
                                "(a non-finite gradient)")
            return False
        self.last_good = state
        self._unwritten = True
        if write or time.monotonic() - self._written_at >= self.write_interval_s:
            self.write()
        return True


@dataclasses.dataclass
class FitLoop:
    """Runs `fit` segments until the epochs are done, training stops early, or a fault.

    Args:
        model: the compiled model.
        pipeline: an `EpochPipeline` (training batches by epoch and step).
        steps_per_epoch: batches per epoch (a multiple of the model's
            steps_per_execution).
        epochs: total epochs.
        callbacks: the run's callbacks (a `NonFiniteGuard` among them for NaN handling).
        lr_factor: the learning-rate factor variable (a `ScaledSchedule.factor`), or None.
        state_path: where the resume state goes (None: keep it in memory only).
        every_n_steps: also save every N steps (0: epoch ends only).
        on_nan: `stop` or `rollback`.
        rollback_lr_factor: learning-rate multiplier per rollback.
        max_rollbacks: rollbacks allowed before stopping.
        validation_data: passed to `fit`.
        verbose: passed to `fit`.
        echo: where messages go.
        after_restore: called with the state a resume or rollback continues from (e.g.
            to drop the epochs logged after it), once the state is known to fit.
        write_interval_s: least seconds between two writes of the epoch-end state (it
            is captured in memory every epoch; the last one is always written).
        fine_tuning: a `keras_recipes.training.phases.FineTuning` (phases: one `fit`
            call per phase, trainable layers set at each phase's start), or None.
    """

    model: object
    pipeline: object
    steps_per_epoch: int
    epochs: int
    callbacks: list
    lr_factor: object = None
    state_path: Optional[Path] = None
    every_n_steps: int = 0
    on_nan: str = "stop"
    rollback_lr_factor: float = 0.1
    max_rollbacks: int = 3
    validation_data: object = None
    verbose: int = 0
    echo: Callable[[str], None] = print
    after_restore: Optional[Callable[[run_state.TrainingState], None]] = None
    write_interval_s: float = 0.0
    fine_tuning: object = None

    def __post_init__(self):
        from keras_recipes.callbacks.non_finite_guard import NonFiniteGuard

        if self.fine_tuning is not None:  # first: its epoch logs reach CSV and TensorBoard
            self.callbacks = [self.fine_tuning.logger, *self.callbacks]

        self.guard = next((c for c in self.callbacks if isinstance(c, NonFiniteGuard)), None)
        self.saver = StateSaver(self.state_path, self.callbacks, self.lr_factor,
                                self.every_n_steps, self.steps_per_epoch, self.guard,
                                self.write_interval_s, self.epochs)
        self._metrics_from: Optional[run_state.TrainingState] = None

    def run(self, resume: Optional[run_state.TrainingState] = None,
            start_epoch: int = 0) -> None:
        """Trains from the start (or from epoch `start_epoch` with the model's current
        weights, e.g. a hyperband trial continuing its parent), or from `resume`; raises
        TrainingError on a fault.

        A `resume` whose training had finished (killed in the final phase) trains
        nothing: the caller goes on to the final artifacts.

        Raises:
            StateError: `resume` does not fit this model or run.
            TrainingError: a fault that was not (or could no longer be) rolled back.
        """
        self.saver.set_model(self.model)
        if resume is not None:
            run_state.restore(self.model, self.lr_factor, resume, self.callbacks)
            run_state.check_position(resume, self.epochs, self.steps_per_epoch,
                                     int(_value(self.model.optimizer.iterations)))
            if self.after_restore is not None:  # e.g. drop epochs logged after the state
                self.after_restore(resume)
            epoch, step = resume.epoch, resume.step
            self.saver.last_good = resume
            self._metrics_from = resume
            self._build_metrics(resume)
            if resume.finished:
                epoch = self.epochs
        else:
            epoch, step = start_epoch, 0
            self._measure_reference_loss()
            self.saver.save(epoch, 0, write=True)  # what a rollback before the next save returns to
        try:
            while epoch < self.epochs:
                self._fit(epoch, step)
                fault = self.guard.fault if self.guard is not None else None
                if fault is None:
                    return
                epoch, step = self._recover(fault)
        finally:  # also after Ctrl-C / SIGTERM: leave the latest state and best model
            self.saver.write()
            for callback in self.callbacks:
                if isinstance(callback, BestCheckpoint):
                    callback.write(self.model)

    def _measure_reference_loss(self) -> None:
        """The loss on the first training batch before any update (inference mode, no
        weight or RNG change): the scale the guard's `divergence_factor` is relative to.
        Kept in the state, so a resumed run uses the same bound."""
        guard = self.guard
        if guard is None or not guard.divergence_factor or guard.reference_loss is not None:
            return
        loss = float(self._evaluate_batch(0, 0)["loss"])
        guard.reference_loss = loss if np.isfinite(loss) else None

    def _build_metrics(self, state: run_state.TrainingState) -> None:
        """Creates the compiled metrics' accumulators before `fit` when a mid-epoch state
        holds their values (without a strategy Keras creates them in the first traced
        step, after the epoch's `on_epoch_begin` where they are restored). One
        evaluation step on the next training batch builds them; it changes no weight."""
        saved = len(state.arrays.get("metrics", []))
        if not saved or len(run_state.metric_variables(self.model)) >= saved:
            return
        self._evaluate_batch(state.epoch, state.step)

    def _evaluate_batch(self, epoch: int, step: int) -> dict:
        """One evaluation step on the training batch at `(epoch, step)` (no update)."""
        batch = next(iter(self.pipeline.from_position(epoch, step).take(1)))
        x, y, *weights = batch if isinstance(batch, tuple) else (batch, None)
        return self.model.test_on_batch(x, y, sample_weight=weights[0] if weights else None,
                                        return_dict=True)

    def use_best_weights(self, fallback: Optional[Path] = None) -> bool:
        """Puts the best checkpoint's weights into the model: the in-memory ones (kept in
        the resume state, so a run resumed after its training finished has them), else
        `fallback` (a `.keras` file) if it exists. False when there are none."""
        best = next((c for c in self.callbacks if isinstance(c, BestCheckpoint)), None)
        if best is not None and best.best_weights is not None:
            self.model.set_weights(best.best_weights)
            return True
        if fallback is not None and Path(fallback).exists():
            self.model.load_weights(fallback)
            return True
        return False

    def _fit(self, epoch: int, step: int) -> None:
        """Fits from `(epoch, step)`: the rest of a started epoch first, then whole epochs."""
        if step:
            self._segment(epoch, step, epoch + 1)
            if self.model.stop_training:
                return
            epoch += 1
        while epoch < self.epochs:  # one segment per fine-tuning phase
            end = (self.fine_tuning.end_epoch(epoch, self.epochs)
                   if self.fine_tuning is not None else self.epochs)
            self._segment(epoch, 0, end)
            if self.model.stop_training:
                return
            epoch = end

    def _segment(self, epoch: int, step: int, end_epoch: int) -> None:
        if self.fine_tuning is not None:
            self.fine_tuning.enter(epoch, step)  # trainable layers, train step, moments
        self.saver.offset = step
        self.saver.pending = run_state.callback_states(self.callbacks)
        self.saver.pending_metrics = self._metrics_from if step else None
        self._metrics_from = None
        if self.guard is not None:
            self.guard.batch_offset = step
        self.model.fit(self.pipeline.from_position(epoch, step), initial_epoch=epoch,
                       epochs=end_epoch, steps_per_epoch=self.steps_per_epoch - step,
                       validation_data=self.validation_data,
                       callbacks=[*self.callbacks, self.saver], shuffle=False,
                       verbose=self.verbose)

    def _recover(self, fault: str) -> tuple[int, int]:
        """Rolls back to the last good state with a lower learning rate, or raises."""
        from keras_recipes.training.fault_advice import bad_inputs

        guard = self.guard
        if self.on_nan != "rollback" or guard.rollbacks >= self.max_rollbacks:
            tried = (f" after {guard.rollbacks} rollback(s)" if self.on_nan == "rollback" else "")
            raise TrainingError(f"{fault}{tried}; training stopped")
        if bad_inputs(fault, self.pipeline):  # a rollback would replay the same batch
            raise TrainingError(f"{fault}; not rolled back (the batch itself is not finite); "
                                "training stopped")
        good = self.saver.last_good
        current = _value(self.lr_factor)
        rollbacks = guard.rollbacks + 1
        run_state.restore(self.model, self.lr_factor, good, self.callbacks)
        self._metrics_from = good
        guard.rollbacks = rollbacks
        new = min(_value(self.lr_factor), current) * self.rollback_lr_factor
        if self.lr_factor is not None:
            self.lr_factor.assign(new)
        self.model.stop_training = False
        if self.after_restore is not None:
            self.after_restore(good)
        self.echo(f"{fault}: rollback {rollbacks}/{self.max_rollbacks} to epoch {good.epoch + 1}"
                  f" step {good.step}, learning-rate factor now {new:g}")
        return good.epoch, good.step


def _value(variable) -> float:
    """A scalar variable's value (1.0 for None: no factor to scale)."""
    return 1.0 if variable is None else float(keras.ops.convert_to_numpy(variable))
