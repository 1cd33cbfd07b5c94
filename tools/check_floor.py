"""Checks the declared dependency floor: a fresh venv with constraints/floor.txt, fast tests.

The versions in `constraints/floor.txt` are the lower bounds `pyproject.toml`
declares (a test keeps the two in step). This script installs the project
with them into a new virtual environment and runs the fast tests there, from
a clean copy of the committed tree (`git archive HEAD`), so work in progress
does not decide the answer. Installing TensorFlow takes most of the time
(about 5-10 minutes on 2 CPUs), which is why the default test run does not
do it.

Usage:
    python tools/check_floor.py [--venv /tmp/floor-venv] [--reuse] [--fast] [-- PYTEST ARGS]

`--fast` runs 21 tests (the compat checks, lazy imports, the pins, the recipe
loader and one tiny in-process training): measured 3 min wall / 20 s CPU on
2 loaded cores, after 7.5 min / 90 s CPU for a cold venv (TensorFlow's
download); re-installing into an existing venv (`--reuse`) takes 35 s.

Exit status: pytest's (0 when every selected test passes at the floor).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Fast tests that exercise the Keras/TensorFlow surface the package uses.
DEFAULT_TESTS = ["tests/schedules", "tests/callbacks", "tests/config", "tests/models",
                 "tests/optim", "tests/training/test_trainer.py", "tests/data/test_builder.py",
                 "tests/monitoring/test_run_classifier.py", "-m", "not slow and not multiprocess"]
# The smallest check that the floor imports, configures and trains (`--fast`).
FAST_TESTS = ["tests/test_keras_compat.py", "tests/test_lazy.py", "tests/test_dependency_floor.py",
              "tests/config/test_loader.py",
              "tests/training/test_trainer.py::test_run_directory_holds_every_artifact"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", default=str(Path(tempfile.gettempdir()) / "floor-venv"))
    parser.add_argument("--reuse", action="store_true",
                        help="reuse an existing venv (skip creating it; still installs)")
    parser.add_argument("--fast", action="store_true",
                        help="only the 21 tests of FAST_TESTS (imports, config, one training)")
    parser.add_argument("pytest_args", nargs="*", help="tests to run (default: a fast subset)")
    args = parser.parse_args()
    venv = Path(args.venv)
    python = venv / "bin" / "python"
    started = time.monotonic()
    if not (args.reuse and python.exists()):
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    source = Path(tempfile.mkdtemp(prefix="floor-src-"))
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-c",
                    str(source / "constraints" / "floor.txt"), "-e", f"{source}[dev]"],
                   check=True)
    installed = time.monotonic()
    versions = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(', '.join(f'{p} '"
         "+ m.version(p) for p in ('tensorflow', 'keras', 'keras-tuner', "
         "'tensorflow-metadata', 'protobuf', 'numpy')))"],
        check=True, capture_output=True, text=True).stdout.strip()
    print(f"floor environment: {versions} (installed in {installed - started:.0f} s)")
    tests = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            *(args.pytest_args or (FAST_TESTS if args.fast else DEFAULT_TESTS))],
                           cwd=source,
                           env={"TF_CPP_MIN_LOG_LEVEL": "2", "PATH": "/usr/bin:/bin",
                                "HOME": str(Path.home())})
    print(f"floor tests: exit {tests.returncode} in {time.monotonic() - installed:.0f} s")
    return tests.returncode


if __name__ == "__main__":
    sys.exit(main())
