"""Recipe -> trained model: runtime set-up, builders, `model.fit`, run-directory artifacts."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import io
import math
import time
from pathlib import Path
from typing import Callable, Optional, Sequence

from keras_recipes.config.schema import Recipe
from keras_recipes.errors import TrainingError
from keras_recipes.run import write_json_atomic, write_resolved_recipe, write_text_atomic
from keras_recipes.run.run_dir import versions

_MAX_STEPS_PER_EXECUTION = 32


@dataclasses.dataclass
class TrainResult:
    """What `train` hands back: the model (best weights), metrics and where things are."""

    model: object
    metrics: dict
    history: dict
    run_dir: Path
    seconds: float
    spec: object = None


@dataclasses.dataclass
class Plan:
    """The resolved numbers a run trains with, printed before training starts."""

    replicas: int
    global_batch: int
    learning_rate: float
    lr_factor: float
    budget: object
    steps_per_execution: int
    jit_compile: bool = False
    jit_reason: str = ""
    sync_batch_norm: bool = False
    batch_norm: str = ""
    """The batch-norm line (set once the model is built and has batch norm)."""
    precision: str = "float32"
    precision_reason: str = ""
    phases: str = ""
    """The fine-tuning lines: phases, trainable parameters per group, LR multipliers."""

    def describe(self, recipe: Recipe) -> str:
        scale = (f" (x{self.lr_factor:g} by the {recipe.optimizer.scale_lr} scaling rule)"
                 if self.lr_factor != 1 else "")
        return "\n".join([
            f"batch: {recipe.data.batch_size} per replica x {self.replicas} replica(s) x "
            f"{recipe.training.gradient_accumulation} accumulation = global batch "
            f"{self.global_batch}",
            f"learning rate: {self.learning_rate:g}{scale}, schedule {recipe.schedule.name}",
            f"step budget: {self.budget.describe()}",
            f"XLA (jit_compile): {'on' if self.jit_compile else 'off'} ({self.jit_reason})",
        ] + ([f"precision: {self.precision} ({self.precision_reason})"]
             if self.precision_reason else []) + ([self.batch_norm] if self.batch_norm else [])
          + ([self.phases] if self.phases else []))


def _steps_per_execution(recipe: Recipe, replicas: int, batches_per_epoch: int) -> int:
    """`auto`: several batches per compiled call unless something needs every step.

    Keeps 1 under multi-replica strategies (Keras' multi-step execution fails
    there), with per-batch TensorBoard or profiling (they count calls), one-cycle
    momentum and custom callbacks. The learning-rate and gradient-norm loggers
    log at execution boundaries, so they keep it (measured by
    `tools/bench_monitoring.py`).
    """
    value = recipe.training.steps_per_execution
    if value != "auto":
        return value
    cb = recipe.callbacks
    per_step = ((cb.tensorboard.enabled and (cb.tensorboard.update_freq != "epoch"
                                             or cb.tensorboard.profile_batch > 0))
                or (recipe.schedule.name == "one_cycle" and recipe.schedule.cycle_momentum)
                or bool(cb.custom))
    if replicas > 1 or per_step:
        return 1
    return max(1, min(_MAX_STEPS_PER_EXECUTION, batches_per_epoch))


def _with_recipe_train_step(model, recipe: Recipe):
    """Functional models get `RecipeModel`'s train step (accumulation, clipping after
    the all-reduce); a subclassed `python:` model keeps Keras' own step, which is
    refused where that step would give wrong numbers."""
    from keras_recipes.errors import UsageError
    from keras_recipes.training.recipe_model import as_recipe_model

    opt = recipe.optimizer
    try:
        wrapped = as_recipe_model(model)
    except ValueError as err:
        if recipe.training.gradient_accumulation > 1:
            raise UsageError(f"training.gradient_accumulation: {err} -> return a functional "
                             "model from model.python, or set gradient_accumulation: 1") from None
        return model
    wrapped.configure_training(recipe.training.gradient_accumulation, opt.global_clipnorm,
                               opt.clipnorm, opt.clipvalue)
    return wrapped


def _verbosity(value) -> int:
    """`auto`: a progress bar on a terminal, one line per epoch in logs and CI."""
    import sys

    if value == "auto":
        return 1 if sys.stdout.isatty() else 2
    return int(value)


def _model_summary(model) -> str:
    buffer = io.StringIO()
    model.summary(print_fn=lambda line, **_: buffer.write(line + "\n"))
    return buffer.getvalue()


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """SIGTERM (a scheduler's preemption) ends the run as `interrupted`, resumable."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def train(recipe: Recipe, run_dir: Path, echo: Callable[[str], None] = print,
          verbose: Optional[int | str] = None, extra_callbacks: Sequence = (),
          resume_from: Optional[Path] = None) -> TrainResult:
    """Trains `recipe` and fills `run_dir` (which must exist and be empty).

    Writes `recipe.yaml`, `status.json`, `summary.txt`, `history.csv`,
    `best.keras`, `model.keras` (the best weights: the model the run hands
    back), `metrics.json` (`{"val": {...}, "test": {...}}`), `curves.png` and
    `tensorboard/`.

    Args:
        recipe: a validated `Recipe`.
        run_dir: an existing, empty directory.
        echo: where progress lines go.
        verbose: Keras progress output; default `recipe.training.verbose`.
        extra_callbacks: callbacks run before the recipe's own.
        resume_from: a `state.npz` to continue from (an interrupted run of the same
            recipe): weights, optimizer, RNG, callback decisions and data position.

    Raises:
        TrainingError: the loss became non-finite (the best checkpoint is kept).
    """
    from keras_recipes.runtime import quiet_tensorflow_logs

    quiet_tensorflow_logs()
    from keras_recipes.run.lock import run_dir_lock

    with run_dir_lock(run_dir, "run_dir"):  # one writer per run directory
        started = time.time()
        write_json_atomic(run_dir / "status.json", {"status": "running", "started": _now(),
                                                    "resumed": resume_from is not None})
        try:
            with _sigterm_as_interrupt():
                result = _train(recipe, run_dir, echo, verbose, started, extra_callbacks,
                                resume_from)
        except BaseException as err:
            status = "interrupted" if isinstance(err, KeyboardInterrupt) else "failed"
            try:
                write_json_atomic(run_dir / "status.json", {
                    "status": status, "started": _iso(started), "ended": _now(),
                    "error": str(err) or type(err).__name__})
            except OSError:  # a full or read-only disk: report the original error
                pass
            raise
        write_json_atomic(run_dir / "status.json", {
            "status": "completed", "started": _iso(started), "ended": _now(),
            "seconds": round(result.seconds, 2)})
        return result


