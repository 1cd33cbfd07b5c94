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
        wait, compute, start, last, steps = timing.T
        return ClockReading(
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
    # On an accelerator a step's ops return once queued: copying an output to the host
    # makes the end timestamp wait for the step to finish. On a CPU they run in place.
    accelerator = bool(tf.config.list_logical_devices("GPU")
                       or tf.config.list_logical_devices("TPU"))

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

        def cond(i, outputs, batch, wait, compute, last):
            return tf.logical_and(i < steps_per_execution, batch.has_value())

        def body(i, outputs, batch, wait, compute, last):
            new_outputs, t0, t1 = timed_step(batch.get_value(), last)
            following = tf.cond(i + 1 < steps_per_execution,
                                iterator.get_next_as_optional, lambda: batch)
            return (i + 1, new_outputs, following, wait + (t0 - last), compute + (t1 - t0), t1)

        steps, outputs, _, wait, compute, last = tf.while_loop(
            cond, body, [tf.constant(0), outputs, first, zero, zero, start])
        return outputs, steps, tf.stack([wait, compute, start, last, tf.cast(steps, tf.float64)])

    def timed_step(data, previous_end):
        """`(outputs, t0, t1)`: t0 once the batch is there and the previous step is done."""
        with tf.control_dependencies(_tensors(data) + [previous_end]):
            t0 = tf.timestamp()
        with tf.control_dependencies([t0]):
            outputs = step(data)
        done = []
        if accelerator:
            with tf.device("/CPU:0"):  # the step has finished, not only been queued
                done = [tf.identity(t) for t in tf.nest.flatten(outputs)[:1]]
        with tf.control_dependencies(done + tf.nest.flatten(outputs)):
            t1 = tf.timestamp()
        return outputs, t0, t1

    @tf.function(reduce_retracing=True)
    def one_timed_step(iterator):
        """`steps_per_execution: 1`: one step, no loop (as Keras does); the end of the data
        raises `OutOfRangeError` from `get_next`, which `fit` takes as the epoch's end."""
        start = tf.timestamp()
        with tf.control_dependencies([start]):
            data = iterator.get_next()
        outputs, t0, t1 = timed_step(data, start)
        one = tf.constant(1.0, tf.float64)
        return outputs, tf.constant(1), tf.stack([t0 - start, t1 - t0, start, t1, one])

    def function(iterator):
        if not isinstance(iterator, (tf.data.Iterator, tf.distribute.DistributedIterator)):
            return fallback(iterator)
        begin = time.time()
        if steps_per_execution == 1:
            outputs, _, timing = one_timed_step(iterator)
        else:
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


def _without_optionals(spec):
    """The element spec with optional components as None (how the step receives them)."""
    import tensorflow as tf

    return tf.nest.map_structure(
        lambda s: None if isinstance(s, tf.OptionalSpec) else s, spec)
