import sys

import pytest

from keras_recipes.errors import UsageError
from keras_recipes.monitoring.board import board_command
from tests.helpers import run_cli


def test_command_binds_to_localhost(tmp_path):
    assert board_command(tmp_path, 6010) == [
        sys.executable, "-m", "tensorboard.main", "--logdir", str(tmp_path),
        "--host", "127.0.0.1", "--port", "6010"]


def test_errors(tmp_path):
    with pytest.raises(UsageError, match=r"board: RUNS_DIR '.*nope' is not a folder"):
        board_command(tmp_path / "nope")
    with pytest.raises(UsageError, match=r"--port: 0 -> 1..65535"):
        board_command(tmp_path, 0)


def test_cli_print_and_missing_folder(tmp_path):
    done = run_cli("board", str(tmp_path), "--port", "6011", "--dry-run")
    assert done.returncode == 0
    assert done.stdout.split()[-6:] == ["--logdir", str(tmp_path), "--host", "127.0.0.1",
                                        "--port", "6011"]
    done = run_cli("board", str(tmp_path / "missing"))
    assert done.returncode == 2 and "is not a folder" in done.stderr
    assert "Traceback" not in done.stderr


def test_run_board_starts_tensorboard_and_returns_on_ctrl_c(tmp_path, monkeypatch, capsys):
    from keras_recipes.monitoring import board

    calls = []

    def interrupted(command):
        calls.append(command)
        raise KeyboardInterrupt

    monkeypatch.setattr(board.subprocess, "call", interrupted)
    assert board.run_board(tmp_path, 6012) == 0
    assert calls == [board_command(tmp_path, 6012)]
    assert "http://127.0.0.1:6012/" in capsys.readouterr().out
