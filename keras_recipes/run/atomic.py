"""Atomic file writes: a reader (or a kill) sees the old file or the new one, never half."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import IO, Any, Iterator


def _umask() -> int:
    """The process umask, read without changing it where the OS allows (Linux)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore at once
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_file(path: str | Path, mode: str = "w") -> Iterator[IO]:
    """Opens a temporary file beside `path`; on a clean exit fsyncs it and renames it over.

    The file gets the permissions a plain `open(path, "w")` would give
    (0666 less the umask: 0644 under umask 022), not the 0600 of
    `tempfile.mkstemp`, so colleagues can read a run on a shared machine.

    Example:
        >>> with atomic_file("run/state.npz", "wb") as handle:
        ...     np.savez(handle, weights=w)
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode) as handle:
            os.chmod(tmp, 0o666 & ~_umask())
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    """Writes `text` to a temporary file beside `path`, fsyncs it, then renames it over."""
    with atomic_file(path) as handle:
        handle.write(text)


def write_json_atomic(path: str | Path, data: Any) -> None:
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
