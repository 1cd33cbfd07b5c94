"""Shared fixtures: quiet TensorFlow, the repo root, a clean Keras state per test, and
Hypothesis derandomized (the same examples on every run and in CI; set
`HYPOTHESIS_PROFILE=explore` locally to search with fresh random examples)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

try:
    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
    settings.register_profile("explore", derandomize=False)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
except ImportError:  # hypothesis is a dev dependency; only its tests need it
    pass

ROOT = Path(__file__).resolve().parents[1]
RECIPES = ROOT / "recipes"


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (`-n 2 --dist loadgroup`, pyproject's default), the tests that
    share a module- or session-scoped fixture of this suite run in one worker, so the
    shared set-up (a training, a wheel build) is paid once, not once per worker. The
    group (shown after `@` in the test's id) is the fixture's module or folder.

    In a worker, modules with a slow or multiprocess test are handed out first (module
    order otherwise kept), so the long ones do not end the run on one core."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        heavy = {_module(item) for item in items if item.get_closest_marker("slow")
                 or item.get_closest_marker("multiprocess")}
        items.sort(key=lambda item: _module(item) not in heavy)  # stable
    for item in items:
        if item.get_closest_marker("xdist_group") is not None:
            continue
        fixture_info = getattr(item, "_fixtureinfo", None)
        definitions = fixture_info.name2fixturedefs.values() if fixture_info else ()
        shared = sorted(d.baseid for defs in definitions for d in defs
                        if d.baseid.startswith("tests") and d.scope != "function")
        if shared:
            item.add_marker(pytest.mark.xdist_group(Path(shared[0]).stem))


def _module(item) -> str:
    return item.nodeid.split("::")[0]


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(autouse=True)
def _reset_keras_policy():
    """Tests that change the global dtype policy or op determinism must not leak it to others."""
    yield
    import sys

    if "keras" in sys.modules:
        import keras

        keras.mixed_precision.set_dtype_policy("float32")
        keras.backend.clear_session()
    if "tensorflow" in sys.modules:  # a deterministic recipe's op determinism stays global
        from keras_recipes import _keras_compat as compat

        if compat.op_determinism_enabled():
            compat.disable_op_determinism()
