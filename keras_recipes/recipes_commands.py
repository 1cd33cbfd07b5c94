"""Commands over the shipped recipes: `list`, `show NAME`, `cp NAME FILE`.

They read YAML only (no TensorFlow import), so they answer in a fraction of a
second from any folder.

Example:

    keras-recipes list                      # the shipped recipes, with descriptions
    keras-recipes list my_recipes/          # a folder of your own
    keras-recipes show digits_cnn           # the file as shipped, comments included
    keras-recipes show digits_cnn --resolved   # after `extends:` and defaults
    keras-recipes cp quickstart mine.yaml   # a copy to edit, then `train mine.yaml`
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from keras_recipes.errors import RecipeError, UsageError
from keras_recipes.recipes_catalog import RECIPE_SUFFIXES, shipped_recipe, shipped_recipes


def add_parsers(commands, add_common) -> None:
    """Adds `list`, `show` and `cp` to the `keras-recipes` sub-command parsers."""
    listing = commands.add_parser("list", help="list the shipped recipes (or a folder's) "
                                  "with their descriptions")
    listing.add_argument("directory", nargs="?",
                         help="a folder of your own recipes (default: the shipped ones)")
    add_common(listing)

    show = commands.add_parser("show", help="print a shipped recipe")
    show.add_argument("name", help="shipped recipe name, e.g. quickstart (see `list`)")
    show.add_argument("--resolved", action="store_true",
                      help="print it after `extends:`, overrides and defaults are applied")
    add_common(show)

    copy = commands.add_parser("cp", help="copy a shipped recipe to a file to edit")
    copy.add_argument("name", help="shipped recipe name, e.g. quickstart (see `list`)")
    copy.add_argument("file", help="file to write (or a folder: FOLDER/NAME.yaml)")
    copy.add_argument("--force", action="store_true", help="overwrite an existing file")
    add_common(copy)


def cmd_list(args: argparse.Namespace) -> int:
    """Prints one line per recipe: its name and the first line of its description."""
    if args.directory is None:
        recipes = shipped_recipes()
        if not recipes:
            raise UsageError("list: this installation ships no recipes -> reinstall "
                             "keras-recipes, or name a folder: list DIRECTORY")
        print("Shipped recipes (`keras-recipes train NAME`; `keras-recipes cp NAME FILE` "
              "writes one out to edit):")
        _print_table({name: file for name, file in recipes.items()})
        return 0
    folder = Path(args.directory)
    files = sorted(f for f in folder.glob("*") if f.suffix in RECIPE_SUFFIXES and f.is_file())
    if not files:
        raise UsageError(f"list: no recipes in {str(folder)!r} -> a folder of *.yaml recipes")
    _print_table({file.name: file for file in files})
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Prints a shipped recipe as shipped, or resolved with `--resolved`."""
    file = shipped_recipe(args.name)
    if not args.resolved:
        print(file.read_text(), end="")
        return 0
    import yaml

    from keras_recipes.config import load_recipe

    recipe = load_recipe(file, args.overrides)
    print(yaml.safe_dump(recipe.model_dump(mode="json"), sort_keys=False), end="")
    return 0


def cmd_cp(args: argparse.Namespace) -> int:
    """Writes a shipped recipe's text to a file (a folder gets `NAME.yaml` inside)."""
    source = shipped_recipe(args.name)
    target = Path(args.file)
    if target.is_dir():
        target = target / source.name
    if target.exists() and not args.force:
        raise UsageError(f"cp: {str(target)!r} exists -> another file name, or --force "
                         "to overwrite it")
    if not target.parent.is_dir():
        raise UsageError(f"cp: {str(target.parent)!r} is not a folder -> an existing folder")
    text, data_file = _point_at_shipped_data(source)
    target.write_text(text)
    print(f"wrote {target} (from the shipped {source.stem}); train it with "
          f"`keras-recipes train {target}`")
    if data_file is not None:
        print(f"its data.path now names the shipped data {data_file}")
    return 0


def _point_at_shipped_data(source: Path) -> tuple[str, Path | None]:
    """The recipe text, with a relative `data.path` made absolute (it is relative to the
    shipped recipe, not to the copy); comments and layout are kept."""
    import re

    from keras_recipes.config.loader import parse_yaml

    text = source.read_text()
    data = parse_yaml(text, str(source))
    given = data.get("data", {}).get("path") if isinstance(data, dict) and \
        isinstance(data.get("data"), dict) else None
    if not isinstance(given, str) or Path(given).is_absolute() or \
            not (source.parent / given).exists():
        return text, None
    shipped = (source.parent / given).resolve()
    line = re.compile(r"^(\s+path:\s*)(['\"]?)" + re.escape(given) + r"\2(?=\s*(#.*)?$)", re.M)
    text, count = line.subn(lambda m: m.group(1) + json.dumps(str(shipped)), text, count=1)
    return (text, shipped) if count else (source.read_text(), None)


def _print_table(files: dict[str, Path]) -> None:
    from keras_recipes.config import read_recipe_dict

    width = max(len(name) for name in files)
    for name, file in files.items():
        try:
            description = str(read_recipe_dict(file).get("description") or "").strip()
        except RecipeError as err:
            description = f"(invalid: {err.problems[0]})"
        first_line = description.splitlines()[0] if description else ""
        print(f"  {name:<{width}}  {first_line}")


COMMANDS = {"list": cmd_list, "show": cmd_show, "cp": cmd_cp}
