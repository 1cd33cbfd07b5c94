"""TensorBoard HParams dashboard for a search: one experiment, one session per trial.

Layout under `<run>/tensorboard/`: the experiment (the search space and the
objective) at the top, and each trial's session in `trial_<id>/` with its
hyperparameter values and its objective as a scalar (`tensorboard --logdir
<run>/tensorboard`). The trial's own curves, when the recipe's TensorBoard
callback is on, are in `<run>/trials/trial_<id>/tensorboard`.

Example:

>>> write_experiment(run_dir / "tensorboard", specs, "val_accuracy")
>>> write_session(run_dir / "tensorboard" / "trial_00", "00", {"model.dropout": 0.3},
...               {"val_accuracy": 0.97})
"""

from __future__ import annotations

import json
from pathlib import Path


def hparam_value(value):
    """A value TensorBoard HParams can hold (bool, int, float, str); lists become JSON."""
    if isinstance(value, (bool, int, float, str)):
        return value
    return json.dumps(value)


def _domain(spec, hp_api):
    if spec.kind == "int":
        return hp_api.IntInterval(int(spec.values[0]), int(spec.values[1]))
    if spec.kind == "float":
        return hp_api.RealInterval(float(spec.values[0]), float(spec.values[1]))
    values = [hparam_value(spec.to_hp(v)) for v in spec.candidates()]
    return hp_api.Discrete(values)


def write_experiment(logdir: Path, specs: dict, objective: str) -> None:
    """Writes the experiment summary: every tuned path with its domain, the objective."""
    import tensorflow as tf
    from tensorboard.plugins.hparams import api as hp_api

    hparams = [hp_api.HParam(path, _domain(spec, hp_api)) for path, spec in specs.items()]
    writer = tf.summary.create_file_writer(str(logdir))
    with writer.as_default():
        hp_api.hparams_config(hparams=hparams,
                              metrics=[hp_api.Metric(objective, display_name=objective)])
    writer.close()


def write_session(logdir: Path, trial_id: str, values: dict, metrics: dict) -> None:
    """Writes one trial's session: its values and its finite metrics at step 0."""
    import math

    import tensorflow as tf
    from tensorboard.plugins.hparams import api as hp_api

    writer = tf.summary.create_file_writer(str(logdir))
    with writer.as_default():
        hp_api.hparams({k: hparam_value(v) for k, v in values.items()}, trial_id=trial_id)
        for name, value in metrics.items():
            if value is not None and math.isfinite(value):
                tf.summary.scalar(name, value, step=0)
    writer.close()
