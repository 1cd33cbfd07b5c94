"""Pydantic validation errors as one line each: dotted key, what was given, what is allowed.

Example:

>>> error_lines({"type": "extra_forbidden", "loc": ("model", "mlp", "filters"),
...              "input": [8], "msg": "Extra inputs are not permitted"})
["model.filters: [8] -> only used with type cnn, resnet (here type is 'mlp')"]
"""

from __future__ import annotations

import re
from typing import Any

from keras_recipes.config.kinds import Kinds
from keras_recipes.config.schema_walk import locate
from keras_recipes.config.sections import FieldProblems
from keras_recipes.registry import did_you_mean


def given(value: Any) -> str:
    """`repr(value)`, shortened to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def one_of(choices) -> str:
    """`'a', 'b' or 'c'` (pydantic's wording for literals)."""
    quoted = [repr(c) for c in choices]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def error_lines(error: dict) -> list[str]:
    """The message lines for one entry of `ValidationError.errors()`."""
    loc, kind, value = tuple(error["loc"]), error["type"], error.get("input")
    where = locate(loc)
    path = where.path
    if kind == "extra_forbidden":
        return [_unknown_key(where, str(loc[-1]), value)]
    if kind in ("union_tag_invalid", "union_tag_not_found") and isinstance(where.node, Kinds):
        kinds = where.node
        key = f"{path}.{kinds.key}" if path != "recipe" else kinds.key
        if kind == "union_tag_not_found":
            return [f"{key}: missing -> one of {one_of(kinds.names())}"]
        tag = value.get(kinds.key) if isinstance(value, dict) else error["ctx"]["tag"]
        return [f"{key}: {given(tag)} -> one of {one_of(kinds.names())}"
                f"{did_you_mean(tag, kinds.names())}"]
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        choices = re.findall(r"'([^']*)'", expected)
        return [f"{path}: {given(value)} -> one of {expected}{did_you_mean(value, choices)}"]
    if kind == "value_error":
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, FieldProblems):
            return [f"{path}.{sub}: {message}" if sub and path != "recipe" else
                    f"{sub or path}: {message}" for sub, message in cause.problems]
        return [f"{path}: {given(value)} -> {error['msg'].removeprefix('Value error, ')}"]
    if kind == "missing":
        if where.kinds is not None and where.kind in where.kinds.classes:
            return [f"{path}: missing -> required with {where.kinds.key} '{where.kind}'"]
        return [f"{path}: missing -> required"]
    return [f"{path}: {given(value)} -> {error['msg'][0].lower()}{error['msg'][1:]}"]


# Names users bring from other tools, and where the recipe keeps them.
ALIASES = {
    "lr": "optimizer.learning_rate", "learning_rate": "optimizer.learning_rate",
    "wd": "optimizer.weight_decay", "weight_decay": "optimizer.weight_decay",
    "epochs": "training.epochs", "num_epochs": "training.epochs", "n_epochs": "training.epochs",
    "max_epochs": "training.epochs", "bs": "data.batch_size", "batch_size": "data.batch_size",
    "scheduler": "schedule.name", "optim": "optimizer.name",
}


def _alias_hint(path: str, key: str) -> str:
    """` (did you mean 'learning_rate'?)` for `optimizer.lr`; the full path when the key
    belongs to another section (`epochs` at the top level -> `training.epochs`)."""
    target = ALIASES.get(key.lower())
    if target is None:
        return ""
    section, _, leaf = target.rpartition(".")
    here = path.rpartition(".")[0] if "." in path else ""
    if here == section:
        return "" if leaf == key else f" (did you mean '{leaf}'?)"
    return f" (did you mean '{target}'? it belongs in the {section} section)"


def _unknown_key(where, key: str, value: Any) -> str:
    """A key the class does not declare: which kinds use it, or the keys allowed here."""
    kinds, kind = where.kinds, where.kind
    holder = where.holder
    if kinds is not None and holder is kinds.classes.get(kind):
        users = [name for name in kinds.users(key) if name != kind]
        if users and holder.unused_reason:
            return (f"{where.path}: {given(value)} -> not used by {kinds.section}.{kinds.key} "
                    f"'{kind}' ({holder.unused_reason})")
        if users:
            return (f"{where.path}: {given(value)} -> only used with {kinds.key} "
                    f"{', '.join(users)} (here {kinds.key} is '{kind}')")
    allowed = sorted(holder.model_fields) if holder is not None else []
    hint = _alias_hint(where.path, key) or did_you_mean(key, allowed)
    return (f"{where.path}: unknown key (given {given(value)}) -> allowed keys: "
            f"{', '.join(allowed)}{hint}")
