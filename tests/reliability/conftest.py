"""One finished reference run shared by the reliability tests (trained once per session)."""

import pytest

from tests.reliability._helpers import copy_run, quiet, recipe


@pytest.fixture(scope="session")
def _reference(tmp_path_factory):
    from keras_recipes.training.trainer import train

    run_dir = tmp_path_factory.mktemp("reference") / "run"
    run_dir.mkdir()
    result = train(recipe(), run_dir, echo=quiet)
    return run_dir, result.metrics


@pytest.fixture
def reference(_reference, tmp_path):
    """`(copy of the finished reference run, its metrics)`: tests may damage the copy."""
    run_dir, metrics = _reference
    return copy_run(run_dir, tmp_path / "reference"), metrics
