"""One step of `diagnose`: PASS / WARN / FAIL with a one-line reason and the playbook's advice.

Example:

>>> result = CheckResult(3, "overfit 10 examples", FAIL, "loss 2.30 -> 2.29 in 200 steps",
...                      "the model or its gradients are broken: check step 4")
>>> result.line()
'3. overfit 10 examples  FAIL  loss 2.30 -> 2.29 in 200 steps'
"""

from __future__ import annotations

import dataclasses
from typing import Any

PASS, WARN, FAIL = "PASS", "WARN", "FAIL"
_ORDER = {PASS: 0, WARN: 1, FAIL: 2}


@dataclasses.dataclass
class CheckResult:
    """The outcome of one diagnose step.

    Attributes:
        step: the step's number in the playbook's debugging order (1-7).
        name: what the step checks.
        status: PASS, WARN or FAIL.
        reason: one line saying what was measured.
        advice: the playbook's advice for a WARN or FAIL (empty on PASS).
        details: the numbers behind the reason, for the JSON report.
    """

    step: int
    name: str
    status: str
    reason: str
    advice: str = ""
    details: dict[str, Any] = dataclasses.field(default_factory=dict)

    def line(self, width: int = 20) -> str:
        return f"{self.step}. {self.name:<{width}}  {self.status}  {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def worst(statuses) -> str:
    """The most severe of `statuses` (PASS when there are none)."""
    return max(statuses, key=_ORDER.__getitem__, default=PASS)
