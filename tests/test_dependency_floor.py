"""The declared dependency range is the tested one: pyproject floors == constraints/floor.txt."""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.helpers import ROOT


def _declared() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {canonicalize_name(r.name): r for r in map(Requirement, project["dependencies"])}


def _pins() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "constraints" / "floor.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = Version(version)
    return pins


def _floor(requirement: Requirement) -> Version:
    return next(Version(s.version) for s in requirement.specifier if s.operator == ">=")


def test_every_pin_is_the_declared_floor():
    declared, pins = _declared(), _pins()
    for name in ("tensorflow", "keras", "keras-tuner"):
        floor, pin = _floor(declared[name]), pins[name]
        assert pin in declared[name].specifier, (name, str(pin))
        # The pin is the floor's release (a patch release of it at most).
        assert pin.release[:len(floor.release)] == floor.release, (name, str(floor), str(pin))


def test_floor_avoids_the_known_broken_versions():
    declared = _declared()
    assert Version("3.10.0") not in declared["keras"].specifier       # multi-step positions
    assert Version("3.11.0") in declared["keras"].specifier
    assert Version("1.4.5") not in declared["keras-tuner"].specifier  # depends on keras-core
    pins = _pins()
    # TF 2.16 runs protobuf 4.x: tensorflow-metadata must be one generated for it.
    assert pins["tensorflow-metadata"] < Version("1.18")
