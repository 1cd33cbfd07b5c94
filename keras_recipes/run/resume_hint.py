"""What an interrupted `train` tells the user: the exact command that continues it."""

from __future__ import annotations

import shlex
from pathlib import Path

from keras_recipes.run.resume import resumable


def resume_hint(run_dir: Path) -> str:
    """The message for a run stopped by Ctrl-C or SIGTERM, with the command to continue.

    Example:
        >>> print(resume_hint(Path("runs/quickstart/20261201-101500")))
        interrupted; continue exactly where it stopped with:
          python -m keras_recipes train --resume runs/quickstart/20261201-101500

    Args:
        run_dir: the run directory of the interrupted run.

    Returns:
        The message with the `train --resume RUN_DIR` command: it continues
        from the saved state, or restarts a run stopped before its first one.
    """
    command = f"python -m keras_recipes train --resume {shlex.quote(str(run_dir))}"
    if resumable(Path(run_dir)):
        return f"interrupted; continue exactly where it stopped with:\n  {command}"
    return ("interrupted before the first saved state; start it again in the same "
            f"directory with:\n  {command}")
