"""Build configuration that pyproject.toml cannot express: the shipped recipes.

The repository's `recipes/` folder is the one copy of the shipped recipes and
of the small data files some of them read (`recipes/data/`, written by
`tools/own_data.py`). The wheel carries the folder as the package data
`keras_recipes/recipes/`, so an installed package can `list`, `show` and
train them by name; each data subfolder is declared as a (namespace) package
so that setuptools ships it without warnings. Everything else (metadata,
dependencies, entry points) lives in pyproject.toml.
"""

from setuptools import find_namespace_packages, find_packages, setup

RECIPE_DATA = [f"keras_recipes.recipes.{name}" for name in find_namespace_packages("recipes")]

setup(
    packages=[*find_packages(include=["keras_recipes", "keras_recipes.*"]),
              "keras_recipes.recipes", *RECIPE_DATA],
    package_dir={"keras_recipes.recipes": "recipes"},
    package_data={"keras_recipes.recipes": ["*.yaml"], **{name: ["*"] for name in RECIPE_DATA}},
)
