"""`tune --workers 2`: a chief oracle and two local tuners share one search."""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import re

import pytest
import yaml

from keras_recipes.cli import main
from tests.helpers import TINY, run_cli


@pytest.mark.slow
@pytest.mark.multiprocess
def test_chief_and_two_workers_record_every_trial_once(tmp_path):
    data = copy.deepcopy(TINY)
    data["training"].update(epochs=1, steps_per_execution=1)
    data["tune"] = {"max_trials": 3, "objective": "val_accuracy",
                    "space": {"model.hidden": {"choice": [[4], [8], [12], [16]]}}}
    recipe = tmp_path / "search.yaml"
    recipe.write_text(yaml.safe_dump(data, sort_keys=False))
    run_dir = tmp_path / "run"
    result = run_cli("tune", "--workers", "2", str(recipe), "--run-dir", str(run_dir))
    assert result.returncode == 0, result.stderr[-3000:]
    with open(run_dir / "trials.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(row["trial"] for row in rows) == ["0", "1", "2"]
    assert all(row["status"] == "COMPLETED" for row in rows)
    assert len({row["model.hidden"] for row in rows}) == 3
    ran = re.findall(r"^trial (\d)/3 \[(tuner\d)\]", result.stdout, re.MULTILINE)
    assert sorted(trial for trial, _ in ran) == ["0", "1", "2"]  # each trial ran once
    assert {tuner for _, tuner in ran} <= {"tuner0", "tuner1"}
    assert "best: trial" in result.stdout and (run_dir / "best_recipe.yaml").exists()

    # A single-process rerun resumes the same search: one more trial, numbered after them.
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["tune", str(recipe), "--run-dir", str(run_dir),
                     "--set", "tune.max_trials=4"]) == 0
    assert "3 trial(s) recorded" in out.getvalue()
    with open(run_dir / "trials.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["trial"] for row in rows] == ["0", "1", "2", "3"]
    assert len({row["model.hidden"] for row in rows}) == 4  # the 4th value is the untried one
    assert rows[3]["status"] == "COMPLETED"
