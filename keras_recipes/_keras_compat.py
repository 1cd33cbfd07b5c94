"""Every use of private Keras/TensorFlow API, in one place, behind a version check.

Keras has no public way to do a few things this package needs (tap the
all-reduced gradients, read the schedule an optimizer was built with, build a
model from one replica's share of a batch, ...). Each such use is a function
here that names the private attribute; `require` checks that the attribute
exists and otherwise fails with the versions it was checked on, instead of an
`AttributeError` deep in a train step. Nothing else in the package touches a
private Keras/TF attribute or imports `keras.src`.

Checked on Keras 3.15.1 with TensorFlow 2.21.0 (this environment) and designed
for the declared floor Keras 3.11 / TensorFlow 2.16 (`constraints/floor.txt`);
`tests/test_keras_compat.py` fails when an installed version moves one of them.

Example:

>>> from keras_recipes import _keras_compat as compat
>>> compat.declared_direction(model, "val_auc")   # AUC's private `_direction`
'max'
"""

from __future__ import annotations

from typing import Any, Iterator, Optional

from keras_recipes.errors import KerasRecipesError

CHECKED_KERAS = ("3.11", "3.15.1")
CHECKED_TF = ("2.16", "2.21.0")

# Private attributes, by owner (the test checks each exists on the installed versions).
MODEL_SYMBOLIC_BUILD = "_maybe_symbolic_build"   # keras.Model (TF trainer): overridden
MODEL_STRATEGY = "_distribute_strategy"          # keras.Model: the strategy it was built in
MODEL_LOSS_TRACKER = "_loss_tracker"             # keras.Model: the `loss` metric
MODEL_FLATTEN_LAYERS = "_flatten_layers"         # keras.Layer: every nested layer
OPTIMIZER_ALL_REDUCE = "_all_reduce_sum_gradients"  # TF-backend optimizer: patched per instance
OPTIMIZER_VAR_KEY = "_var_key"                   # TF-backend optimizer: variable -> key
OPTIMIZER_LEARNING_RATE = "_learning_rate"       # optimizer: the schedule object itself
OPTIMIZER_ITERATIONS = "_iterations"             # optimizer: the counter its schedule reads
OPTIMIZER_WEIGHT_DECAY = "_apply_weight_decay"   # TF-backend optimizer: patched per instance
OPTIMIZER_USE_DECAY = "_use_weight_decay"        # optimizer: decay_exclude filter per variable
OPTIMIZER_STRATEGY = "_distribution_strategy"    # TF-backend optimizer: its tf.distribute strategy
METRIC_DIRECTION = "_direction"                  # keras.metrics.Metric: 'up' / 'down'
STRATEGY_MULTI_WORKER = "_in_multi_worker_mode"  # tf.distribute StrategyExtended
MODEL_TRAIN_FUNCTION = "train_function"          # TF trainer: what fit calls; RecipeModel times it
MODEL_MAKE_TRAIN_FUNCTION = "make_train_function"  # TF trainer: overridden by RecipeModel


class KerasCompatError(KerasRecipesError):
    """An installed Keras/TensorFlow lacks a private API this package relies on."""


def versions() -> str:
    """The installed versions, for messages."""
    import keras

    try:
        import tensorflow as tf

        return f"Keras {keras.__version__}, TensorFlow {tf.__version__}"
    except ImportError:  # pragma: no cover - TensorFlow is a dependency
        return f"Keras {keras.__version__}"


def require(owner: Any, name: str) -> Any:
    """`getattr(owner, name)`, or a `KerasCompatError` naming the versions checked."""
    try:
        return getattr(owner, name)
    except AttributeError:
        kind = owner.__name__ if isinstance(owner, type) else type(owner).__name__
        raise KerasCompatError(
            f"{kind}.{name} is missing in {versions()} -> keras_recipes was checked on Keras "
            f"{CHECKED_KERAS[0]}-{CHECKED_KERAS[1]} with TensorFlow {CHECKED_TF[0]}-"
            f"{CHECKED_TF[1]}; install a version in that range") from None


# ------------------------------------------------------------------- models
def flatten_layers(model) -> Iterator[Any]:
    """Every layer inside `model` (nested models and layers included), `model` first."""
    return require(model, MODEL_FLATTEN_LAYERS)(include_self=True, recursive=True)


def model_strategy(model):
    """The `tf.distribute` strategy `model` was created under, or None (the default)."""
    return getattr(model, MODEL_STRATEGY, None)


def loss_tracker(model):
    """The metric behind the `loss` entry of `model`'s logs."""
    return require(model, MODEL_LOSS_TRACKER)


def unscale_loss_for_distribution(loss):
    """The loss as logged: Keras scales it down by the replica count for the gradient."""
    try:
        from keras.src.losses.loss import unscale_loss_for_distribution as unscale
    except ImportError:  # moved: the same arithmetic
        import tensorflow as tf

        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        return loss * replicas if replicas > 1 else loss
    return unscale(loss)


