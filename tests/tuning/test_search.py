"""`tune` end to end on a tiny space: every algorithm, trials.csv, best_recipe.yaml, HParams,
resume and start over, a failing combination, and retraining the best recipe."""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json

import pytest
import yaml

from keras_recipes.cli import main
from tests.helpers import TINY

pytestmark = pytest.mark.slow

SPACE = {"optimizer.learning_rate": {"float": [1e-3, 1e-1], "sampling": "log"},
         "model.hidden": {"choice": [[8], [16, 8]]}}


def _write(folder, space=SPACE, name="search.yaml", **tune):
    data = copy.deepcopy(TINY)
    data["training"].update(epochs=1, steps_per_execution=1)
    data["deterministic"] = True
    data["tune"] = {"space": space, "objective": "val_accuracy", **tune}
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _tune(*args) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["tune", *map(str, args)])
    return code, out.getvalue()


def _rows(run_dir) -> list[dict]:
    with open(run_dir / "trials.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def _trial_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("trial ")]


@pytest.fixture(scope="module")
def random_search(tmp_path_factory):
    """One random search of 2 trials, shared by the tests that only read its results."""
    folder = tmp_path_factory.mktemp("random")
    run_dir = folder / "run"
    code, out = _tune(_write(folder, max_trials=2, algorithm="random"), "--run-dir", run_dir)
    assert code == 0, out
    return run_dir, out


def test_random_search_writes_trials_csv_and_the_best_recipe(random_search):
    run_dir, out = random_search
    rows = _rows(run_dir)
    assert [row["trial"] for row in rows] == ["0", "1"]
    assert all(row["status"] == "COMPLETED" and float(row["seconds"]) > 0 for row in rows)
    assert list(rows[0]) == ["trial", *SPACE, "val_accuracy", "status", "seconds", "message"]
    lines = _trial_lines(out)
    assert len(lines) == 2 and lines[0].startswith("trial 0/2 [tuner0] optimizer.learning_rate=")
    best = max(rows, key=lambda row: float(row["val_accuracy"]))
    assert f"best {float(best['val_accuracy']):.4f} (trial {best['trial']})" in lines[-1]
    assert f"best: trial {best['trial']} val_accuracy={float(best['val_accuracy']):.4f}" in out
    resolved = yaml.safe_load((run_dir / "best_recipe.yaml").read_text())
    assert "tune" not in resolved
    assert resolved["model"]["hidden"] == json.loads(best["model.hidden"])
    assert resolved["optimizer"]["learning_rate"] == float(best["optimizer.learning_rate"])


def test_training_the_best_recipe_reproduces_the_best_objective(random_search, tmp_path):
    run_dir, _ = random_search
    best = max(_rows(run_dir), key=lambda row: float(row["val_accuracy"]))
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["train", str(run_dir / "best_recipe.yaml"), "--run-dir",
                     str(tmp_path / "retrain")]) == 0
    metrics = json.loads((tmp_path / "retrain" / "metrics.json").read_text())
    assert metrics["val"]["accuracy"] == pytest.approx(float(best["val_accuracy"]), abs=1e-7)


def test_hparams_sessions_are_written_for_every_trial(random_search):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.plugins.hparams import plugin_data_pb2
    from tensorboard.util import tensor_util

    run_dir, _ = random_search

    def hparams_content(path):
        events = EventAccumulator(str(path))
        events.Reload()
        blobs = events.PluginTagToContent("hparams")
        data = plugin_data_pb2.HParamsPluginData()
        return events, {tag: data.FromString(blob) for tag, blob in blobs.items()}

    _, experiment = hparams_content(run_dir / "tensorboard")
    infos = experiment["_hparams_/experiment"].experiment.hparam_infos
    assert {h.name for h in infos} == set(SPACE)
    for row in _rows(run_dir):
        events, content = hparams_content(run_dir / "tensorboard" / f"trial_{row['trial']}")
        start = content["_hparams_/session_start_info"].session_start_info
        assert start.group_name == row["trial"]
        assert start.hparams["model.hidden"].string_value == row["model.hidden"]
        assert start.hparams["optimizer.learning_rate"].number_value == pytest.approx(
            float(row["optimizer.learning_rate"]))
        value = tensor_util.make_ndarray(events.Tensors("val_accuracy")[0].tensor_proto)
        assert float(value) == pytest.approx(float(row["val_accuracy"]), abs=1e-6)


