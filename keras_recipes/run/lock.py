"""One writer per run directory: an exclusive OS lock held while a run writes there.

`fcntl.flock` on `RUN_DIR/.lock`: the operating system releases it when the
process ends, however it ends (SIGKILL, a crash, a lost node), so a killed
run never blocks its own resume, and a second `train` into the same
directory is refused at once with the holder's process id. The lock is
re-entrant within one process (the CLI takes it, then `train()` asks again).

On platforms without `fcntl` (Windows) the lock is a no-op.

Example:
    >>> with run_dir_lock(run_dir):
    ...     train(recipe, run_dir)
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

from keras_recipes.errors import UsageError

LOCK_FILE = ".lock"
_held: dict[str, tuple[int, int]] = {}  # resolved run dir -> (fd, depth)


def _key(run_dir: Path) -> str:
    return str(Path(run_dir).resolve())


def holder_pid(run_dir: Path) -> str:
    """The process id written by the lock's holder ('unknown' if unreadable)."""
    try:
        text = (Path(run_dir) / LOCK_FILE).read_text().strip()
    except OSError:
        return "unknown"
    return text if text.isdigit() else "unknown"


def acquire(run_dir: Path, key: str = "--run-dir") -> None:
    """Takes the lock of `run_dir` (an existing directory) or raises at once.

    Raises:
        UsageError: another live process holds it (the message names its pid).
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return
    name = _key(run_dir)
    if name in _held:
        fd, depth = _held[name]
        _held[name] = (fd, depth + 1)
        return
    path = Path(run_dir) / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise UsageError(f"{key}: {str(run_dir)!r} is in use by process {holder_pid(run_dir)} "
                         "(one writer per run directory) -> wait for it to finish or stop it, "
                         "or choose another directory") from None
    except BaseException:
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    _held[name] = (fd, 1)


def release(run_dir: Path) -> None:
    """Releases one level of the lock; the last release unlocks and closes it."""
    name = _key(run_dir)
    if name not in _held:
        return
    fd, depth = _held.pop(name)
    if depth > 1:
        _held[name] = (fd, depth - 1)
        return
    os.close(fd)  # closing the descriptor releases the flock


@contextlib.contextmanager
def run_dir_lock(run_dir: Path, key: str = "--run-dir") -> Iterator[None]:
    """Holds the lock of `run_dir` for the `with` block (see `acquire`)."""
    acquire(run_dir, key)
    try:
        yield
    finally:
        release(run_dir)
