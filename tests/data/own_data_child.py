"""Run in a fresh process by `test_own_data_training.py` (2 virtual CPUs set before TF starts).

For each source named on the command line: trains the recipe uninterrupted, then
again interrupted (KeyboardInterrupt) after optimizer step 3, resumed from its
`state.npz`; prints one JSON line per source with both runs' final states equal or not.
"""

import json
import sys
from pathlib import Path

import keras
import numpy as np


class InterruptAtStep(keras.callbacks.Callback):
    def __init__(self, step):
        super().__init__()
        self.step = step

    def on_train_batch_end(self, batch, logs=None):
        if int(keras.ops.convert_to_numpy(self.model.optimizer.iterations)) >= self.step:
            raise KeyboardInterrupt(f"test interrupt at step {self.step}")


def _state(run_dir):
    with np.load(run_dir / "state.npz") as data:
        return {k: data[k] for k in data.files if k != "__meta__"}


def main(work: Path, names):
    from keras_recipes.config import load_recipe
    from keras_recipes.training.trainer import train

    for name in names:
        recipe = load_recipe(work / f"{name}.yaml")
        reference, resumed = work / f"{name}_reference", work / f"{name}_resumed"
        reference.mkdir()
        resumed.mkdir()
        lines = []
        done = train(recipe, reference, echo=lines.append)
        try:
            train(recipe, resumed, echo=lines.append, extra_callbacks=[InterruptAtStep(3)])
            interrupted = False
        except KeyboardInterrupt:
            interrupted = True
        again = train(recipe, resumed, echo=lines.append, resume_from=resumed / "state.npz")
        a, b = _state(reference), _state(resumed)
        same = a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
        print(json.dumps({"source": name, "interrupted": interrupted, "same_state": same,
                          "same_metrics": done.metrics == again.metrics,
                          "metrics": done.metrics, "replicas_line": [
                              line for line in lines if "replica(s)" in line][:1],
                          "resumed_line": [line for line in lines if "resuming" in line][:1]}),
              flush=True)


if __name__ == "__main__":
    from keras_recipes import runtime

    runtime.split_cpu(2)
    main(Path(sys.argv[1]), sys.argv[2:])
