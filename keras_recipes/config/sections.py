"""What every recipe section shares: strict models and cross-field problems with sub-paths."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

PYTHON_REF = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")


class FieldProblems(ValueError):
    """Several problems found by one validator, each `(sub.path, message)`."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems))


def _raise_if(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise FieldProblems(problems)


def _only_for(section: BaseModel, owner_key: str, owner_value: str,
              allowed: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    """Problems for keys given a non-default value that do not apply to `owner_value`."""
    problems = []
    fields = type(section).model_fields
    for key in sorted(section.model_fields_set):
        users = allowed.get(key)
        value = getattr(section, key)
        if isinstance(value, BaseModel):
            value = value.model_dump()
        default = fields[key].get_default(call_default_factory=True)
        if isinstance(default, BaseModel):
            default = default.model_dump()
        if value == default:
            continue  # a key left at its default (e.g. in a resolved recipe) is harmless
        if users is not None and owner_value not in users:
            problems.append((key, f"{getattr(section, key)!r} -> only used with "
                                  f"{owner_key} {', '.join(users)} (here {owner_key} is "
                                  f"'{owner_value}')"))
    return problems


class Section(BaseModel):
    """A recipe section: unknown keys are errors, assignments are validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
