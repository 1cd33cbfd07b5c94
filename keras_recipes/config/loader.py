"""Reading recipes: YAML (safe only), `extends:`, `--set` overrides, validation.

Example:

>>> recipe = load_recipe("recipes/quickstart.yaml", overrides=["training.epochs=5"])
>>> recipe.training.epochs
5
"""

from __future__ import annotations

import copy
import re
import typing
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import BaseModel, ValidationError

from keras_recipes.config.schema import FieldProblems, Recipe
from keras_recipes.errors import RecipeError
from keras_recipes.registry import did_you_mean


class _RecipeLoader(yaml.SafeLoader):
    """SafeLoader that also reads `1e-3` (no dot) as a float, as users expect."""


_FLOAT = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$")
_RecipeLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))
# Integers must still be integers: re-register int with priority for plain digits.
_RecipeLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:float"]
    + [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:float"]
    for key, resolvers in _RecipeLoader.yaml_implicit_resolvers.items()
}


def parse_yaml(text: str, source: str = "<string>") -> Any:
    """`yaml.safe_load` semantics plus exponent floats; tags like `!!python/...` are refused."""
    try:
        return yaml.load(text, Loader=_RecipeLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.constructor.ConstructorError as err:
        tag = getattr(err, "problem", "") or str(err)
        raise RecipeError(f"{source}: {tag.strip()} -> plain YAML only (no !!python tags; "
                          "reference code with `python: module:function`)") from None
    except yaml.YAMLError as err:
        raise RecipeError(f"{source}: not valid YAML -> {err}".replace("\n", " ")) from None


def read_recipe_dict(path: str | Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Reads a recipe file and resolves its `extends:` chain (paths relative to the file)."""
    path = Path(path)
    if not path.is_file():
        raise RecipeError(f"{path}: no such recipe file")
    resolved = path.resolve()
    if resolved in _seen:
        chain = " -> ".join(str(p) for p in _seen + (resolved,))
        raise RecipeError(f"extends: circular chain {chain}")
    data = parse_yaml(path.read_text(), str(path))
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RecipeError(f"{path}: {type(data).__name__} -> a mapping of recipe sections")
    parent = data.pop("extends", None)
    if parent is not None:
        if not isinstance(parent, str):
            raise RecipeError(f"extends: {parent!r} -> a relative path to another recipe")
        base = read_recipe_dict(path.parent / parent, _seen + (resolved,))
        data = merge_recipes(base, data)
    _resolve_paths(data, path.parent)
    return data


def _resolve_paths(data: dict[str, Any], base: Path) -> None:
    """Makes `data.path` relative to the recipe file that names it."""
    section = data.get("data")
    if isinstance(section, dict) and isinstance(section.get("path"), str):
        file = Path(section["path"]).expanduser()
        if not file.is_absolute() and (base / file).exists():
            section["path"] = str((base / file).resolve())


# A section whose kind changes is replaced, not merged: a `linear` model must not
# inherit the `hidden` widths of the parent's `mlp`.
_KIND_KEYS = {"data": "source", "model": "type", "optimizer": "name", "schedule": "name"}


def merge_recipes(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """`extends:` semantics: deep merge, except sections whose kind key changes."""
    merged = deep_merge(base, child)
    for section, kind in _KIND_KEYS.items():
        parent, own = base.get(section), child.get(section)
        if isinstance(parent, dict) and isinstance(own, dict) and kind in own \
                and own[kind] != parent.get(kind, own[kind]):
            merged[section] = copy.deepcopy(own)
    return merged


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Returns `base` updated by `override`, merging nested mappings key by key."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def apply_overrides(data: dict[str, Any], overrides: Iterable[str]) -> dict[str, Any]:
    """Applies `dotted.key=value` overrides (values parsed as YAML) to a recipe dict."""
    data = copy.deepcopy(data)
    problems = []
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            problems.append(f"--set {item!r} -> KEY=VALUE, e.g. training.epochs=5")
            continue
        try:
            value = parse_yaml(raw, f"--set {key}")
        except RecipeError as err:
            problems.extend(err.problems)
            continue
        set_dotted(data, key.strip(), value)
    if problems:
        raise RecipeError(problems)
    return data


def set_dotted(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Sets `data[a][b][c] = value` for `a.b.c`, creating mappings on the way."""
    node = data
    parts = dotted.split(".")
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[parts[-1]] = value


def validate_dict(data: dict[str, Any], source: str | None = None) -> Recipe:
    """Validates a recipe dict; raises `RecipeError` listing every problem at once."""
    try:
        return Recipe.model_validate(data)
    except ValidationError as err:
        problems = [line for e in err.errors() for line in _format_error(e)]
        raise RecipeError(problems, source) from None


def load_recipe(path: str | Path, overrides: Iterable[str] = (),
                name_from_file: bool = True) -> Recipe:
    """Reads, merges, overrides and validates a recipe file."""
    data = apply_overrides(read_recipe_dict(path), overrides)
    if name_from_file and "name" not in data:
        data["name"] = re.sub(r"[^A-Za-z0-9_.-]", "_", Path(path).stem)
    return validate_dict(data, str(path))


# ------------------------------------------------------------ error messages
def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith(("function-", "literal[", "int", "bool", "list[", "str")):
            continue  # Union branch names pydantic adds to the location.
        else:
            out += f".{part}" if out else str(part)
    return out or "recipe"


def _given(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _section_at(loc: tuple) -> type[BaseModel] | None:
    """The schema class that holds the key at `loc` (for 'allowed keys' messages)."""
    model: Any = Recipe
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        field = model.model_fields.get(part)
        if field is None:
            return None
        model = _unwrap_model(field.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _unwrap_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _unwrap_model(arg)
        if found is not None:
            return found
    return None


def _format_error(error: dict) -> list[str]:
    loc, kind, given = tuple(error["loc"]), error["type"], error.get("input")
    path = _path(loc)
    if kind == "extra_forbidden":
        section = _section_at(loc)
        allowed = sorted(section.model_fields) if section else []
        hint = did_you_mean(loc[-1], allowed)
        return [f"{path}: unknown key (given {_given(given)}) -> allowed keys: "
                f"{', '.join(allowed)}{hint}"]
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        choices = re.findall(r"'([^']*)'", expected)
        return [f"{path}: {_given(given)} -> one of {expected}{did_you_mean(given, choices)}"]
    if kind == "value_error":
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, FieldProblems):
            lines = []
            for sub, message in cause.problems:
                full = f"{path}.{sub}" if sub and path != "recipe" else (sub or path)
                lines.append(f"{full}: {message}")
            return lines
        return [f"{path}: {_given(given)} -> {error['msg'].removeprefix('Value error, ')}"]
    if kind == "missing":
        return [f"{path}: missing -> required"]
    return [f"{path}: {_given(given)} -> {error['msg'][0].lower()}{error['msg'][1:]}"]