@dataclasses.dataclass
class Prepared:
    """Everything built from a recipe before `fit`: runtime, data, compiled model."""

    strategy: object
    data: object
    model: object
    plan: Plan
    lr_factor: object = None
    """The variable multiplying the schedule (plateau reductions, NaN rollbacks)."""
    fine_tuning: object = None
    """The `FineTuning` (training.phases, LR multipliers), or None."""


def prepare(recipe: Recipe, echo: Callable[[str], None] = print) -> Prepared:
    """Sets up the runtime (devices, seed, precision, strategy), builds the data and
    the compiled model: the shared front half of `train`, `lr-find` and the tuner."""
    from keras_recipes import runtime

    runtime.quiet_tensorflow_logs()
    if recipe.distribute.virtual_cpus:
        runtime.split_cpu(recipe.distribute.virtual_cpus)
    # The strategy comes first: MultiWorkerMirroredStrategy must exist before other TF ops.
    strategy = runtime.build_strategy(recipe.distribute)
    runtime.set_seed(recipe.seed, recipe.deterministic)
    from keras_recipes.runtime.precision import gpu_capability, resolve_precision
    from keras_recipes.training.jit_policy import device_kind

    precision, precision_reason = resolve_precision(recipe.training.precision, device_kind(),
                                                    gpu_capability())
    runtime.set_precision(precision)

    from keras_recipes.data import build_data
    from keras_recipes.losses import build_loss, build_metrics
    from keras_recipes.models import build_model
    from keras_recipes.optim import build_optimizer, scaled_learning_rate
    from keras_recipes.training.budget import StepBudget
    from keras_recipes.training.recipe_model import RecipeModel

    replicas = strategy.num_replicas_in_sync
    accumulation = recipe.training.gradient_accumulation
    micro_batch = recipe.data.batch_size * replicas
    global_batch = micro_batch * accumulation
    # One pipeline batch is one optimizer update: K micro-batches per replica, split
    # inside the train step. With K > 1 every batch must be whole (drop the remainder).
    data = build_data(recipe.data, recipe.seed, global_batch, drop_remainder=accumulation > 1,
                      model_type=recipe.model.type,
                      class_weight=getattr(recipe.training, "class_weight", None))
    spec = data.spec
    if accumulation > 1:
        batches = spec.num_train // micro_batch if spec.num_train else accumulation
    else:
        batches = math.ceil(spec.num_train / micro_batch) if spec.num_train else 1
    budget = StepBudget(batches, recipe.training.epochs, accumulation)
    reference = recipe.optimizer.reference_batch_size or recipe.data.batch_size
    lr, factor = scaled_learning_rate(recipe.optimizer, global_batch, reference)
    plan = Plan(replicas, global_batch, lr, factor, budget,
                _dividing(_steps_per_execution(recipe, replicas, batches), budget.updates_per_epoch))
    plan.precision, plan.precision_reason = precision, precision_reason
    echo(f"data: {recipe.data.source}:{getattr(recipe.data, 'name', None) or getattr(recipe.data, 'path', '')} "
         f"{spec.task}, {spec.num_outputs} output(s), input {list(spec.input_shape)}, "
         f"{spec.num_train} train / {spec.num_val} val / {spec.num_test} test")
    from keras_recipes.training.jit_policy import resolve_jit
    from keras_recipes.training.sync_batch_norm import resolve_sync

    plan.jit_compile, plan.jit_reason = resolve_jit(
        recipe.training.jit_compile, recipe.distribute.strategy, device_kind(),
        recipe.deterministic)
    plan.sync_batch_norm = resolve_sync(getattr(recipe.model, "sync_batch_norm", "auto"),
                                        recipe.distribute.strategy, replicas,
                                        per_replica_xla=plan.jit_compile and replicas > 1)
    echo(plan.describe(recipe))

    with strategy.scope():
        network = build_model(recipe.model, spec, budget.total_updates)
        if getattr(network, "plan_line", ""):  # model.type pretrained: where the backbone is from
            echo(network.plan_line)
        model = _with_recipe_train_step(network, recipe)
        from keras_recipes.callbacks import plateau_scalable

        from keras_recipes.training.phases import build_fine_tuning, build_schedule_for

        schedule = plateau_scalable(build_schedule_for(recipe, lr, budget))
        optimizer = build_optimizer(recipe.optimizer, schedule,
                                    clip_in_optimizer=not isinstance(model, RecipeModel),
                                    model=model)
        model.compile(optimizer=optimizer, loss=build_loss(recipe.training, spec.task),
                      metrics=build_metrics(recipe.training, spec.task),
                      steps_per_execution=plan.steps_per_execution,
                      jit_compile=plan.jit_compile)
        if plan.jit_compile and not (model.jit_compile or getattr(model, "per_replica_xla", 0)):
            plan.jit_compile = False  # Keras turned it off: a layer does not support XLA
            plan.jit_reason += "; off: a layer of the model does not support XLA"
            echo(f"XLA (jit_compile): off ({plan.jit_reason})")
        fine_tuning = build_fine_tuning(recipe, model, budget)  # phases, LR multipliers
    if fine_tuning is not None:
        plan.phases = fine_tuning.describe()
        if plan.phases:
            echo(plan.phases)
    from keras_recipes.training.sync_batch_norm import configure_batch_norm

    plan.batch_norm = configure_batch_norm(model, plan, recipe.data.batch_size,
                                           accumulation)
    if plan.batch_norm:
        echo(plan.batch_norm)
    return Prepared(strategy, data, model, plan, schedule.factor, fine_tuning)


