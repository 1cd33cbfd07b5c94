"""A train function that times, inside the graph, waiting for each batch vs computing it.

Keras' TensorFlow trainer pulls the batches inside its compiled multi-step
function (`steps_per_execution` batches per call), so the host cannot see how
long a step waited for the input pipeline. This function runs the same loop
(`steps_per_execution` steps per call, the step itself compiled as Keras
compiles it, XLA included) with a `tf.timestamp` around each step:

```
call start --(wait)--> batch 1 ready --(compute)--> step 1 done --(wait)--> batch 2 ready ...
```

- `compute`: from "the batch is there and the previous step is done" to "this
  step's outputs exist" (on an accelerator the outputs are copied to the host,
  so the step has really finished, not only been queued);
- `wait`: from the previous step's end (or the call's start) to the batch
  being there: the time the step could not start for lack of data. The next
  batch is fetched while a step runs, as in Keras' loop, so a pipeline that
  keeps up shows almost no wait.

Per call the host adds its own clock (`time.time()`, the same wall clock as
`tf.timestamp`) before and after, which gives the dispatch time (launching the
call and returning its outputs). A `StepClock` keeps the per-call timings as
tensors and sums them when asked (once per epoch): nothing is read from the
device per call.

Example:

>>> clock = StepClock()
>>> model.step_clock = clock                 # a RecipeModel; fit builds the timed function
>>> model.fit(ds, epochs=1, steps_per_epoch=20)  # doctest: +SKIP
>>> clock.take()                               # doctest: +SKIP
ClockReading(wait=0.0012, compute=0.041, dispatch=0.0008, in_calls=0.043, steps=20, calls=1)
"""

from __future__ import annotations

import dataclasses
import time


@dataclasses.dataclass(frozen=True)
class ClockReading:
    """Seconds summed over the calls since the last reading."""

    wait: float = 0.0
    """Steps waiting for their batch."""
    compute: float = 0.0
    """Steps computing (forward, backward, update)."""
    dispatch: float = 0.0
    """Launching the calls and returning their outputs (host <-> compiled function)."""
    in_calls: float = 0.0
    """Wall time inside the train function (wait + compute + dispatch)."""
    steps: int = 0
    calls: int = 0
    examples: int = 0
    """Training examples in those steps (this worker's)."""
    tokens: int = 0
    """Sequence positions in them: integer inputs of rank 2 (token ids), else 0."""


class StepClock:
    """Collects the timed train function's per-call timings; `take()` sums and clears."""

    def __init__(self):
        self._calls: list = []

    def record(self, begin: float, timing, end: float) -> None:
        """One call: host time before, the in-graph timing tensor, host time after."""
        self._calls.append((begin, timing, end))

    def take(self) -> ClockReading:
        """The sums since the last `take` (one host read per call's small tensor)."""
        import numpy as np

        calls, self._calls = self._calls, []
        if not calls:
            return ClockReading()
        begin = np.array([c[0] for c in calls])
        end = np.array([c[2] for c in calls])
        timing = np.array([np.asarray(c[1]) for c in calls], dtype=np.float64)
        wait, compute, start, last, steps, examples, tokens = timing.T
        return ClockReading(examples=int(examples.sum()), tokens=int(tokens.sum()),

            wait=float(wait.sum()), compute=float(compute.sum()),
            dispatch=float(np.maximum(start - begin, 0).sum() + np.maximum(end - last, 0).sum()),
            in_calls=float((end - begin).sum()), steps=int(steps.sum()), calls=len(calls))


