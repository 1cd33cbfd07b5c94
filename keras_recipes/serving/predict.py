"""`predict RUN_DIR INPUT`: a run's model on new raw data, written as a CSV.

Classification rows hold where the example came from (`input`: a line, file
or index), the predicted class name and its `probability`, then one
`probability_<class>` column per class, or with `--top K` the next K-1 most
probable classes (`top2`, `probability2`, ...). Regression rows hold the
predicted value(s) in the target's units (`predicted`).

Examples that cannot be read are reported by line or file after the others
are written, and the command exits with status 2.

Example:

```
keras-recipes predict runs/census/20261201-101500 new_rows.csv --out predictions.csv
```
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import sys
from pathlib import Path
from typing import Optional

import numpy as np

from keras_recipes.errors import DataError, UsageError

MAX_LISTED_PROBLEMS = 5


@dataclasses.dataclass
class Prediction:
    """What `predict_run` did: rows written, where, and the examples it could not read."""

    written: int
    out: Optional[Path]
    problems: list[str]


def load_served(run_dir):
    """`(model, RunInfo)` of a run directory, or of a `.keras` file with `serving.json` beside.

    Raises:
        UsageError: no hand-back model or `serving.json` there.
    """
    from keras_recipes.serving.handback import MODEL_FILE, load_handback
    from keras_recipes.serving.run_info import INFO_FILE, read_run_info

    path = Path(run_dir)
    model_file = path / MODEL_FILE if path.is_dir() else path
    info = read_run_info(path)
    if not model_file.is_file() or info is None:
        missing = MODEL_FILE if not model_file.is_file() else INFO_FILE
        raise UsageError(f"predict: {str(run_dir)!r} has no {missing} -> a run directory "
                         "written by a finished `train` (or its model.keras)")
    return load_handback(model_file), info


def _header(info, top: Optional[int], width: int) -> list[str]:
    if info.task != "classification":
        if width == 1:
            return ["input", "predicted"]
        names = info.target if info.target and len(info.target) == width else range(width)
        return ["input"] + [f"predicted_{n}" for n in names]
    head = ["input", "predicted", "probability"]
    if top:
        return head + [f"{kind}{i}" for i in range(2, top + 1) for kind in ("top", "probability")]
    return head + [f"probability_{name}" for name in info.class_names]


def _class_names(info, width: int) -> list[str]:
    names = list(info.class_names or [])
    return names if len(names) == width else [str(i) for i in range(width)]


def _rows(sources: list[str], outputs: np.ndarray, info, top: Optional[int]):
    def number(value) -> str:
        return format(float(value), ".8g")

    if info.task != "classification":
        for source, values in zip(sources, outputs.reshape(len(sources), -1)):
            yield [source] + [number(v) for v in values]
        return
    names = _class_names(info, outputs.shape[-1])
    for source, probabilities in zip(sources, outputs):
        order = np.argsort(-probabilities, kind="stable")
        row = [source, names[order[0]], number(probabilities[order[0]])]
        if top:
            row += [cell for k in order[1:top] for cell in (names[k], number(probabilities[k]))]
        else:
            row += [number(p) for p in probabilities]
        yield row


def _as_probabilities(outputs: np.ndarray) -> np.ndarray:
    """A single sigmoid column becomes the two classes' probabilities."""
    outputs = np.asarray(outputs, np.float64)
    if outputs.ndim == 2 and outputs.shape[-1] == 1:
        return np.concatenate([1.0 - outputs, outputs], axis=-1)
    return outputs


def _model_inputs(values: list[dict], signature):
    """Stacks examples into the model's input structure of tensors."""
    import tensorflow as tf

    stacked = {}
    for model_input in signature.inputs:
        key = model_input.key or model_input.name
        array = np.stack([v[key] for v in values])
        stacked[key] = tf.constant(array.astype(object) if model_input.is_string else array)
    if signature.is_dict:
        return stacked if signature.inputs[0].key is not None else list(stacked.values())
    return next(iter(stacked.values()))


@contextlib.contextmanager
def _output(out: Optional[Path]):
    if out is None:
        yield sys.stdout
        return
    from keras_recipes.run.atomic import atomic_file

    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(out, "w") as handle:
        yield handle


def predict_run(run_dir, input_path, out=None, top: Optional[int] = None,
                batch_size: int = 256) -> Prediction:
    """Predicts every example of `input_path` with the run's `model.keras` and writes a CSV.

    Args:
        run_dir: a run directory (or its `model.keras`).
        input_path: a CSV, image file or folder, text file or `.npz` (see `serving.inputs`).
        out: the CSV to write; standard output when None.
        top: write the `top` most probable classes instead of every class's probability.
        batch_size: examples per model call.

    Returns:
        A `Prediction` (rows written, problems).

    Raises:
        UsageError: a bad argument, or INPUT cannot hold this model's inputs.
        DataError: some examples could not be read. With `out`, nothing is written (a
            partial file would pass for a complete one); on standard output the readable
            examples' rows have been printed.
    """
    from keras_recipes.serving.inputs import RawSignature, read_records

    if top is not None and top < 1:
        raise UsageError(f"--top: {top} -> at least 1")
    if batch_size < 1:
        raise UsageError(f"--batch-size: {batch_size} -> at least 1")
    model, info = load_served(run_dir)
    if top is not None and info.task != "classification":
        raise UsageError(f"--top: {top} -> only for classification (this run is "
                         f"{info.task})")
    signature = RawSignature.of(model)
    records = read_records(input_path, signature, info.target)
    out = Path(out) if out is not None else None
    problems: list[str] = []
    written = 0
    with _output(out) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        header_written = False
        pending = []

        def flush():
            nonlocal header_written, written
            if not pending:
                return
            outputs = np.asarray(model.predict_on_batch(
                _model_inputs([r.values for r in pending], signature)))
            if info.task == "classification":
                outputs = _as_probabilities(outputs)
            width = outputs.shape[-1] if outputs.ndim > 1 else 1
            k = min(top, width) if top else None
            if not header_written:
                writer.writerow(_header(info, k, width))
                header_written = True
            writer.writerows(_rows([r.source for r in pending], outputs, info, k))
            written += len(pending)
            pending.clear()

        for record in records:
            if record.problem is not None:
                problems.append(record.problem)
                continue
            pending.append(record)
            if len(pending) >= batch_size:
                flush()
        flush()
        if problems:  # inside the atomic write: --out is not written (an old file stays)
            listed = "; ".join(problems[:MAX_LISTED_PROBLEMS])
            more = len(problems) - MAX_LISTED_PROBLEMS
            done = (f"{out} not written" if out is not None
                    else f"{written} prediction(s) printed")
            raise DataError(f"predict: {len(problems)} example(s) of {input_path} could not be "
                            f"read ({done}; fix or remove them and rerun): {listed}"
                            + (f"; and {more} more" if more > 0 else ""))
    if written == 0:
        raise UsageError(f"predict: INPUT {str(input_path)!r} holds no examples -> "
                         f"{signature.describe()}")
    return Prediction(written, out, problems)
