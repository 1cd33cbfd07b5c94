"""Reading recipe text defensively: size, encoding, nesting depth and alias expansion bounded.

A recipe is small. A hostile or broken one must end in one message, quickly:

- more than `MAX_BYTES` of text, or a file that is not UTF-8 (UTF-16 from a
  Windows editor, Latin-1) -> a `RecipeError` naming the file and the byte;
- nesting deeper than `MAX_DEPTH` (Python's recursion limit would otherwise
  end the process with a `RecursionError`);
- aliases whose expansion exceeds `MAX_NODES` nodes (the "billion laughs"
  alias bomb, which hangs anything that walks the structure), or an alias
  that contains itself.

`BoundedSafeLoader` is a `yaml.SafeLoader`: no tags that build objects.

Example:
    >>> text = read_recipe_text("recipes/quickstart.yaml")
    >>> data = yaml.load(text, Loader=BoundedSafeLoader)
"""

from __future__ import annotations

import codecs
from pathlib import Path

import yaml

from keras_recipes.errors import RecipeError

MAX_BYTES = 1 << 20
MAX_DEPTH = 64
MAX_NODES = 100_000

_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
         (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))


class YAMLBoundError(yaml.YAMLError):
    """The text is valid YAML but exceeds a bound (depth, expansion, recursion)."""


def decode_recipe_bytes(raw: bytes, source: str) -> str:
    """UTF-8 text (a UTF-8 BOM is dropped) or a RecipeError saying how to fix the file."""
    if len(raw) > MAX_BYTES:
        raise RecipeError(f"{source}: {len(raw):,} bytes -> a recipe of at most "
                          f"{MAX_BYTES:,} bytes (data belongs in data files)")
    for bom, name in _BOMS:
        if raw.startswith(bom):
            raise RecipeError(f"{source}: {name} text -> save the recipe as UTF-8")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        raise RecipeError(f"{source}: not UTF-8 text (byte 0x{raw[err.start]:02x} on line "
                          f"{line}) -> save the recipe as UTF-8") from None


def read_recipe_text(path: str | Path) -> str:
    """The text of a recipe file, bounded and decoded (see `decode_recipe_bytes`)."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise RecipeError(f"{path}: {size:,} bytes -> a recipe of at most {MAX_BYTES:,} bytes "
                          "(data belongs in data files)")
    return decode_recipe_bytes(path.read_bytes(), str(path))


class BoundedSafeLoader(yaml.SafeLoader):
    """`yaml.SafeLoader` that refuses deep nesting, alias bombs and recursive aliases."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise YAMLBoundError(f"nesting deeper than {MAX_DEPTH} levels (line "
                                     f"{mark.line + 1}) -> a flatter recipe")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self):
        node = super().compose_document()
        _check_expansion(node)
        return node


def _check_expansion(root) -> None:
    """Counts the nodes the document expands to (aliases counted each time they are used),
    without expanding it; refuses more than MAX_NODES, and aliases that contain themselves."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            if total > MAX_NODES:
                raise YAMLBoundError(f"aliases expand to more than {MAX_NODES:,} values (line "
                                     f"{node.start_mark.line + 1}) -> fewer or smaller "
                                     "anchors/aliases")
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise YAMLBoundError(f"an alias contains itself (line {node.start_mark.line + 1}) "
                                 "-> a recipe without recursive anchors")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def _children(node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
