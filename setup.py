"""Build configuration that pyproject.toml cannot express: the shipped recipes.

The repository's `recipes/` folder is the one copy of the shipped recipes. The
wheel carries it as the package-data folder `keras_recipes/recipes/`, so an
installed package can `list`, `show` and train them by name. Everything else
(metadata, dependencies, entry points) lives in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["keras_recipes", "keras_recipes.*"]),
              "keras_recipes.recipes"],
    package_dir={"keras_recipes.recipes": "recipes"},
    package_data={"keras_recipes.recipes": ["*.yaml"]},
)
