"""Shared fixtures: quiet TensorFlow, the repo root, and a clean Keras state per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

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
