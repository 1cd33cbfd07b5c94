"""The shipped recipes, by name: `train quickstart` instead of a path.

The repository's `recipes/` folder is the one copy of the shipped recipes. An
installed package carries it as package data, `keras_recipes/recipes/`
(setup.py maps the folder there); a source checkout or an editable install
reads the folder itself.

A recipe reference is a path when that file exists, so a path always wins;
otherwise a reference without a folder part (`quickstart` or
`quickstart.yaml`) names a shipped recipe. The same rule resolves
`extends:`, relative to the file that says it, so a user's own recipe can
start with `extends: quickstart`.

Example:

>>> resolve_recipe("quickstart").name
'quickstart.yaml'
>>> "digits_cnn" in shipped_recipes()
True
"""

from __future__ import annotations

from pathlib import Path

from keras_recipes.errors import RecipeError

RECIPE_SUFFIXES = (".yaml", ".yml")
_PACKAGE = Path(__file__).resolve().parent


def recipes_dir() -> Path | None:
    """The folder of shipped recipes: package data when installed, else the checkout's.

    Returns:
        `keras_recipes/recipes/` of an installed package, the `recipes/` folder
        beside the package in a source checkout, or `None` when neither exists.
    """
    installed = _PACKAGE / "recipes"
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parent / "recipes"
    if checkout.is_dir() and (_PACKAGE.parent / "pyproject.toml").is_file():
        return checkout
    return None


def shipped_recipes() -> dict[str, Path]:
    """Shipped recipe names (file stems), sorted, mapped to their files."""
    folder = recipes_dir()
    if folder is None:
        return {}
    files = [f for f in folder.iterdir() if f.suffix in RECIPE_SUFFIXES and f.is_file()]
    return {f.stem: f for f in sorted(files)}


def shipped_recipe(name: str) -> Path:
    """The file of the shipped recipe `name` (`quickstart` or `quickstart.yaml`).

    Raises:
        RecipeError: no shipped recipe has that name; the message lists them.
    """
    recipes = shipped_recipes()
    stem = _bare_name(name)
    if stem in recipes:
        return recipes[stem]
    raise RecipeError(f"{name}: no shipped recipe of that name -> "
                      f"{_known(recipes, name, 'one of')}")


def resolve_recipe(reference: str | Path, base: str | Path | None = None) -> Path:
    """The recipe file a command-line argument or an `extends:` value refers to.

    Args:
        reference: a path to a YAML file, or the name of a shipped recipe.
        base: folder a relative path is read from (the file that says
            `extends:`); defaults to the working directory.

    Returns:
        The existing file `reference` names (relative to `base`); failing
        that, the shipped recipe of that name when `reference` has no folder part.

    Raises:
        RecipeError: neither a file nor a shipped recipe; the message lists
            the shipped recipes and suggests the closest name.
    """
    given = Path(reference).expanduser()
    path = Path(base) / given if base is not None and not given.is_absolute() else given
    if path.is_file():
        return path
    recipes = shipped_recipes()
    stem = _bare_name(str(reference))
    if stem is not None and stem in recipes:
        return recipes[stem]
    allowed = "a path to a recipe YAML file"
    if stem is not None:
        allowed += f" or a shipped recipe: {_known(recipes, str(reference))}"
    raise RecipeError(f"{path}: no such recipe file -> {allowed}")


def _bare_name(reference: str) -> str | None:
    """`quickstart` for `quickstart` / `quickstart.yaml`; None for anything with a folder."""
    path = Path(reference)
    if len(path.parts) != 1 or path.suffix not in ("", *RECIPE_SUFFIXES):
        return None
    return path.stem if path.suffix else path.name


def _known(recipes: dict[str, Path], given: str, lead: str = "") -> str:
    """`breast_cancer, digits_cnn, ... (did you mean 'x'?)`: the names a user may give."""
    from keras_recipes.registry import did_you_mean

    if not recipes:
        return "(none: this installation ships no recipes)"
    names = list(recipes)
    lead = f"{lead} " if lead else ""
    return f"{lead}{', '.join(names)}{did_you_mean(_bare_name(given) or given, names)}"
