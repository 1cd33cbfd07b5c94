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


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(autouse=True)
def _reset_keras_policy():
    """Tests that change the global dtype policy must not leak it to others."""
    yield
    import sys

    if "keras" in sys.modules:
        import keras

        keras.mixed_precision.set_dtype_policy("float32")
        keras.backend.clear_session()
