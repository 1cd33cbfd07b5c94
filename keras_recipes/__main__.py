"""`python -m keras_recipes ...`"""

from keras_recipes.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
