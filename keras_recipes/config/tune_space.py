"""The search space: `tune.space` entries keyed by dotted recipe paths (no TensorFlow import).

Part of the recipe schema (validated with the recipe); `keras_recipes.tuning` declares
the parsed entries on keras-tuner.

Each entry is exactly one of

    int: [low, high]          step (default 1), sampling linear|log|reverse_log
    float: [low, high]        step (optional), sampling linear|log|reverse_log
    choice: [a, b, ...]       any YAML values (lists and nulls too)
    bool: default             searches true and false

plus an optional `when: {other.path: value-or-list}`: the entry is only tuned
while that other (choice or bool) entry has one of those values.

Example:

>>> specs, problems = parse_space({
...     "optimizer.learning_rate": {"float": [1e-4, 1e-1], "sampling": "log"},
...     "model.hidden": {"choice": [[64], [128, 64]]}})
>>> problems, specs["model.hidden"].candidates()
([], [[64], [128, 64]])
"""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

KINDS = ("int", "float", "choice", "bool")
_OPTIONS = {"int": ("step", "sampling"), "float": ("step", "sampling"), "choice": (), "bool": ()}
_SAMPLINGS = ("linear", "log", "reverse_log")


@dataclasses.dataclass
class ParamSpec:
    """One tuned recipe path: its kind, range or values, and an optional condition."""

    path: str
    kind: str
    values: list  # [low, high] for int/float, the candidates for choice, [default] for bool
    step: float | None = None
    sampling: str = "linear"
    when: tuple[str, list] | None = None

    @property
    def encoded(self) -> bool:
        """Choices keras-tuner cannot hold (lists, nulls, mixed types) travel as JSON text."""
        if self.kind != "choice":
            return False
        kinds = {_scalar_kind(v) for v in self.values}
        return None in kinds or len(kinds) > 1

    def candidates(self) -> list:
        """Values that reach a recipe: both ends of a range, every choice, both booleans."""
        if self.kind == "bool":
            return [bool(self.values[0]), not self.values[0]]
        return list(self.values)

    def to_hp(self, value: Any) -> Any:
        """A recipe value as keras-tuner holds it."""
        if self.encoded:
            return json.dumps(value)
        if self.kind == "choice" and self._numeric_mix():
            return float(value)
        return value

    def from_hp(self, value: Any) -> Any:
        """A keras-tuner value as the recipe wants it."""
        if self.encoded:
            return json.loads(value)
        if self.kind == "int":
            return int(value)
        if self.kind == "float":
            return float(value)
        return value

    def _numeric_mix(self) -> bool:
        return {type(v) for v in self.values} == {int, float}

    def declare(self, hp, parent: "ParamSpec | None" = None) -> None:
        """Declares this entry on a keras-tuner `HyperParameters` object."""
        kwargs = {}
        if self.when is not None:
            kwargs = {"parent_name": self.when[0],
                      "parent_values": [parent.to_hp(v) for v in self.when[1]]}
        if self.kind == "int":
            hp.Int(self.path, int(self.values[0]), int(self.values[1]),
                   step=int(self.step) if self.step else None, sampling=self.sampling, **kwargs)
        elif self.kind == "float":
            hp.Float(self.path, float(self.values[0]), float(self.values[1]), step=self.step,
                     sampling=self.sampling, **kwargs)
        elif self.kind == "bool":
            hp.Boolean(self.path, default=bool(self.values[0]), **kwargs)
        else:
            hp.Choice(self.path, [self.to_hp(v) for v in self.values], **kwargs)


def _scalar_kind(value: Any):
    if value is None or isinstance(value, (list, dict)):
        return None
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "str"


def parse_space(space: dict[str, Any]) -> tuple[dict[str, ParamSpec], list[tuple[str, str]]]:
    """Reads `tune.space`; returns the specs and `(sub.path, message)` problems.

    Paths are checked against the recipe schema (a key below a free-form
    mapping such as `model.args` is accepted as is).
    """
    specs: dict[str, ParamSpec] = {}
    problems: list[tuple[str, str]] = []
    if not space:
        problems.append(("space", "empty -> at least one dotted path, e.g. "
                                  "optimizer.learning_rate: {float: [1e-4, 1e-1], sampling: log}"))
    for path, raw in space.items():
        where = f"space.{path}"
        path_problem = check_path(path)
        if path_problem:
            problems.append((where, path_problem))
            continue
        spec, spec_problems = _parse_entry(path, raw)
        problems.extend((f"{where}{sub}", message) for sub, message in spec_problems)
        if spec is not None:
            specs[path] = spec
    for path, spec in specs.items():
        if spec.when is None:
            continue
        parent = specs.get(spec.when[0])
        if parent is None or parent.kind not in ("choice", "bool") or parent.when is not None:
            problems.append((f"space.{path}.when", f"{spec.when[0]!r} -> an unconditional "
                                                   f"choice or bool entry of tune.space"))
            continue
        unknown = [v for v in spec.when[1] if v not in parent.candidates()]
        if unknown:
            problems.append((f"space.{path}.when", f"{unknown!r} -> values of {spec.when[0]}: "
                                                   f"{parent.candidates()!r}"))
    return specs, problems


