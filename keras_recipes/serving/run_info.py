"""`serving.json`: what a reader of `model.keras` needs besides the model.

Written beside `model.keras` by the run (and beside every export), read by
`predict`:

```json
{"format": 1, "task": "classification", "class_names": ["cat", "dog"],
 "outputs": "probabilities",
 "inputs": [{"name": "image", "dtype": "float32", "shape": [64, 64, 3]}],
 "input_structure": "single", "target": null, "keras": "3.15.1"}
```

`class_names` is always a list for classification (`"0"`, `"1"`, ... when
the data had no names); `target` names the target column(s) of a table
(regression outputs come in the target's units).

Example:

>>> info = read_run_info("runs/census/20261201-101500")
>>> info.class_names
['<=50K', '>50K']
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Optional

INFO_FILE = "serving.json"
_FORMAT = 1


@dataclasses.dataclass
class RunInfo:
    """The contents of `serving.json`.

    Attributes:
        task: `"classification"` or `"regression"`.
        class_names: one name per model output column (classification).
        inputs: `{"name", "dtype", "shape"}` per raw input, shape without the batch axis.
        input_structure: `"single"` (one tensor) or `"dict"` (keyed by input name).
        target: the target column name(s) of a table, when known.
    """

    task: str
    class_names: Optional[list[str]] = None
    inputs: list[dict] = dataclasses.field(default_factory=list)
    input_structure: str = "single"
    target: Optional[list[str]] = None

    def to_json(self) -> dict:
        import keras

        return {"format": _FORMAT, "task": self.task, "class_names": self.class_names,
                "outputs": "probabilities" if self.task == "classification" else "values",
                "inputs": self.inputs, "input_structure": self.input_structure,
                "target": self.target, "keras": keras.__version__}


def describe_inputs(model) -> tuple[list[dict], str]:
    """The raw inputs of a (hand-back) model as JSON-able dicts, and their structure."""
    structure = "dict" if isinstance(model.input, dict) else "single"
    inputs = [{"name": t.name, "dtype": str(t.dtype),
               "shape": [None if d is None else int(d) for d in t.shape[1:]]}
              for t in model.inputs]
    return inputs, structure


def run_info_for(model, spec, target: Optional[list[str]] = None) -> RunInfo:
    """The `RunInfo` of a hand-back `model` trained on data described by `spec`."""
    names = None
    if spec.task == "classification":
        names = ([str(n) for n in spec.class_names] if spec.class_names
                 else [str(i) for i in range(spec.num_outputs)])
    inputs, structure = describe_inputs(model)
    return RunInfo(spec.task, names, inputs, structure, target)


def write_run_info(path: Path, info: RunInfo) -> None:
    """Writes `info` to `path` (a file) atomically."""
    from keras_recipes.run import write_json_atomic

    write_json_atomic(Path(path), info.to_json())


def read_run_info(where) -> Optional[RunInfo]:
    """`serving.json` of a run directory (or beside a `.keras` file), or None if absent."""
    where = Path(where)
    path = where / INFO_FILE if where.is_dir() else where.with_name(INFO_FILE)
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return RunInfo(task=data["task"], class_names=data.get("class_names"),
                   inputs=data.get("inputs", []),
                   input_structure=data.get("input_structure", "single"),
                   target=data.get("target"))
