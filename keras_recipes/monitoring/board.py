"""`board [RUNS_DIR]`: TensorBoard on 127.0.0.1 over a folder of runs."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from keras_recipes.errors import UsageError

HOST = "127.0.0.1"


def board_command(runs_dir: str | Path = "runs", port: int = 6006) -> list[str]:
    """The TensorBoard command line for `runs_dir` (local only: bound to 127.0.0.1).

    Example:

    >>> board_command("runs", 6006)[-6:]
    ['--logdir', 'runs', '--host', '127.0.0.1', '--port', '6006']

    Raises:
        UsageError: `runs_dir` is not a folder, or `port` is not in 1..65535.
    """
    if not Path(runs_dir).is_dir():
        raise UsageError(f"board: RUNS_DIR {str(runs_dir)!r} is not a folder -> a folder of "
                         "runs (train writes runs/ by default)")
    if not 0 < port < 65536:
        raise UsageError(f"--port: {port} -> 1..65535")
    return [sys.executable, "-m", "tensorboard.main", "--logdir", str(runs_dir),
            "--host", HOST, "--port", str(port)]


def run_board(runs_dir: str | Path = "runs", port: int = 6006, dry_run: bool = False) -> int:
    """Starts TensorBoard and waits for it; with `dry_run`, prints the command instead.

    Ctrl-C or SIGTERM stop TensorBoard too (no orphaned server). Returns the
    exit status.
    """
    command = board_command(runs_dir, port)
    if dry_run:
        print(" ".join(command))
        return 0
    print(f"TensorBoard for {runs_dir} at http://{HOST}:{port}/ (Ctrl-C to stop)", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    process = subprocess.Popen(command)
    try:
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
