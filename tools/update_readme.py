"""Regenerates the recipe reference in README.md from the schema.

Usage: python tools/update_readme.py
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from keras_recipes.config.reference import recipe_reference_markdown, replace_block  # noqa: E402

readme = ROOT / "README.md"
readme.write_text(replace_block(readme.read_text(), recipe_reference_markdown()))
print(f"updated {readme}")
