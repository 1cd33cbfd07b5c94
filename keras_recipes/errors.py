"""Typed exceptions: each one is also a builtin error type, so callers can catch either."""

from __future__ import annotations


class KerasRecipesError(Exception):
    """Base class of every error keras_recipes raises on purpose."""


class RecipeError(KerasRecipesError, ValueError):
    """A recipe (or a `--set` override) is invalid.

    `problems` holds one line per problem, each `dotted.path: given -> allowed`.
    """

    def __init__(self, problems: list[str] | str, source: str | None = None):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.source = source
        where = f" in {source}" if source else ""
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''}{where}:"
        super().__init__("\n".join([head] + [f"  {p}" for p in self.problems]))


class UsageError(KerasRecipesError, ValueError):
    """A command-line argument, path or output location is unusable."""


class RegistryError(KerasRecipesError, KeyError):
    """A name was looked up in a registry that does not hold it."""

    def __str__(self) -> str:  # KeyError would quote the message.
        return str(self.args[0])


class TrainingError(KerasRecipesError, RuntimeError):
    """Training started but could not finish (non-finite loss, a failing builder...)."""


class StateError(KerasRecipesError, ValueError):
    """A run directory's saved state is damaged, foreign or out of range (exit 2)."""


class DataError(UsageError):
    """A data file does not read as the recipe says: names the column and line, or the file."""
