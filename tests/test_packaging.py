"""The package as users install it: the wheel, not the checkout.

Builds the wheel from a copy of the sources, installs it (not editable) into a
fresh virtual environment that reuses this environment's dependencies, and
runs it from an empty folder: `list`, a short `train quickstart`, and `init`
on a generated table.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT

SOURCES = ("pyproject.toml", "setup.py", "README.md", "LICENSE", "keras_recipes", "recipes")
SHIPPED = sorted(p.stem for p in (ROOT / "recipes").glob("*.yaml"))
QUICK = ["--set", "training.epochs=3", "--set", "callbacks.tensorboard=false",
         "--set", "training.verbose=0"]


def _version() -> str:
    text = (ROOT / "keras_recipes" / "__init__.py").read_text()
    return re.search(r'^__version__ = "([^"]+)"', text, re.M).group(1)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """`(wheel, build log)`: `pip wheel --no-deps -v` on a clean copy of the sources."""
    work = tmp_path_factory.mktemp("wheel")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / "src" / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            (work / "src").mkdir(exist_ok=True)
            shutil.copy(source, work / "src" / name)
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v",
                             "-w", str(work / "dist"), str(work / "src")],
                            capture_output=True, text=True, timeout=300)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    (wheel,) = (work / "dist").glob("keras_recipes-*.whl")
    return wheel, log


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory):
    """An empty folder and the environment whose `keras-recipes` is the installed wheel."""
    wheel, _ = built
    work = tmp_path_factory.mktemp("venv")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig."
                              "get_paths()['purelib'])"], capture_output=True, text=True,
                             check=True).stdout.strip()
    # The dependencies already installed here, after the venv's own site-packages
    # (a path in a .pth file; this environment's own .pth files, e.g. an editable
    # install of keras_recipes, are not read from there).
    Path(purelib, "_reuse_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", str(wheel)], check=True, capture_output=True)
    empty = work / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(TF_CPP_MIN_LOG_LEVEL="2", PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(venv / "bin" / "keras-recipes"), *args], cwd=empty,
                              env=env, capture_output=True, text=True, timeout=300)

    where = subprocess.run([str(python), "-c", "import keras_recipes; print(keras_recipes."
                            "__file__)"], cwd=empty, env=env, capture_output=True, text=True)
    return run, empty, Path(where.stdout.strip()), Path(purelib)


@pytest.mark.slow
def test_wheel_holds_the_recipes_license_and_metadata(built):
    wheel, log = built
    assert re.findall(r"\w+Warning\b|deprecat", log, re.I) == []
    assert wheel.name == f"keras_recipes-{_version()}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        dist_info = f"keras_recipes-{_version()}.dist-info"
        metadata = archive.read(f"{dist_info}/METADATA").decode()
        shipped = {Path(n).stem: archive.read(n) for n in names
                   if Path(n).parent == Path("keras_recipes/recipes") and n.endswith(".yaml")}
        data = sorted(n for n in names if n.startswith("keras_recipes/recipes/data/"))
    assert sorted(shipped) == SHIPPED
    assert shipped["quickstart"] == (ROOT / "recipes/quickstart.yaml").read_bytes()
    # The files some recipes read, shipped beside them (one copy: the repository's recipes/data).
    assert data == sorted(f"keras_recipes/{p.relative_to(ROOT).as_posix()}"
                          for p in (ROOT / "recipes" / "data").rglob("*") if p.is_file())
    assert f"{dist_info}/licenses/LICENSE" in names
    assert not [n for n in names if n.startswith(("tests/", "recipes/", "tools/"))]
    fields = [line.split(": ", 1) for line in metadata.split("\n\n")[0].splitlines()]
    assert ["License-Expression", "Apache-2.0"] in fields
    assert ["License-File", "LICENSE"] in fields
    assert ["Version", _version()] in fields
    (requires,) = [value for key, value in fields if key == "Requires-Python"]
    floor = tuple(int(part) for part in requires.removeprefix(">=").split("."))
    # The floor is the version this suite runs on in CI, and it says so in the classifiers.
    assert sys.version_info[:2] >= floor
    assert ["Classifier", f"Programming Language :: Python :: {'.'.join(map(str, floor))}"] \
        in fields


@pytest.mark.slow
def test_installed_wheel_lists_trains_and_inits_from_an_empty_folder(installed):
    run, empty, imported, purelib = installed
    assert imported.is_relative_to(purelib), f"imported {imported}, not the wheel"

    listing = run("list")
    assert listing.returncode == 0, listing.stderr
    assert [line.split()[0] for line in listing.stdout.splitlines()[1:]] == SHIPPED

    # A recipe that reads a file (written by tools/own_data.py) finds it inside the package.
    shown = run("show", "census_csv", "--resolved")
    assert shown.returncode == 0, shown.stderr
    data_path = Path(yaml.safe_load(shown.stdout)["data"]["path"])
    assert data_path.is_relative_to(purelib) and data_path.is_file()

    trained = run("train", "quickstart", *QUICK, "--run-dir", "quick")
    assert trained.returncode == 0, trained.stderr[-2000:]
    metrics = json.loads((empty / "quick" / "metrics.json").read_text())
    assert metrics["test"]["accuracy"] > 0.5  # 1 epoch of the digits MLP: ~0.9

    # init validates what it writes (the recipe trains: tests/init/test_command.py).
    _census(empty / "census.csv", rows=400)
    init = run("init", "census.csv", "--out", "r.yaml")
    assert init.returncode == 0, init.stderr
    assert "wrote r.yaml (validated)" in init.stdout
    assert "classification, 2 classes: <=50K" in init.stdout


def _census(path: Path, rows: int) -> None:
    """A small census-like table: numbers, string categoricals, missing cells, string target."""
    rng = random.Random(0)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["age", "workclass", "education", "hours_per_week", "income"])
        for _ in range(rows):
            age, hours = rng.randint(18, 80), rng.randint(10, 60)
            education = rng.choice(["HS-grad", "Bachelors", "Masters"])
            workclass = rng.choice(["Private", "State-gov", "Self-emp", ""])
            score = age / 10 + hours / 10 + (2 if education == "Masters" else 0)
            writer.writerow([age, workclass, education, hours,
                             ">50K" if score + rng.gauss(0, 1) > 10 else "<=50K"])
