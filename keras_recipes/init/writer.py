"""Renders the recipe `init` writes: YAML with a comment beside every choice.

Example:

>>> print(render_recipe("census", "Census income.", [("model", [("type", "mlp", "")])],
...                     header=["inferred: ..."]))
# inferred: ...
name: census
description: Census income.
seed: 42
<BLANKLINE>
model:
  type: mlp
<BLANKLINE>
"""

from __future__ import annotations

from typing import Any, Sequence

import yaml

COMMENT_COLUMN = 36
"""Comments start at this column when the line is shorter."""


class Block(list):
    """A nested mapping written one `(key, value, comment)` entry per line."""


def render_recipe(name: str, description: str, sections: Sequence[tuple[str, list]],
                  header: Sequence[str] = (), seed: int = 42) -> str:
    """The recipe text: header comment lines, `name`/`description`/`seed`, the sections.

    Args:
        name: recipe name (the run directory's name).
        description: one line, shown by `list`.
        sections: `[(section, [(key, value, comment), ...])]`; a `Block`
            value is written as a nested mapping, one commented entry per line.
        header: comment lines written first (without the `# `).
        seed: the recipe seed.
    """
    lines = [f"# {line}".rstrip() for line in header]
    lines += [f"name: {_flow(name)}", f"description: {_flow(description)}", f"seed: {seed}"]
    for section, entries in sections:
        lines += ["", f"{section}:"]
        lines += _entries(entries, "  ")
    return "\n".join(lines) + "\n"


def _entries(entries: Sequence[tuple[str, Any, str]], indent: str) -> list[str]:
    lines = []
    for key, value, comment in entries:
        if isinstance(value, Block):
            lines.append(_with_comment(f"{indent}{_flow(key)}:", comment))
            lines += _entries(value, indent + "  ")
        else:
            lines.append(_with_comment(f"{indent}{_flow(key)}: {_flow(value)}", comment))
    return lines


def _with_comment(line: str, comment: str) -> str:
    if not comment:
        return line
    return f"{line:<{COMMENT_COLUMN}}  # {comment}" if len(line) < COMMENT_COLUMN \
        else f"{line}  # {comment}"


def _flow(value: Any) -> str:
    """One-line YAML for a value (flow style for lists and mappings)."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000, sort_keys=False)
    return text.removesuffix("\n").removesuffix("\n...").strip()
