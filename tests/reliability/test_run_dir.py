"""One writer per run directory, a restart after a kill in start-up, names that stay inside
the runs folder, and OS errors as exit 2 with one message."""

import errno
import json
import os
import signal
import subprocess
import sys

import pytest
import yaml

from keras_recipes.cli import main
from keras_recipes.errors import UsageError
from keras_recipes.run import create_run_dir
from keras_recipes.run.lock import LOCK_FILE, acquire, run_dir_lock
from keras_recipes.run.resume import run_dir_kind
from tests.helpers import ROOT
from tests.reliability._helpers import RECIPE, status

HOLD = ("import sys, time; from keras_recipes.run.lock import acquire; "
        "acquire(sys.argv[1]); print('held', flush=True); time.sleep(60)")


@pytest.fixture
def holder(tmp_path):
    """A live process holding the lock of tmp_path/'run' (killed with SIGKILL after)."""
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(run_dir)], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    yield run_dir, process
    if process.poll() is None:
        process.kill()
        process.wait()


def _recipe_file(tmp_path, **changes):
    path = tmp_path / "recipe.yaml"
    path.write_text(yaml.safe_dump({**RECIPE, **changes}))
    return path


def test_a_second_writer_exits_2_naming_the_holders_pid(holder, tmp_path, capsys):
    run_dir, process = holder
    assert main(["train", str(_recipe_file(tmp_path)), "--run-dir", str(run_dir)]) == 2
    err = capsys.readouterr().err
    assert f"is in use by process {process.pid}" in err and err.count("\n") == 1
    assert sorted(p.name for p in run_dir.iterdir()) == [LOCK_FILE]  # nothing written


def test_the_os_releases_the_lock_of_a_killed_process(holder):
    run_dir, process = holder
    with pytest.raises(UsageError, match=f"in use by process {process.pid}"):
        acquire(run_dir)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    with run_dir_lock(run_dir):
        with run_dir_lock(run_dir):  # re-entrant in one process (CLI, then train())
            pass
        assert (run_dir / LOCK_FILE).read_text().strip() == str(os.getpid())


def test_run_dir_kinds(tmp_path):
    def make(name, files, status_value=None):
        path = tmp_path / name
        path.mkdir()
        for file in files:
            (path / file).write_text("x")
        if status_value:
            (path / "status.json").write_text(json.dumps({"status": status_value}))
        return run_dir_kind(path)

    assert run_dir_kind(tmp_path / "missing") == "new"
    assert make("empty", [LOCK_FILE]) == "new"
    assert make("startup", ["recipe.yaml", ".status.json.abc.tmp"], "running") == "restart"
    assert make("failed_early", ["recipe.yaml", "summary.txt"], "failed") == "restart"
    assert make("interrupted", ["state.npz", "history.csv"], "interrupted") == "resume"
    assert make("done", ["state.npz"], "completed") == "completed"
    assert make("user", ["notes.txt"]) == "foreign"
    assert make("odd", ["recipe.yaml", "notes.txt"], "running") == "foreign"


def test_a_refused_directory_gets_no_lock_file(tmp_path, capsys):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "notes.txt").write_text("mine")
    assert main(["train", str(_recipe_file(tmp_path)), "--run-dir", str(tmp_path / "run")]) == 2
    assert "is not empty" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "run").iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("name", ["..", ".", "a/../../b", "x" * 300, ""])
def test_a_run_name_never_leaves_the_runs_folder(tmp_path, name):
    with pytest.raises(UsageError, match=r"^name: .* -> a folder name of 1-100 characters"):
        create_run_dir(tmp_path / "runs", name)
    assert not (tmp_path / "b").exists() and list(tmp_path.iterdir()) in ([], [tmp_path / "runs"])


def test_name_set_to_dotdot_is_exit_2_and_writes_nothing_outside(tmp_path, capsys):
    code = main(["train", str(_recipe_file(tmp_path)), "--output", str(tmp_path / "runs"),
                 "--set", "name=.."])
    assert code == 2 and "name: '..'" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recipe.yaml"]


def test_an_os_error_creating_the_run_dir_is_exit_2_in_one_line(tmp_path, capsys, monkeypatch):
    long_dir = tmp_path / ("d" * 300)  # a real ENAMETOOLONG from the file system
    assert main(["train", str(_recipe_file(tmp_path)), "--run-dir", str(long_dir)]) == 2
    err = capsys.readouterr().err
    assert "file name too long -> a shorter" in err and err.count("\n") == 1

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path / "runs"))

    monkeypatch.setattr(os, "mkdir", read_only)
    assert main(["train", str(_recipe_file(tmp_path)), "--output", str(tmp_path / "runs")]) == 2
    err = capsys.readouterr().err
    assert "read-only file system -> a writable --output" in err and err.count("\n") == 1


def test_a_run_killed_in_start_up_restarts_with_the_same_command(tmp_path, capsys):
    # What a SIGKILL before the first state leaves: status 'running', the recipe, a temp file.
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    recipe = _recipe_file(tmp_path, callbacks={**RECIPE["callbacks"], "custom": []})
    (run_dir / "status.json").write_text('{"status": "running"}')
    (run_dir / ".status.json.x1.tmp").write_text("{")
    assert main(["train", str(recipe), "--run-dir", str(run_dir)]) == 0
    assert "restarting" in capsys.readouterr().out
    assert status(run_dir) == "completed"


def test_disk_full_mid_run_is_exit_2_keeps_the_last_state_and_resumes(tmp_path, capsys,
                                                                      monkeypatch):
    import numpy as np

    from keras_recipes.training import state as run_state

    recipe = _recipe_file(tmp_path, callbacks={**RECIPE["callbacks"], "custom": []})
    run_dir = tmp_path / "run"
    real_savez, calls = np.savez, []

    def fills_up(handle, **entries):
        calls.append(1)
        if len(calls) > 3:  # the 4th state write (end of epoch 3) finds the disk full
            raise OSError(errno.ENOSPC, "No space left on device")
        real_savez(handle, **entries)

    monkeypatch.setattr(run_state.np, "savez", fills_up)
    assert main(["train", str(recipe), "--run-dir", str(run_dir)]) == 2
    err = capsys.readouterr().err
    assert "no space left on the device -> free disk space" in err and err.count("\n") == 1
    saved = run_state.load(run_dir / "state.npz")  # the previous state is intact
    assert (saved.epoch, saved.step) == (2, 0)
    assert not [p for p in run_dir.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.setattr(run_state.np, "savez", real_savez)
    assert main(["train", str(recipe), "--resume", str(run_dir)]) == 0
    assert status(run_dir) == "completed"
