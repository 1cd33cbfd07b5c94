"""A functional model whose train step gets accumulation and distributed clipping right.

Plain Keras 3 (TensorFlow backend) has two traps this train step avoids:

- `clipnorm` / `global_clipnorm` under `MirroredStrategy` clip each replica's
  gradient before the all-reduce, so a 2-replica step can move the weights by
  twice the clip norm. Here gradients are all-reduced first, then clipped.
- `gradient_accumulation_steps` raises a `merge_call` error under
  `MirroredStrategy`, and its LR schedule counts micro-batches. Here each step
  receives K micro-batches at once (a batch of K*B per replica), computes and
  sums their gradients one micro-batch at a time, and applies one optimizer
  update: exactly the update of a batch of K*B, with `iterations` (and every
  schedule) counting optimizer updates.
- Keras averages per-replica mean losses, which is not the global mean when a
  partial batch is split unevenly (21/20). Here each replica's loss is its
  summed loss over the global batch's example count.
- `jit_compile=True` under several replicas fails in Keras (XLA cannot compile
  a step whose variables live on several devices). Here each replica's
  forward and backward pass is XLA-compiled, the reduction stays outside.
"""

from __future__ import annotations

import keras

from keras_recipes import _keras_compat as compat


@keras.saving.register_keras_serializable(package="keras_recipes")
class RecipeModel(keras.Model):
    """`keras.Model` (functional) with gradient accumulation and post-all-reduce clipping.

    Build it from any functional model's graph and set the training options:

    Example:

    >>> inputs = keras.Input((4,))
    >>> outputs = keras.layers.Dense(2, activation="softmax")(inputs)
    >>> model = RecipeModel(inputs, outputs)
    >>> model.configure_training(gradient_accumulation=4, global_clipnorm=1.0)
    >>> model.compile("adam", "sparse_categorical_crossentropy")

    Feed it batches of `gradient_accumulation * micro_batch` examples (per
    replica); each batch is one optimizer update. The optimizer must be built
    without its own clipping (the model clips, after the all-reduce).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.per_replica_xla = False
        self._xla_micro_step = None
        self.step_clock = None
        """A `timed_steps.StepClock`: when set, `fit` times each step's wait and compute."""
        self.configure_training()

    def configure_training(self, gradient_accumulation: int = 1,
                           global_clipnorm: float | None = None,
                           clipnorm: float | None = None,
                           clipvalue: float | None = None) -> None:
        """Sets how gradients are accumulated and clipped (not saved with the model).

        Args:
            gradient_accumulation: micro-batches per optimizer update. Defaults to 1.
            global_clipnorm: clip the global norm of the all-reduced gradient.
            clipnorm: clip each all-reduced gradient tensor's norm.
            clipvalue: clip each all-reduced gradient element to [-v, v].
        """
        if int(gradient_accumulation) < 1:
            raise ValueError("Argument `gradient_accumulation` must be >= 1. Received: "
                             f"gradient_accumulation={gradient_accumulation}")
        self.gradient_accumulation = int(gradient_accumulation)
        self.global_clipnorm = global_clipnorm
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue

    # ------------------------------------------------------------------ build
    def _maybe_symbolic_build(self, iterator=None, data_batch=None):  # compat.MODEL_SYMBOLIC_BUILD
        """Builds from one replica's share of the first batch (overrides a private Keras
        hook, checked by tests/test_keras_compat.py).

        Keras averages the first batch across replicas to build the model
        symbolically. That fails when the shares differ in size (a last
        partial batch split 79/78: `AddN ... must have the same size and
        shape`), and across workers on any PerReplica value
        (keras-team/keras#20585). The shapes are all that matter, so the first
        replica's local share is used instead (it is never the smaller one).
        """
        import tensorflow as tf

        strategy = compat.model_strategy(self)
        if iterator is None or strategy is None:
            return super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)
        for _, _, it in iterator:
            batch = next(it)
            break
        local = tf.nest.map_structure(
            lambda v: strategy.experimental_local_results(v)[0]
            if isinstance(v, tf.distribute.DistributedValues) else v, batch)
        return super()._maybe_symbolic_build(data_batch=local)

    # ------------------------------------------------------------------ step
    def train_step(self, data):
        import tensorflow as tf

        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        k = self.gradient_accumulation
        weights = self.trainable_weights
        global_examples = _global_examples(tf.shape(tf.nest.flatten(x)[0])[0])
        total = None
        for i in range(k):
            part = (lambda t: None if t is None else _micro(t, i, k))
            mx, my, msw = (tf.nest.map_structure(part, v) if v is not None else None
                           for v in (x, y, sample_weight))
            # One micro-batch at a time: the next forward pass waits for the previous
            # gradients, so peak memory is that of one micro-batch.
            with tf.control_dependencies(total or []):
                loss, grads, y_pred = self._micro_step(mx, my, msw, global_examples)
            count = tf.shape(tf.nest.flatten(mx)[0])[0]
            compat.loss_tracker(self).update_state(compat.unscale_loss_for_distribution(loss),
                                                   sample_weight=count)
            total = grads if total is None else [a + b for a, b in zip(total, grads)]
            self.compute_metrics(mx, my, y_pred, sample_weight=msw)
        total = self._clip_after_all_reduce(total)
        self.optimizer.apply(total, weights)
        return self._for_reduction(self.get_metrics_result())

    def _micro_step(self, x, y, sample_weight, global_examples):
        """`(loss, gradients, predictions)` of one micro-batch on this replica; XLA-compiled
        per replica when `compile(jit_compile=True)` runs under several replicas."""
        if self.per_replica_xla:
            if getattr(self, "_xla_micro_step", None) is None:
                import tensorflow as tf

                self._xla_micro_step = tf.function(self._gradients, jit_compile=True,
                                                   reduce_retracing=True)
            return self._xla_micro_step(x, y, sample_weight, global_examples)
        return self._gradients(x, y, sample_weight, global_examples)

    def _gradients(self, x, y, sample_weight, global_examples):
        import tensorflow as tf

        weights = self.trainable_weights
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                     training=True)
            count = tf.shape(tf.nest.flatten(x)[0])[0]
            exact = _exact_share(loss, self.losses, count, global_examples,
                                 self.gradient_accumulation)
            scaled = self.optimizer.scale_loss(exact)
        grads = tape.gradient(scaled, weights)
        grads = [tf.zeros_like(w) if g is None else g for g, w in zip(grads, weights)]
        return loss, grads, y_pred

    def compile(self, *args, jit_compile="auto", **kwargs):
        """`keras.Model.compile`; `jit_compile=True` under several replicas compiles each
        replica's forward and backward pass with XLA (Keras would compile the whole
        replicated step, which XLA cannot: variables live on several devices)."""
        import tensorflow as tf

        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        self.per_replica_xla = bool(jit_compile is True and replicas > 1)
        self._xla_micro_step = None
        if self.per_replica_xla:
            jit_compile = False
        super().compile(*args, jit_compile=jit_compile, **kwargs)

    def compile_from_config(self, config):
        """Compiles a loaded model from its saved `get_compile_config()` (optimizer, loss,
        metrics), as Keras does for models with their own `compile`: Keras' version skips
        those with a "`compile()` was not called" warning; this `compile` takes the same
        arguments. The optimizer is built so its saved variables load too."""
        try:
            config = keras.saving.deserialize_keras_object(config)
        except (TypeError, ValueError) as err:  # e.g. a loss class this process lacks
            import warnings

            warnings.warn(f"RecipeModel: not compiled on loading ({err}); call compile() "
                          "before training or evaluating it", stacklevel=2)
            return
        self.compile(**config)
        if getattr(self, "optimizer", None) is not None and self.built:
            self.optimizer.build(self.trainable_variables)

    def make_train_function(self, force=False):  # compat.MODEL_MAKE_TRAIN_FUNCTION
        """Keras' train function, or with `step_clock` set the same loop timed in the graph
        (`keras_recipes.training.timed_steps`: waiting for each batch vs computing it)."""
        if self.train_function is not None and not force:
            return self.train_function
        super().make_train_function(force=True)
        if (self.step_clock is not None and not self.run_eagerly
                and not compat.op_determinism_enabled()):  # tf.timestamp is refused then
            from keras_recipes.training.timed_steps import timed_train_function

            self.train_function = timed_train_function(self, self.step_clock,
                                                       fallback=self.train_function)
        return self.train_function

    def test_step(self, data):
        return self._for_reduction(super().test_step(data))

    def _for_reduction(self, logs):
        """Under MultiWorkerMirroredStrategy Keras reduces step outputs with
        `strategy.reduce("MEAN", v, axis=0)`, which fails on scalars; a leading axis
        of one makes that reduction the plain cross-replica mean."""
        import tensorflow as tf

        strategy = tf.distribute.get_strategy()
        if not compat.in_multi_worker_mode(strategy):
            return logs
        return tf.nest.map_structure(lambda v: tf.reshape(v, [1]), logs)

    def _clip_after_all_reduce(self, grads):
        """All-reduces (when replicated) and clips the gradient of the global batch.

        Keras' optimizer all-reduces (sums) again when it applies, so the
        reduced gradient is divided by the replica count: the sum of N equal
        shares gives back the reduced gradient.
        """
        import tensorflow as tf

        if not (self.global_clipnorm or self.clipnorm or self.clipvalue):
            return grads
        context = tf.distribute.get_replica_context()
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        if context is not None and replicas > 1:
            grads = context.all_reduce(tf.distribute.ReduceOp.SUM, grads)
        scale = getattr(self.optimizer, "dynamic_scale", None)
        if scale is not None:  # mixed_float16: clip the unscaled gradient
            grads = [g / tf.cast(scale, g.dtype) for g in grads]
        if self.clipvalue:
            grads = [tf.clip_by_value(g, -self.clipvalue, self.clipvalue) for g in grads]
        if self.clipnorm:
            grads = [tf.clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm:
            grads, _ = tf.clip_by_global_norm(grads, self.global_clipnorm)
        if scale is not None:
            grads = [g * tf.cast(scale, g.dtype) for g in grads]
        if context is not None and replicas > 1:
            grads = [g / replicas for g in grads]
        return grads


def _global_examples(local_examples):
    """Examples in the global batch (all replicas, all micro-batches) as float32.

    Keras divides each replica's summed loss by the replica's own example count
    and then by the number of replicas: the mean of per-replica means, which is
    not the global mean when the shares differ (a last partial batch split
    21/20). `_exact_share` rescales the data part of the loss to

    ```
    loss_r = sum of the replica's per-example losses / examples in the global batch
    ```

    so the all-reduced gradient is that of one device on the whole batch;
    regularization losses keep Keras' 1/replicas (their sum over replicas counts
    them once) and 1/K per micro-batch. The count is summed through
    `merge_call`, like the optimizer's own gradient reduction: collective
    all-reduces issued from replica context and from `merge_call` are matched
    by launch order, which differs between replicas.
    """
    import tensorflow as tf

    local = tf.cast(local_examples, tf.float32)
    context = tf.distribute.get_replica_context()
    if tf.distribute.get_strategy().num_replicas_in_sync == 1 or context is None:
        return local
    return context.merge_call(lambda strategy, value: strategy.extended.reduce_to(
        tf.distribute.ReduceOp.SUM, value, value), args=(local,))


def _exact_share(loss, regularization: list, micro_examples, global_examples,
                 accumulation: int):
    """`loss` (Keras' total for one micro-batch on one replica) with its data part
    rescaled to this replica's share of the global batch (see `_global_examples`)."""
    import tensorflow as tf

    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    extra = tf.add_n([tf.reduce_sum(tf.cast(r, loss.dtype)) for r in regularization]) \
        if regularization else tf.zeros((), loss.dtype)
    extra = extra / replicas
    # Keras' data loss is sum / micro_examples / replicas.
    factor = (tf.cast(micro_examples, loss.dtype) * replicas
              / tf.maximum(tf.cast(global_examples, loss.dtype), 1.0))
    return (loss - extra) * factor + extra / accumulation


def _micro(tensor, index: int, count: int):
    """The `index`-th of `count` slices along the batch axis (sizes differ by at most one
    when the batch does not divide: every example is used once)."""
    import tensorflow as tf

    if count == 1:
        return tensor
    size = tf.shape(tensor)[0]
    return tensor[(index * size) // count:((index + 1) * size) // count]


def as_recipe_model(model: keras.Model) -> keras.Model:
    """Rebuilds a functional model as a `RecipeModel` sharing its layers.

    Raises:
        ValueError: `model` is not functional (a subclassed model has no graph
            to rebuild); such models train with Keras' own train step.
    """
    try:
        inputs, outputs = model.inputs, model.outputs
    except (AttributeError, ValueError):
        inputs = outputs = None
    if not inputs or not outputs:
        raise ValueError(f"Model {model.name!r} is not functional: it has no symbolic inputs "
                         "and outputs to rebuild a RecipeModel from.")
    return RecipeModel(inputs=inputs, outputs=outputs, name=model.name)
