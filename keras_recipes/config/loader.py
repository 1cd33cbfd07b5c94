"""Reading recipes: YAML (safe only), `extends:`, `--set` overrides, validation.

Example:

>>> recipe = load_recipe("recipes/quickstart.yaml", overrides=["training.epochs=5"])
>>> recipe.training.epochs
5
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import ValidationError

from keras_recipes.config.problems import error_lines
from keras_recipes.config.safe_yaml import (MAX_BYTES, BoundedSafeLoader, YAMLBoundError,
                                            read_recipe_text)
from keras_recipes.config.schema import Recipe
from keras_recipes.errors import RecipeError
from keras_recipes.python_ref import remember_recipe_folder
from keras_recipes.recipes_catalog import resolve_recipe


class _RecipeLoader(BoundedSafeLoader):
    """SafeLoader that also reads `1e-3` (no dot) as a float, as users expect (and refuses
    deep nesting and alias bombs: `safe_yaml.py`)."""


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
    if len(text) > MAX_BYTES:
        raise RecipeError(f"{source}: {len(text):,} characters -> at most {MAX_BYTES:,}")
    try:
        return yaml.load(text, Loader=_RecipeLoader)  # noqa: S506 - a SafeLoader subclass
    except YAMLBoundError as err:
        raise RecipeError(f"{source}: {err}") from None
    except yaml.constructor.ConstructorError as err:
        tag = getattr(err, "problem", "") or str(err)
        raise RecipeError(f"{source}: {tag.strip()} -> plain YAML only (no !!python tags; "
                          "reference code with `python: module:function`)") from None
    except yaml.YAMLError as err:
        raise RecipeError(f"{source}: not valid YAML -> {err}".replace("\n", " ")) from None


def read_recipe_dict(path: str | Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Reads a recipe file (or shipped recipe name) and resolves its `extends:` chain
    (paths relative to the file, else shipped recipe names: `keras_recipes.recipes_catalog`)."""
    path = resolve_recipe(path)
    resolved = path.resolve()
    if resolved in _seen:
        chain = " -> ".join(str(p) for p in _seen + (resolved,))
        raise RecipeError(f"extends: circular chain {chain}")
    data = parse_yaml(read_recipe_text(path), str(path))
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RecipeError(f"{path}: {type(data).__name__} -> a mapping of recipe sections")
    parent = data.pop("extends", None)
    if parent is not None:
        if not isinstance(parent, str):
            raise RecipeError(f"extends: {parent!r} -> a path to another recipe (relative to "
                              "this file) or a shipped recipe name")
        base = read_recipe_dict(resolve_recipe(parent, path.parent), _seen + (resolved,))
        data = merge_recipes(base, data)
    _resolve_paths(data, path.parent)
    remember_recipe_folder(path.parent)  # `python:` modules beside the recipe resolve
    return data


def _resolve_paths(data: dict[str, Any], base: Path) -> None:
    """Makes `data.path` (and `model.from`/`model.weights`) relative to the recipe file
    that names them."""
    for name, key in (("data", "path"), ("model", "from"), ("model", "weights")):
        section = data.get(name)
        if isinstance(section, dict) and isinstance(section.get(key), str):
            file = Path(section[key]).expanduser()
            if not file.is_absolute() and (base / file).exists():
                section[key] = str((base / file).resolve())


def _kind_keys() -> dict[str, str]:
    """`{section: kind key}` of the recipe's kind-switched sections, e.g. `model: type`."""
    from keras_recipes.config.kinds import Kinds
    from keras_recipes.config.schema_walk import unwrap, field_node

    found = {name: unwrap(field_node(field)) for name, field in Recipe.model_fields.items()}
    return {name: node.key for name, node in found.items() if isinstance(node, Kinds)}


# Values written in exactly one unit: a child's replaces the parent's whole (a parent's
# `warmup: {fraction: 0.05}` and a child's `warmup: {epochs: 2}` must not merge into two units).
_WHOLE_VALUES = (("schedule", "warmup"), ("schedule", "step_every"))


def merge_recipes(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """`extends:` semantics: deep merge, except sections whose kind key changes (a
    `linear` model must not inherit the `hidden` widths of the parent's `mlp`) and
    durations, which the child replaces whole."""
    merged = deep_merge(base, child)
    for section, key in _WHOLE_VALUES:
        own = child.get(section)
        if isinstance(own, dict) and key in own and isinstance(merged.get(section), dict):
            merged[section][key] = copy.deepcopy(own[key])
    for section, kind in _kind_keys().items():
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
        problems = [line for e in err.errors() for line in error_lines(e)]
        raise RecipeError(problems, source) from None


def load_recipe(path: str | Path, overrides: Iterable[str] = (),
                name_from_file: bool = True) -> Recipe:
    """Reads, merges, overrides and validates a recipe file."""
    data = apply_overrides(read_recipe_dict(path), overrides)
    if name_from_file and "name" not in data:
        data["name"] = re.sub(r"[^A-Za-z0-9_.-]", "_", Path(path).stem)
    return validate_dict(data, str(path))