def test_bayesian_rerun_resumes_and_says_so_overwrite_starts_over(tmp_path):
    recipe = _write(tmp_path, max_trials=1, algorithm="bayesian", initial_points=1)
    run_dir = tmp_path / "run"
    code, out = _tune(recipe, "--run-dir", run_dir)
    assert code == 0 and out.startswith(f"new search in {run_dir}")
    first = _rows(run_dir)

    # The second trial is the first one the Gaussian process proposes.
    code, out = _tune(recipe, "--run-dir", run_dir, "--set", "tune.max_trials=2")
    assert code == 0, out
    assert out.startswith(f"resuming the search in {run_dir}: 1 trial(s) recorded")
    assert [line[:8] for line in _trial_lines(out)] == ["trial 1/"]
    rows = _rows(run_dir)
    assert len(rows) == 2 and rows[:1] == first and rows[1]["status"] == "COMPLETED"

    err = io.StringIO()
    with contextlib.redirect_stderr(err):  # a different recipe is not resumed
        assert _tune(recipe, "--run-dir", run_dir, "--set", "seed=3")[0] == 2
    assert "the recipe changed since the search" in err.getvalue() and "(seed)" in err.getvalue()
    code, out = _tune(recipe, "--run-dir", run_dir, "--overwrite")
    assert code == 0 and out.startswith(f"starting over in {run_dir}")
    assert [r["val_accuracy"] for r in _rows(run_dir)] == [first[0]["val_accuracy"]]


def test_grid_tries_every_combination_conditions_apply_a_refused_one_fails_alone(tmp_path):
    space = {"optimizer.clipnorm": {"choice": [None, 1.0]},
             "optimizer.global_clipnorm": {"choice": [1.0]},
             "optimizer.name": {"choice": ["adam", "sgd"]},
             "optimizer.momentum": {"choice": [0.8], "when": {"optimizer.name": "sgd"}}}
    run_dir = tmp_path / "run"
    code, out = _tune(_write(tmp_path, space=space, algorithm="grid", max_trials=9),
                      "--run-dir", run_dir)
    assert code == 0, out
    rows = _rows(run_dir)
    assert sorted((r["optimizer.clipnorm"], r["optimizer.name"], r["optimizer.momentum"],
                   r["status"]) for r in rows) == [
        ("", "adam", "", "COMPLETED"), ("", "sgd", "0.8", "COMPLETED"),
        ("1.0", "adam", "", "FAILED"), ("1.0", "sgd", "0.8", "FAILED")]
    failed = [r for r in rows if r["status"] == "FAILED"]
    assert all("optimizer.global_clipnorm: given together with clipnorm" in r["message"]
               and r["val_accuracy"] == "" for r in failed)
    assert sum("-> failed: " in line for line in _trial_lines(out)) == 2


def test_hyperband_continues_the_best_trials_for_more_epochs(tmp_path):
    run_dir = tmp_path / "run"
    code, out = _tune(_write(tmp_path, space={"model.hidden": {"choice": [[8], [16]]}},
                             algorithm="hyperband", max_epochs=2, factor=2),
                      "--run-dir", run_dir)
    assert code == 0, out
    rows = _rows(run_dir)
    # Bracket 1: two 1-epoch trials, the better one continued to 2 epochs; bracket 0
    # would draw a fresh 2-epoch trial, but this 2-value space is exhausted by then.
    assert [row["epochs"] for row in rows] == ["1", "1", "2"]
    assert all(row["status"] == "COMPLETED" for row in rows)
    history = (run_dir / "trials" / f"trial_{rows[2]['trial']}" / "history.csv").read_text()
    assert [line.split(",")[0] for line in history.splitlines()[1:]] == ["1"]  # epoch 2 only
    resolved = yaml.safe_load((run_dir / "best_recipe.yaml").read_text())
    best = max(rows, key=lambda row: float(row["val_accuracy"]))
    assert resolved["training"]["epochs"] == int(best["epochs"])


def test_too_many_failed_trials_stop_the_search_with_status_1(tmp_path):
    space = {"optimizer.clipnorm": {"choice": [1.0]},
             "optimizer.global_clipnorm": {"choice": [1.0, 2.0]}}
    run_dir = tmp_path / "run"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code, _ = _tune(_write(tmp_path, space=space, max_consecutive_failed_trials=2),
                        "--run-dir", run_dir)
    assert code == 1
    assert "the search stopped: Number of consecutive failures exceeded the limit of 2" in \
        err.getvalue()
    assert "given together with clipnorm" in err.getvalue().splitlines()[-1]
    assert [row["status"] for row in _rows(run_dir)] == ["FAILED", "FAILED"]
