"""`keras-recipes init DATA`: a first recipe written from the data itself.

Looks at a CSV/Parquet table, a folder of class subfolders (images or text
files) or an `.npz` archive; infers the source keys, column kinds, target,
classes and input shape; picks a model family with the playbook's defaults;
writes a commented recipe that validates, and prints what it inferred and
what to check. No TensorFlow import: it answers in about a second.

Example:

    keras-recipes init census.csv --out census.yaml
    keras-recipes train census.yaml
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from keras_recipes.errors import RecipeError, UsageError

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".pq")


def add_parser(commands, add_common) -> None:
    """Adds `init` to the `keras-recipes` sub-command parsers."""
    init = commands.add_parser(
        "init", help="write a first recipe from your data (CSV/Parquet, image or text "
        "folder, .npz)")
    init.add_argument("data", help="a table file, a folder with one subfolder per class, "
                      "or an .npz archive")
    init.add_argument("--out", default="recipe.yaml",
                      help="recipe file to write (default: recipe.yaml)")
    init.add_argument("--task", choices=("classification", "regression"),
                      help="default: inferred from the target")
    init.add_argument("--target", help="tables: the label column (default: a column named "
                      "target/label/class..., else the last one)")
    init.add_argument("--name", help="recipe name (default: from the data's file name)")
    init.add_argument("--force", action="store_true", help="overwrite an existing --out file")
    add_common(init)


def cmd_init(args: argparse.Namespace) -> int:
    """Profiles `args.data`, writes the recipe to `args.out`, validates it, reports."""
    from keras_recipes import __version__
    from keras_recipes.config import load_recipe
    from keras_recipes.init.defaults import starter_sections
    from keras_recipes.init.writer import render_recipe

    data, out = Path(args.data).expanduser(), Path(args.out)
    if out.exists() and not args.force:
        raise UsageError(f"--out: {str(out)!r} exists -> another file name, or --force")
    if not out.parent.is_dir():
        raise UsageError(f"--out: folder {str(out.parent)!r} does not exist -> an existing "
                         "folder")
    profile = profile_data(data, args.task, args.target)
    if "path" not in profile.source or profile.source["path"] is None:
        profile.source = _with_path(profile.source, _relative(data, out.parent))
    name = args.name or re.sub(r"[^A-Za-z0-9_.-]", "_", data.stem if data.is_file()
                               else data.resolve().name)
    sections = starter_sections(profile)
    what = f"{profile.task} of {len(profile.classes)} classes" if profile.classes \
        else profile.task
    description = f"{what.capitalize()} on {data.name} ({profile.modality}), written by " \
                  "`keras-recipes init`."
    header = [f"Written by `keras-recipes init {data}` (keras-recipes {__version__}).",
              "What init inferred:", *(f"  - {line}" for line in profile.inferred)]
    if profile.checks:
        header += ["Check before training:", *(f"  - {line}" for line in profile.checks)]
    header += [f"Next: keras-recipes diagnose {out}   then   keras-recipes train {out}", ""]
    out.write_text(render_recipe(name, description, sections, header))
    try:
        load_recipe(out)
    except RecipeError as err:
        raise RecipeError([f"init wrote {out}, but it does not validate (please report "
                           "this): edit it", *err.problems]) from None
    print(f"init: {data} ->")
    for line in profile.inferred:
        print(f"  {line}")
    if profile.checks:
        print("check before training:")
        for line in profile.checks:
            print(f"  - {line}")
    print(f"wrote {out} (validated); train it with: keras-recipes train {out}")
    return 0


def profile_data(data: Path, task: str | None = None, target: str | None = None):
    """The `DataProfile` of a table file, class folder or `.npz` archive.

    Raises:
        UsageError: the path does not exist or is of no kind `init` reads.
    """
    if data.is_dir():
        from keras_recipes.init.folders import profile_folder

        if target is not None:
            raise UsageError("--target: only for tables -> in a folder the class is the "
                             "subfolder's name")
        if task == "regression":
            raise UsageError("--task regression: a folder of class subfolders is "
                             "classification -> a table or .npz for regression")
        return profile_folder(data)
    if not data.is_file():
        raise UsageError(f"init: {str(data)!r} does not exist -> a table file, a folder of "
                         "class subfolders, or an .npz archive")
    suffix = data.suffix.lower()
    if suffix == ".npz":
        from keras_recipes.init.arrays import profile_npz

        if target is not None:
            raise UsageError("--target: only for tables -> an .npz holds x and y arrays")
        return profile_npz(data, task)
    if suffix in TABLE_SUFFIXES:
        from keras_recipes.init.table import profile_table

        return profile_table(data, target, task)
    raise UsageError(f"init: {data.name}: {suffix or 'no suffix'} -> one of "
                     f"{', '.join(TABLE_SUFFIXES)}, .npz, or a folder of class subfolders")


def _relative(data: Path, folder: Path) -> str:
    """`data` as the recipe names it: relative to the recipe's folder when it lies inside
    it (the two move together), else absolute."""
    try:
        return data.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return str(data.resolve())


def _with_path(source: dict, path: str) -> dict:
    """`source` with `path` right after the `source` key."""
    items = list(source.items())
    return dict(items[:1] + [("path", path)] + items[1:])


COMMANDS = {"init": cmd_init}
