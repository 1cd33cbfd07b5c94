"""Creating run directories that never overwrite an earlier run."""

from __future__ import annotations

import datetime
import os
import platform
from pathlib import Path

import yaml

from keras_recipes.errors import UsageError
from keras_recipes.run.atomic import write_text_atomic


_MAX_NAME = 100


def check_run_name(name: str, key: str = "name") -> str:
    """A recipe name is one folder name under the runs folder, never a path.

    Raises:
        UsageError: empty, `.`/`..`, a path separator or NUL, or over 100 characters.
    """
    bad = (not name or name in (".", "..") or any(c in name for c in "/\\\0")
           or len(name) > _MAX_NAME)
    if bad:
        shown = name if len(name) <= 40 else name[:37] + "..."
        raise UsageError(f"{key}: {shown!r} -> a folder name of 1-{_MAX_NAME} characters "
                         "without '/', '\\' or NUL, not '.' or '..' (runs go to "
                         "OUTPUT/NAME/TIMESTAMP)")
    return name


def create_run_dir(output: str | Path, name: str) -> Path:
    """Creates and returns `output/name/<YYYYmmdd-HHMMSS>` for a new run.

    A `-2`, `-3`... suffix is added if that exists: the directory is created
    exclusively, so two runs started in the same second still get different
    directories. (`--run-dir DIR` is `run.resume.claim_run_dir`.)

    Raises:
        UsageError: `name` is not a folder name, or the location is not writable.
    """
    try:
        parent = Path(output) / check_run_name(name)
        parent.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        for attempt in range(1, 1000):
            path = parent / (stamp if attempt == 1 else f"{stamp}-{attempt}")
            try:
                os.mkdir(path)
                return path
            except FileExistsError:
                continue
    except OSError as err:  # read-only, no permission, name too long, disk full
        from keras_recipes.run.os_errors import describe_os_error

        raise UsageError(f"--output: cannot create a run directory: {describe_os_error(err)}"
                         ) from None
    raise UsageError(f"--output: too many runs named {name!r} this second")


def versions() -> dict[str, str]:
    """Versions that decide a run's numbers (imports TensorFlow and Keras)."""
    import keras
    import tensorflow as tf

    import keras_recipes

    return {"keras_recipes": keras_recipes.__version__, "tensorflow": tf.__version__,
            "keras": keras.__version__, "python": platform.python_version()}


def write_resolved_recipe(path: Path, resolved: dict, header: dict[str, str]) -> None:
    """Writes the resolved recipe (every default filled in) with a comment header.

    The header (versions, time) is YAML comments, so the file can be trained
    again as it is.
    """
    lines = [f"# {key}: {value}" for key, value in header.items()]
    body = yaml.safe_dump(resolved, sort_keys=False, default_flow_style=None)
    write_text_atomic(path, "\n".join(lines) + "\n" + body)