def timed_train_function(model, clock: StepClock, fallback):
    """The train function `model.fit` calls (one call = `steps_per_execution` steps), timed.

    Args:
        model: a compiled `keras.Model` (TensorFlow backend).
        clock: where each call's timing goes.
        fallback: Keras' own train function, for iterators that are not `tf.data`
            ones (Keras runs those step by step on the host).
    """
    import keras
    import tensorflow as tf

    from keras_recipes import _keras_compat as compat

    strategy = model.distribute_strategy

    def one_step_on_data(data):
        outputs = strategy.run(model.train_step, args=(data,))
        return compat.reduce_step_outputs(outputs, strategy)

    one_step = tf.function(one_step_on_data, reduce_retracing=True,
                           jit_compile=bool(model.jit_compile))

    def step(data):  # Keras passes a missing element (a tf Optional) to the step as None
        return one_step(keras.tree.map_structure(
            lambda v: None if isinstance(v, tf.experimental.Optional) else v, data))

    steps_per_execution = int(model.steps_per_execution or 1)

    @tf.function(reduce_retracing=True)
    def multi_step(iterator):
        start = tf.timestamp()
        with tf.control_dependencies([start]):
            first = iterator.get_next_as_optional()
        spec = _without_optionals(first.element_spec)
        outputs = tf.nest.map_structure(
            lambda s: tf.zeros(s.shape, s.dtype),
            tf.nest.map_structure(tf.TensorSpec.from_tensor,
                                  one_step.get_concrete_function(spec).structured_outputs))
        zero = tf.constant(0.0, tf.float64)

        def cond(i, outputs, batch, wait, compute, last, examples, tokens):
            return tf.logical_and(i < steps_per_execution, batch.has_value())

        def body(i, outputs, batch, wait, compute, last, examples, tokens):
            data = batch.get_value()
            counted, positions = _counts(data, strategy)
            with tf.control_dependencies(_tensors(data) + [last]):
                t0 = tf.timestamp()  # the batch is there and the previous step is done
            with tf.control_dependencies([t0]):
                new_outputs = step(data)
            with tf.device("/CPU:0"):  # an accelerator's step has finished, not only queued
                done = [tf.identity(t) for t in tf.nest.flatten(new_outputs)[:1]]
            with tf.control_dependencies(done + tf.nest.flatten(new_outputs)):
                t1 = tf.timestamp()
            following = tf.cond(i + 1 < steps_per_execution,
                                iterator.get_next_as_optional, lambda: batch)
            return (i + 1, new_outputs, following, wait + (t0 - last),
                    compute + (t1 - t0), t1, examples + counted, tokens + positions)

        steps, outputs, _, wait, compute, last, examples, tokens = tf.while_loop(
            cond, body, [tf.constant(0), outputs, first, zero, zero, start, zero, zero])
        timing = tf.stack([wait, compute, start, last, tf.cast(steps, tf.float64), examples,
                           tokens])
        return outputs, steps, timing

    def function(iterator):
        if not isinstance(iterator, (tf.data.Iterator, tf.distribute.DistributedIterator)):
            return fallback(iterator)
        begin = time.time()
        outputs, steps, timing = multi_step(iterator)
        if int(steps) == 0:
            raise StopIteration
        clock.record(begin, timing, time.time())
        return outputs

    return function


def _tensors(structure) -> list:
    """The tensors in a (possibly distributed) batch structure, for control dependencies."""
    import tensorflow as tf

    return [t for t in tf.nest.flatten(structure, expand_composites=True)
            if isinstance(t, tf.Tensor) and t.dtype != tf.variant]


def _counts(data, strategy):
    """`(examples, token positions)` in one batch (float64): the first input's batch size
    summed over this worker's replicas; positions are batch x length of an integer
    input of rank 2 (token ids), 0 for other inputs."""
    import keras
    import tensorflow as tf

    x = keras.utils.unpack_x_y_sample_weight(data)[0] if isinstance(data, tuple) else data
    first = tf.nest.flatten(x)[0]
    parts = (strategy.experimental_local_results(first)
             if isinstance(first, tf.distribute.DistributedValues) else [first])
    examples = tf.add_n([tf.cast(tf.shape(p)[0], tf.float64) for p in parts])
    if parts[0].shape.rank == 2 and parts[0].dtype.is_integer:
        return examples, tf.add_n([tf.cast(tf.size(p), tf.float64) for p in parts])
    return examples, tf.constant(0.0, tf.float64)


def _without_optionals(spec):
    """The element spec with optional components as None (how the step receives them)."""
    import tensorflow as tf

    return tf.nest.map_structure(
        lambda s: None if isinstance(s, tf.OptionalSpec) else s, spec)
