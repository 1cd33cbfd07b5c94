"""A small name -> object registry, filled by decorators beside the objects.

Example:

>>> MODELS = Registry("model")
>>> @MODELS.register("mlp")
... def build_mlp(config, spec): ...
>>> MODELS.get("mlp") is build_mlp
True
"""

from __future__ import annotations

import difflib
from typing import Callable, Generic, Iterator, TypeVar

from keras_recipes.errors import RegistryError

T = TypeVar("T")


def did_you_mean(given: str, choices) -> str:
    """Returns ` (did you mean 'x'?)` when `given` is close to one of `choices`, else ``.

    Case is ignored when matching, and said when it is the only difference:
    `did_you_mean("SGD", ["adam", "sgd"])` gives ` (did you mean 'sgd'? names are lower case)`.
    """
    names = {str(c).lower(): str(c) for c in choices}
    text = str(given)
    if text.lower() in names and text != names[text.lower()]:
        match = names[text.lower()]
        case = "names are lower case" if match.islower() else "names are case-sensitive"
        return f" (did you mean '{match}'? {case})"
    close = difflib.get_close_matches(text.lower(), list(names), n=1, cutoff=0.6)
    return f" (did you mean '{names[close[0]]}'?)" if close else ""


class Registry(Generic[T]):
    """Maps names to builders; duplicate names raise, unknown names list the known ones."""

    def __init__(self, kind: str):
        self.kind = kind
        self._entries: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        def decorator(obj: T) -> T:
            if name in self._entries:
                raise RegistryError(f"{self.kind} '{name}' is already registered.")
            self._entries[name] = obj
            return obj

        return decorator

    def get(self, name: str) -> T:
        try:
            return self._entries[name]
        except KeyError:
            known = ", ".join(sorted(self._entries))
            raise RegistryError(
                f"Unknown {self.kind} '{name}'{did_you_mean(name, self._entries)}. "
                f"Known: {known}."
            ) from None

    def names(self) -> list[str]:
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())
