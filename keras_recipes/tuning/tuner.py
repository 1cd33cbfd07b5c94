"""`RecipeTuner`: a keras-tuner `Tuner` whose trials are recipes trained by `prepare()`.

Each trial sets its values on the recipe dict, validates it (same messages as
`validate`), builds runtime, data and compiled model with
`keras_recipes.training.trainer.prepare` and fits with the recipe's own
callbacks (early stopping, best checkpoint, TensorBoard, loggers...). The
objective is then measured the way `train` writes `metrics.json`: the best
checkpoint's weights evaluated on the validation split, so retraining
`best_recipe.yaml` gives the same number.

Example:

>>> tuner = build_tuner(base, recipe, run_dir, overwrite=False)
>>> tuner.search(verbose=0)
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import shutil
import time
import warnings
from pathlib import Path
from typing import Callable

import keras_tuner

from keras_recipes.config.tune_space import parse_space
from keras_recipes.errors import KerasRecipesError
from keras_recipes.monitor import metric_direction
from keras_recipes.tuning.hparams_log import write_session
from keras_recipes.tuning.launch import TUNER_ID, is_chief, is_distributed_child
from keras_recipes.tuning.progress import trial_line
from keras_recipes.tuning.results import SECONDS
from keras_recipes.tuning.trial_recipe import (EPOCHS, INITIAL_EPOCH, PARENT_TRIAL,
                                               trial_recipe, trial_values)

PROJECT = "tuner"  # the keras-tuner project folder inside the run directory


def declare_space(specs: dict):
    """A keras-tuner `HyperParameters` holding every entry (parents before children)."""
    hp = keras_tuner.HyperParameters()
    ordered = sorted(specs.values(), key=lambda spec: spec.when is not None)
    for spec in ordered:
        spec.declare(hp, specs[spec.when[0]] if spec.when else None)
    return hp


def build_oracle(recipe, specs: dict):
    """The keras-tuner oracle for `recipe.tune.algorithm`."""
    tune = recipe.tune
    common = {
        "objective": keras_tuner.Objective(tune.objective,
                                           metric_direction(tune.objective, tune.direction)),
        "hyperparameters": declare_space(specs), "allow_new_entries": False,
        "tune_new_entries": False, "seed": tune.seed if tune.seed is not None else recipe.seed,
        "max_consecutive_failed_trials": tune.max_consecutive_failed_trials,
    }
    oracles = keras_tuner.oracles
    if tune.algorithm == "random":
        return oracles.RandomSearchOracle(max_trials=tune.max_trials, **common)
    if tune.algorithm == "grid":
        return oracles.GridSearchOracle(max_trials=tune.max_trials, **common)
    if tune.algorithm == "bayesian":
        return oracles.BayesianOptimizationOracle(
            max_trials=tune.max_trials, num_initial_points=tune.initial_points, **common)
    return oracles.HyperbandOracle(max_epochs=tune.max_epochs or recipe.training.epochs,
                                   factor=tune.factor, **common)


class RecipeTuner(keras_tuner.Tuner):
    """Runs trials as recipes; see the module docstring.

    Args:
        oracle: from `build_oracle`.
        base: the recipe as a dict (YAML + overrides, not resolved), `tune` included.
        recipe: the validated base recipe.
        run_dir: the search's run directory (the keras-tuner project is `run_dir/tuner`).
        echo: where the one-line progress per trial goes.
        overwrite: start over instead of resuming.
    """

    def __init__(self, oracle, base: dict, recipe, run_dir: Path,
                 echo: Callable[[str], None] = print, overwrite: bool = False):
        self.base, self.recipe, self.run_dir, self.echo = base, recipe, Path(run_dir), echo
        self.specs = parse_space(recipe.tune.space)[0]
        project = self.run_dir / PROJECT
        own_state = (project / f"{os.environ.get(TUNER_ID, 'tuner0')}.json").exists()
        super().__init__(oracle=oracle, directory=str(run_dir), project_name=PROJECT,
                         overwrite=overwrite,
                         executions_per_trial=recipe.tune.executions_per_trial)
        if (not overwrite and not own_state and (project / "oracle.json").exists()
                and (not is_distributed_child() or is_chief())):
            # keras-tuner reloads the oracle only with this tuner id's own state file: a
            # search started with another layout (--workers or not) is picked up here.
            self.oracle.reload()
        self._started: dict[str, float] = {}

    # ------------------------------------------------------------- one trial
    def run_trial(self, trial, *args, **kwargs):
        hp = trial.hyperparameters
        values = trial_values(hp, self.specs)
        results = []
        for execution in range(self.executions_per_trial):
            try:
                recipe = trial_recipe(self.base, values, execution, hp.values.get(EPOCHS),
                                      source=f"trial {trial.trial_id}")
                results.append(self._fit(trial, recipe, execution))
            except KerasRecipesError as err:  # an invalid combination, a non-finite loss
                raise keras_tuner.errors.FailedTrialError(str(err).replace("\n", " ")) from err
        return results

    def _fit(self, trial, recipe, execution: int) -> dict:
        """Trains one execution with the trainer's fit loop (NaN stop/rollback included):
        the trial's best-checkpoint weights, scored like `train`'s metrics.json."""
        import keras

        from keras_recipes.training.callback_factory import build_callbacks
        from keras_recipes.training.recipe_loop import recipe_fit_loop
        from keras_recipes.run.history import read_history
        from keras_recipes.training.batch_norm_stats import finish_batch_norm
        from keras_recipes.training.trainer import prepare

        started = time.time()
        keras.backend.clear_session()
        prepared = prepare(recipe, echo=lambda line: None)
        data, model = prepared.data, prepared.model
        trial_dir = self.trial_dir(trial.trial_id, execution)
        shutil.rmtree(trial_dir, ignore_errors=True)  # a rerun of an interrupted trial
        trial_dir.mkdir(parents=True)
        callbacks = build_callbacks(recipe, trial_dir, data.val is not None, data=data)
        for callback in callbacks:  # one progress line per trial, not per early stop
            if isinstance(callback, keras.callbacks.EarlyStopping):
                callback.verbose = 0
        hp = trial.hyperparameters.values
        if PARENT_TRIAL in hp:  # hyperband: continue from the parent trial's best weights
            with warnings.catch_warnings():  # its optimizer state is not carried over
                warnings.simplefilter("ignore")
                model.load_weights(self.trial_dir(hp[PARENT_TRIAL], execution) / "best.keras")
        loop = recipe_fit_loop(recipe, prepared, callbacks, echo=lambda line: None)
        loop.run(start_epoch=int(hp.get(INITIAL_EPOCH, 0)))  # TrainingError on a fault
        best = trial_dir / "best.keras"
        if not loop.use_best_weights(best):  # no validation metric improved: the last weights
            model.save(best)
        # train's final phase before its metrics.json: precise batch-norm statistics
        with warnings.catch_warnings():  # Keras' note on cloning a custom-compile model
            warnings.filterwarnings("ignore", message=r"`compile\(\)` was not called")
            finish_batch_norm(model, data, recipe, prepared.plan, echo=lambda line: None)
        history = read_history(trial_dir / "history.csv")
        metrics = {name: float(values[-1]) for name, values in history.items()
                   if not name.startswith("val_") and values}
        if data.val is not None:
            evaluated = model.evaluate(data.val, return_dict=True, verbose=0)
            metrics.update({f"val_{name}": float(value) for name, value in evaluated.items()})
        metrics[SECONDS] = time.time() - started
        return metrics

    def trial_dir(self, trial_id: str, execution: int = 0) -> Path:
        """Where a trial's recipe callbacks write (history.csv, best.keras, tensorboard/)."""
        path = self.run_dir / "trials" / f"trial_{trial_id}"
        return path / f"execution{execution}" if execution else path

    def session_dir(self, trial_id: str) -> Path:
        """The trial's HParams session in the search's TensorBoard folder."""
        return self.run_dir / "tensorboard" / f"trial_{trial_id}"

    # ------------------------------------------------------------- progress
    def on_trial_begin(self, trial):
        super().on_trial_begin(trial)
        self._started[trial.trial_id] = time.time()

    def on_trial_end(self, trial):
        super().on_trial_end(trial)  # reports to the oracle and saves the project
        ended = self.oracle.get_trial(trial.trial_id)
        values = trial_values(ended.hyperparameters, self.specs)
        objective = self.oracle.objective.name
        score = ended.score if ended.status == "COMPLETED" else None
        write_session(self.session_dir(trial.trial_id), trial.trial_id, values,
                      {objective: score})
        best = self.oracle.get_best_trials(1)
        best = best[0] if best and best[0].status == "COMPLETED" else None
        self.echo(trial_line(ended, values, objective, best, self.tuner_id,
                             time.time() - self._started.pop(trial.trial_id, time.time()),
                             self.oracle_max_trials()))

    def oracle_max_trials(self):
        return getattr(self.oracle, "max_trials", None)


def build_tuner(base: dict, recipe, run_dir: Path, overwrite: bool = False,
                echo: Callable[[str], None] = print) -> RecipeTuner:
    """The tuner for `recipe` in `run_dir` (reloads an existing project unless `overwrite`)."""
    specs = parse_space(recipe.tune.space)[0]
    with contextlib.redirect_stdout(io.StringIO()):  # keras-tuner's own "Reloading Tuner"
        return RecipeTuner(build_oracle(recipe, specs), base, recipe, run_dir, echo, overwrite)