def _parse_entry(path: str, raw: Any) -> tuple[ParamSpec | None, list[tuple[str, str]]]:
    if not isinstance(raw, dict):
        return None, [("", f"{raw!r} -> a mapping with one of {', '.join(KINDS)}")]
    kinds = [k for k in KINDS if k in raw]
    if len(kinds) != 1:
        return None, [("", f"{sorted(raw)} -> exactly one of {', '.join(KINDS)}")]
    kind = kinds[0]
    allowed = {kind, "when", *_OPTIONS[kind]}
    problems = [(f".{key}", f"unknown key -> allowed with {kind}: {', '.join(sorted(allowed))}")
                for key in raw if key not in allowed]
    value = raw[kind]
    if kind in ("int", "float"):
        number = int if kind == "int" else (int, float)
        if not (isinstance(value, list) and len(value) == 2
                and all(isinstance(v, number) and not isinstance(v, bool) for v in value)
                and value[0] < value[1]):
            problems.append((f".{kind}", f"{value!r} -> [low, high] {kind}s with low < high"))
        sampling = raw.get("sampling", "linear")
        if sampling not in _SAMPLINGS:
            problems.append((".sampling", f"{sampling!r} -> one of {', '.join(_SAMPLINGS)}"))
        elif sampling != "linear" and isinstance(value, list) and value and \
                not all(isinstance(v, (int, float)) and v > 0 for v in value):
            problems.append((f".{kind}", f"{value!r} -> positive bounds with {sampling} sampling"))
        step = raw.get("step")
        if step is not None and (not isinstance(step, number) or isinstance(step, bool)
                                 or step <= 0):
            problems.append((".step", f"{step!r} -> a positive {kind}"))
        values = list(value) if isinstance(value, list) else []
    elif kind == "choice":
        if not isinstance(value, list) or not value:
            problems.append((".choice", f"{value!r} -> a non-empty list of values"))
        elif len({json.dumps(v, sort_keys=True) for v in value}) != len(value):
            problems.append((".choice", f"{value!r} -> distinct values"))
        values = list(value) if isinstance(value, list) else []
        sampling, step = "linear", None
    else:
        if not isinstance(value, bool):
            problems.append((".bool", f"{value!r} -> true or false (the first value tried)"))
        values, sampling, step = [bool(value)], "linear", None
    when = raw.get("when")
    condition = None
    if when is not None:
        if not (isinstance(when, dict) and len(when) == 1):
            problems.append((".when", f"{when!r} -> one entry, e.g. {{schedule.name: one_cycle}}"))
        else:
            (parent, parent_values), = when.items()
            condition = (parent, parent_values if isinstance(parent_values, list)
                         else [parent_values])
    if problems:
        return None, problems
    return ParamSpec(path, kind, values, step, sampling, condition), []


def check_path(path: str) -> str | None:
    """None when `path` names a recipe key (of any kind), else the problem (`given -> allowed`)."""
    from keras_recipes.config.schema_walk import dotted_path_problem

    return dotted_path_problem(path, skip=("tune",))


def candidate_problems(base: dict[str, Any], specs: dict[str, ParamSpec]) -> list[tuple[str, str]]:
    """Sets each candidate value alone on `base` (a recipe dict without `tune`) and
    re-validates, so a value the recipe cannot take is reported before any trial."""
    from keras_recipes.config.loader import set_dotted, validate_dict
    from keras_recipes.errors import RecipeError

    problems = []
    for path, spec in specs.items():
        for value in spec.candidates():
            data = copy.deepcopy(base)
            if spec.when is not None:
                set_dotted(data, spec.when[0], spec.when[1][0])
            set_dotted(data, path, value)
            try:
                validate_dict(data)
            except RecipeError as err:
                problems.extend((f"tune.space.{path}", f"{value!r} -> gives an invalid recipe: "
                                                       f"{line}") for line in err.problems)
                break
    return problems
