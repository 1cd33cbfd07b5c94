"""Walking the recipe schema along a key path: pydantic error locations and dotted paths.

Pydantic's error locations contain the tags of discriminated unions
(`('model', 'mlp', 'hidden')`) and the branch names of plain unions
(`('training', 'steps_per_execution', 'int')`). `locate` follows a location
through the schema, so it knows which part is a key, which a tag and which a
branch, and returns the user's dotted path with the class and kind holding it.

Example:

>>> locate(("model", "cnn", "filters", 0)).path
'model.filters[0]'
>>> locate(("model", "cnn", "filters", 0)).kind
'cnn'
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, Optional

from pydantic import BaseModel

from keras_recipes.config.kinds import Kinds, kinds_of


@dataclasses.dataclass
class Location:
    """Where a location points: the dotted `path`, the class holding its last key
    (`holder`), the innermost kind-switched section crossed (`kinds`, `kind`) and the
    schema node reached (a class, an annotation, a `Kinds`, or None past the schema)."""

    path: str
    holder: Optional[type[BaseModel]]
    kinds: Optional[Kinds]
    kind: Optional[str]
    node: Any


def field_node(field) -> Any:
    """A field's annotation, or its `Kinds` when the field is a kind-switched section."""
    for meta in field.metadata:
        kinds = getattr(meta, "kinds", None)
        if isinstance(kinds, Kinds):
            return kinds
    return field.annotation


def _is_model(node: Any) -> bool:
    return isinstance(node, type) and issubclass(node, BaseModel)


def unwrap(node: Any) -> Any:
    """`Optional[X]` -> `X` (and a kind-switched union -> its `Kinds`)."""
    kinds = kinds_of(node)
    if kinds is not None:
        return kinds
    if typing.get_origin(node) is typing.Union:
        args = [a for a in typing.get_args(node) if a is not type(None)]
        if len(args) == 1:
            return unwrap(args[0])
    if typing.get_origin(node) is typing.Annotated:
        return unwrap(typing.get_args(node)[0])
    return node


def _branch(node: Any, label: str) -> Any:
    """The member of a plain union that pydantic labels `label` (e.g. `list[int]`)."""
    for arg in typing.get_args(node):
        if _is_model(arg) and arg.__name__ == label:
            return arg
        origin = typing.get_origin(arg)
        if origin is not None and label.startswith(f"{getattr(origin, '__name__', '')}["):
            return arg
    return None


def locate(loc: tuple, root: type[BaseModel] | None = None) -> Location:
    """Follows a pydantic error location from `root` (default: the Recipe schema)."""
    if root is None:
        from keras_recipes.config.schema import Recipe

        root = Recipe
    node: Any = root
    path, holder, kinds, kind = "", root, None, None
    for part in loc:
        node = unwrap(node)
        if isinstance(node, Kinds):
            kinds, kind, node = node, str(part), node.classes.get(part)
            continue
        if isinstance(part, int):
            path += f"[{part}]"
            args = typing.get_args(node)
            node = args[0] if args and typing.get_origin(node) in (list, tuple) else None
            continue
        origin = typing.get_origin(node)
        if origin is typing.Union:
            node = _branch(node, str(part))  # a branch label, not a key
            continue
        path += f".{part}" if path else str(part)
        if _is_model(node):
            holder = node
            field = node.model_fields.get(part)
            node = field_node(field) if field is not None else None
        elif origin is dict:
            node = typing.get_args(node)[1]
        else:
            node = None
    return Location(path or "recipe", holder, kinds, kind, unwrap(node))


def dotted_path_problem(dotted: str, root: type[BaseModel] | None = None,
                        skip: tuple[str, ...] = ()) -> Optional[str]:
    """None when `dotted` (e.g. `model.filters`) names a key of some kind, else the problem.

    A key below a free-form mapping (e.g. `model.args.width`) is accepted as is.
    """
    from keras_recipes.registry import did_you_mean

    if root is None:
        from keras_recipes.config.schema import Recipe

        root = Recipe
    node: Any = root
    parts = dotted.split(".")
    for depth, part in enumerate(parts):
        node = unwrap(node)
        if isinstance(node, Kinds):
            fields = {}
            for cls in node.classes.values():
                fields.update({k: f for k, f in cls.model_fields.items() if k not in fields})
        elif _is_model(node):
            fields = dict(node.model_fields)
        elif typing.get_origin(node) is dict or node is dict:
            return None  # free-form mapping: any key below it
        else:
            return f"not a recipe key -> {'.'.join(parts[:depth])} has no sub-keys"
        fields = {k: f for k, f in fields.items() if not (depth == 0 and k in skip)}
        field = fields.get(part)
        if field is None:
            prefix = ".".join(parts[:depth])
            where = f"keys of {prefix}" if prefix else "recipe sections"
            return (f"not a recipe key -> {where}: {', '.join(sorted(fields))}"
                    f"{did_you_mean(part, fields)}")
        node = field_node(field)
    return None