def reduce_step_outputs(outputs, strategy):
    """A train step's per-replica outputs reduced as `Model.fit` reduces them ("auto")."""
    try:
        from keras.src.backend.tensorflow.trainer import reduce_per_replica
    except ImportError:  # moved: the plain mean over replicas (Keras' "auto" for metrics)
        import tensorflow as tf

        if strategy.num_replicas_in_sync == 1:
            return outputs
        return tf.nest.map_structure(
            lambda v: strategy.reduce("MEAN", v, axis=None), outputs)
    return reduce_per_replica(outputs, strategy, reduction="auto")


def op_determinism_enabled() -> bool:
    """Whether `tf.config.experimental.enable_op_determinism()` is in force (TensorFlow has
    no public getter; under it `tf.timestamp` raises)."""
    try:
        from tensorflow.python.framework.config import is_op_determinism_enabled
    except ImportError:  # moved: assume on, the safe side (no in-graph timestamps)
        return True
    return bool(is_op_determinism_enabled())


def disable_op_determinism() -> None:
    """Turns op determinism off again (TensorFlow's public API can only turn it on), so a
    recipe without `deterministic` run after one with it in the same process (tune trials,
    a notebook, tests) is not silently deterministic. Checked: TF 2.16-2.21."""
    try:
        from tensorflow.python.framework.config import disable_op_determinism
    except ImportError:  # moved: leave it as it is
        return
    disable_op_determinism()


def _flat_metrics(metrics) -> Iterator[Any]:
    """Metrics with Keras' `CompileMetrics` containers opened."""
    for metric in metrics:
        inner = getattr(metric, "metrics", None)
        if isinstance(inner, (list, tuple)) and inner and inner[0] is not metric:
            yield from _flat_metrics(inner)
        else:
            yield metric


def declared_direction(model, name: str) -> Optional[str]:
    """`min`/`max` from the private `_direction` (`up`/`down`) Keras metrics declare, for
    the model's metric called `name` (a `val_` prefix is ignored); None when unknown."""
    name = name.removeprefix("val_")
    for metric in _flat_metrics(getattr(model, "metrics", None) or []):
        if getattr(metric, "name", None) == name:
            direction = getattr(metric, METRIC_DIRECTION, None)
            if direction in ("up", "down"):
                return "max" if direction == "up" else "min"
    return None


# --------------------------------------------------------------- optimizers
def supports_gradient_taps(optimizer) -> bool:
    """Whether the all-reduced gradients can be tapped (a TensorFlow-backend optimizer)."""
    return hasattr(optimizer, OPTIMIZER_ALL_REDUCE) and hasattr(optimizer, OPTIMIZER_VAR_KEY)


def variable_key(optimizer, variable):
    """The key `optimizer` files `variable` under (matches the tapped gradients)."""
    return require(optimizer, OPTIMIZER_VAR_KEY)(variable)


def schedule_object(optimizer):
    """What `optimizer` holds as its learning rate: a variable, schedule or callable
    (the public `learning_rate` evaluates a schedule instead)."""
    return getattr(optimizer, OPTIMIZER_LEARNING_RATE, optimizer.learning_rate)


def iterations_variable(optimizer):
    """The iteration counter `optimizer` evaluates its schedule at."""
    return getattr(optimizer, OPTIMIZER_ITERATIONS, optimizer.iterations)


# ----------------------------------------------------------- tf.distribute
def in_multi_worker_mode(strategy) -> bool:
    """Whether `strategy` spans several workers."""
    check = getattr(strategy.extended, STRATEGY_MULTI_WORKER, None)
    return bool(check()) if check is not None else False


def scale_weight_decay(optimizer, multiplier_of) -> None:
    """Makes `optimizer`'s decoupled weight decay follow per-variable LR multipliers.

    Keras decays each updated variable by `variable * weight_decay * lr` with
    the optimizer's single learning rate (TF backend: `_apply_weight_decay`,
    one `extended.update` per variable). This replaces that method on this
    instance only with the same arithmetic times `multiplier_of(variable)` (a
    Python float, read when the train step is traced), as AdamW does with a
    per-group LR: `variable -= variable * weight_decay * lr * multiplier`.
    """
    import keras
    import tensorflow as tf

    require(optimizer, OPTIMIZER_WEIGHT_DECAY)
    use_decay = require(optimizer, OPTIMIZER_USE_DECAY)

    def apply_weight_decay(variables):
        if optimizer.weight_decay is None:
            return

        def distributed(distribution, variables, **kwargs):
            def decay(variable):
                if use_decay(variable):
                    lr = tf.cast(optimizer.learning_rate, variable.dtype)
                    wd = tf.cast(optimizer.weight_decay, variable.dtype)
                    variable.assign_sub(variable * wd * (lr * multiplier_of(variable)))

            for variable in variables:
                if isinstance(variable, keras.Variable):
                    variable = variable.value
                distribution.extended.update(variable, decay, group=False)

        tf.__internal__.distribute.interim.maybe_merge_call(
            distributed, require(optimizer, OPTIMIZER_STRATEGY), variables)

    setattr(optimizer, OPTIMIZER_WEIGHT_DECAY, apply_weight_decay)
