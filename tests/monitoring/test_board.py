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


def test_run_board_stops_tensorboard_on_ctrl_c(tmp_path, monkeypatch, capsys):
    from keras_recipes.monitoring import board

    started = []

    class FakeServer:
        def __init__(self, command):
            started.append(self)
            self.command, self.terminated = command, False

        def wait(self, timeout=None):
            if not self.terminated:
                raise KeyboardInterrupt
            return -15

        def poll(self):
            return -15 if self.terminated else None

        def terminate(self):
            self.terminated = True

    monkeypatch.setattr(board.subprocess, "Popen", FakeServer)
    monkeypatch.setattr(board.signal, "signal", lambda *args: None)
    assert board.run_board(tmp_path, 6012) == 0
    assert [server.command for server in started] == [board_command(tmp_path, 6012)]
    assert started[0].terminated
    assert "http://127.0.0.1:6012/" in capsys.readouterr().out
