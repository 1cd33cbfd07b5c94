"""Plain-text tables for the terminal.

Example:

>>> print("\\n".join(format_table([["key", "A"], ["lr", "0.001"]])))
key  A
lr   0.001
"""

from __future__ import annotations


def format_table(*blocks: list[list[str]]) -> list[str]:
    """Left-aligned columns shared by every block; blocks are separated by a blank line."""
    widths = [max(len(row[c]) for block in blocks for row in block)
              for c in range(len(blocks[0][0]))]
    lines: list[str] = []
    for index, block in enumerate(blocks):
        if index:
            lines.append("")
        lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
                  for row in block]
    return lines
