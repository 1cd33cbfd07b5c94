import json
import subprocess
import sys

import pytest

from keras_recipes.cli import main
from tests.helpers import ROOT, run_cli, side_by_side


def test_bad_recipe_exits_2_with_every_problem_and_no_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("data: {batch_sise: 32}\ntraining: {epochs: many}\noptimizer: {name: adamm}\n")
    result = run_cli("validate", str(bad))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    for fragment in ("data.batch_sise", "training.epochs", "optimizer.name",
                     "did you mean 'adam'"):
        assert fragment in result.stderr
    # train in process: the same refusal without a second interpreter's TF start-up.
    assert main(["train", str(bad), "--run-dir", str(tmp_path / "run")]) == 2
    assert "3 problems" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_validate_and_help_do_not_import_tensorflow():
    code = ("import sys\nfrom keras_recipes.cli import main\n"
            "main(['validate', 'recipes/quickstart.yaml'])\n"
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
            "print('clean')")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.stdout.strip().endswith("clean"), result.stderr


def test_help_imports_neither_the_schema_nor_pydantic():
    # --help builds every command's parser; the recipe schema (pydantic) costs ~0.3 s.
    code = ("import sys\nfrom keras_recipes.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('pydantic', 'keras_recipes.config', 'numpy', 'tensorflow')\n"
            "         if m in sys.modules]\n"
            "print('heavy:', heavy)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.stdout.strip().endswith("heavy: []"), result.stdout[-500:] + result.stderr


def test_validate_ok_schema_and_list(capsys):
    assert main(["validate", str(ROOT / "recipes/quickstart.yaml")]) == 0
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert "optimizer" in schema["properties"]
    assert main(["list", str(ROOT / "recipes")]) == 0
    assert "quickstart.yaml" in capsys.readouterr().out


def test_bad_arguments_and_missing_files_exit_2(tmp_path, capsys):
    assert main(["train"]) == 2
    assert main(["validate", str(tmp_path / "missing.yaml")]) == 2
    assert "no such recipe file" in capsys.readouterr().err
    assert main(["validate", str(ROOT / "recipes/quickstart.yaml"), "--set", "oops"]) == 2
    assert main(["list", str(tmp_path)]) == 2


def test_run_dir_that_is_not_empty_is_refused(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("earlier run")
    assert main(["train", str(ROOT / "recipes/quickstart.yaml"), "--run-dir",
                 str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").read_text() == "earlier run"


@pytest.mark.slow
def test_deterministic_runs_give_identical_metrics_and_weights(tmp_path):
    import keras
    import numpy as np

    from concurrent.futures import ThreadPoolExecutor

    runs = [tmp_path / "run0", tmp_path / "run1"]
    # Two independent processes at once (one per core; the pytest process only waits).
    with ThreadPoolExecutor(max_workers=side_by_side()) as pool:
        results = list(pool.map(lambda run: run_cli(
            "train", "recipes/quickstart.yaml", "--run-dir", str(run),
            "--set", "deterministic=true", "--set", "training.epochs=4",
            "--set", "callbacks.tensorboard=false", "--verbose", "0"), runs))
    for result in results:
        assert result.returncode == 0, result.stderr
    metrics = [json.loads((r / "metrics.json").read_text()) for r in runs]
    assert metrics[0] == metrics[1]
    from keras_recipes.saving import load_model

    weights = [load_model(r / "model.keras").get_weights() for r in runs]
    for a, b in zip(*weights):
        np.testing.assert_array_equal(a, b)


def test_runs_never_overwrite_each_other(tmp_path):
    from keras_recipes.run import create_run_dir

    first = create_run_dir(tmp_path, "name")
    second = create_run_dir(tmp_path, "name")
    assert first != second and first.parent == second.parent == tmp_path / "name"


@pytest.mark.slow
def test_lr_find_writes_plot_and_recipe_with_the_suggestion(tmp_path, capsys):
    from keras_recipes.config import load_recipe

    out = tmp_path / "tuned.yaml"
    plot = tmp_path / "lr_find.png"
    # In process: the same command without a second interpreter's TF start-up.
    code = main(["lr-find", str(ROOT / "recipes/quickstart.yaml"), "--steps", "60",
                 "--plot", str(plot), "--write", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "60 steps" in captured.out or "steps, suggested" in captured.out
    assert plot.stat().st_size > 1000
    tuned = load_recipe(out)
    assert 1e-5 < tuned.optimizer.learning_rate < 1.0
    assert tuned.optimizer.learning_rate != 1e-3


def test_a_closed_output_pipe_ends_quietly():
    # `keras-recipes list | head -1`: a closed stdout is not a run's file (no error message).
    child = subprocess.Popen([sys.executable, "-m", "keras_recipes", "list"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    child.stdout.close()
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=60) == 141
    assert stderr == ""
