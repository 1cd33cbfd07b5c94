"""Regenerates the recipe reference in docs/REFERENCE.md from the schema.

Usage: python tools/update_reference.py
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from keras_recipes.config.reference import recipe_reference_markdown, replace_block  # noqa: E402

reference = ROOT / "docs" / "REFERENCE.md"
reference.write_text(replace_block(reference.read_text(), recipe_reference_markdown()))
print(f"updated {reference}")