def _dividing(steps_per_execution: int, batches: int) -> int:
    """The largest value <= `steps_per_execution` that divides an epoch's batches.

    Keras pulls `steps_per_execution` batches per call, so a value that does not
    divide the epoch would run into the next epoch's batches of the endless,
    epoch-addressed training stream.
    """
    for value in range(min(steps_per_execution, batches), 0, -1):
        if batches % value == 0:
            return value
    return 1


def _train(recipe: Recipe, run_dir: Path, echo, verbose, started: float,
           extra_callbacks: Sequence, resume_from: Optional[Path]) -> TrainResult:
    from keras_recipes.run.history import read_history, resume_history
    from keras_recipes.run.plots import plot_curves
    from keras_recipes.training import state as run_state
    from keras_recipes.training.callback_factory import build_callbacks
    from keras_recipes.training.recipe_loop import recipe_fit_loop

    resume = run_state.load(resume_from) if resume_from is not None else None
    if resume is None:
        write_resolved_recipe(run_dir / "recipe.yaml", recipe.model_dump(mode="json"),
                              {**versions(), "created": _now()})
    prepared = prepare(recipe, echo)
    data, model, plan, spec = prepared.data, prepared.model, prepared.plan, prepared.data.spec
    summary = _model_summary(model)
    write_text_atomic(run_dir / "summary.txt", "\n".join([
        f"recipe: {recipe.name}", plan.describe(recipe),
        f"steps per execution: {plan.steps_per_execution}", f"data: {spec}", "", summary]))
    echo(f"model: {recipe.model.type}, {model.count_params():,} parameters; run directory: "
         f"{run_dir}")

    callbacks = list(extra_callbacks) + build_callbacks(recipe, run_dir, data.val is not None,
                                                        data=data)
    if resume is not None:
        echo(f"resuming at epoch {resume.epoch + 1}, batch {resume.step} "
             f"(optimizer step {plan.budget.updates_per_epoch * resume.epoch + resume.step})")
    loop = recipe_fit_loop(
        recipe, prepared, callbacks, state_path=run_dir / run_state.STATE_FILE,
        verbose=_verbosity(recipe.training.verbose if verbose is None else verbose), echo=echo,
        after_restore=lambda good: resume_history(run_dir / "history.csv", good.epoch))
    best = run_dir / "best.keras"
    try:
        loop.run(resume)
    except TrainingError as err:
        from keras_recipes.training.fault_advice import advise

        kept = f"the best checkpoint is kept in {best}" if best.exists() else "no checkpoint yet"
        raise TrainingError(f"{err}; {kept}. "
                            f"{advise(loop.guard.fault, data.epochs, recipe.training.on_nan)}"
                            ) from None
    history = read_history(run_dir / "history.csv")
    plot_curves(history, run_dir / "curves.png")
    from keras_recipes.monitoring import write_run_report


    loop.use_best_weights(best)  # from the state (a resumed final phase too), else best.keras
    from keras_recipes.distributed.chief_weights import use_chief_weights

    use_chief_weights(model, prepared.strategy)  # every replica: the chief's statistics too
    from keras_recipes.training.batch_norm_stats import finish_batch_norm

    batch_norm = finish_batch_norm(model, data, recipe, plan, echo)  # precise BN statistics
    echo(write_run_report(run_dir, history, spec, batch_norm))  # report.md: healthy/...
    from keras_recipes.serving.handback import write_handback

    write_handback(model, data, run_dir, echo)  # model.keras (raw inputs) + serving.json

    metrics = {}
    for split, ds in (("val", data.val), ("test", data.test)):
        if ds is not None:
            values = model.evaluate(ds, return_dict=True, verbose=0)
            metrics[split] = {k: float(v) for k, v in values.items()}
    from keras_recipes.serving.target_units import with_target_units

    metrics = with_target_units(metrics, model, data, recipe.training)  # regression: y units
    write_json_atomic(run_dir / "metrics.json", metrics)
    from keras_recipes.training.recovery_check import check_recovered_run

    # A run that rolled back and ends no better than a constant failed (exit 1).
    check_recovered_run(loop.guard, model, data, metrics, _lr_factor(prepared.lr_factor))
    seconds = time.time() - started
    echo(_metrics_line(metrics) + f" ({seconds:.1f} s)")
    return TrainResult(model, metrics, history, run_dir, seconds, spec)


def _lr_factor(variable) -> float:
    import keras

    return 1.0 if variable is None else float(keras.ops.convert_to_numpy(variable))


def _metrics_line(metrics: dict) -> str:
    parts = [f"{split}.{name}={value:.4f}" for split, values in metrics.items()
             for name, value in values.items()]
    return "final: " + ", ".join(parts)


def _now() -> str:
    return datetime.datetime.now().isoformat(timespec="seconds")


def _iso(timestamp: float) -> str:
    return datetime.datetime.fromtimestamp(timestamp).isoformat(timespec="seconds")
