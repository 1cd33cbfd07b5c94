"""What every recipe section shares: strict models and cross-field problems with sub-paths."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

PYTHON_REF = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")


def _python_ref(value: str) -> str:
    if not PYTHON_REF.match(value):
        raise ValueError("'package.module:function'")
    return value


# A `package.module:function` reference (`model.python`, `data.python`, custom callbacks).
PythonRef = Annotated[str, AfterValidator(_python_ref)]


class FieldProblems(ValueError):
    """Several problems found by one validator, each `(sub.path, message)`."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems))


def _raise_if(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise FieldProblems(problems)


class Section(BaseModel):
    """A recipe section: unknown keys are errors, assignments are validated, and no number
    is infinite or NaN (`.inf` never works as a learning rate, factor or bound)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)
