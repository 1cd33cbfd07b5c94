"""The `tune` command: search a recipe's `tune` space, write trials.csv and best_recipe.yaml.

Example:

    python -m keras_recipes tune recipes/digits_tune.yaml            # new or resumed
    python -m keras_recipes tune recipes/digits_tune.yaml --overwrite
    python -m keras_recipes tune --workers 2 recipes/digits_tune.yaml
"""

from __future__ import annotations

import re
from pathlib import Path

from keras_recipes.errors import TrainingError, UsageError


def add_parser(commands) -> None:
    """Registers `tune` on the CLI's subparsers (no TensorFlow import)."""
    tune = commands.add_parser("tune", help="hyperparameter search over the recipe's `tune` "
                                            "space (keras-tuner)")
    tune.add_argument("recipe", help="recipe YAML file with a `tune` section")
    tune.add_argument("--run-dir", help="search directory (default <output>/<name>/tune); "
                                        "an existing search there is resumed")
    tune.add_argument("--output", default="runs", help="parent of the default run directory")
    tune.add_argument("--overwrite", action="store_true",
                      help="start the search over instead of resuming it")
    tune.add_argument("--workers", type=int, default=0,
                      help="run N local tuner processes and a chief oracle (127.0.0.1)")
    tune.add_argument("--set", dest="overrides", action="append", default=[],
                      metavar="KEY=VALUE", help="override a recipe value (repeatable)")
    tune.add_argument("--debug", action="store_true", help="show tracebacks")


def load_base(path: str, overrides) -> tuple[dict, object]:
    """The recipe as a dict (YAML + overrides) and validated; it must have `tune`."""
    from keras_recipes.config.loader import apply_overrides, read_recipe_dict, validate_dict

    base = apply_overrides(read_recipe_dict(path), overrides)
    base.setdefault("name", re.sub(r"[^A-Za-z0-9_.-]", "_", Path(path).stem))
    recipe = validate_dict(base, path)
    if recipe.tune is None:
        raise UsageError(f"tune: {path} has no `tune` section -> add one, e.g. tune: {{space: "
                         "{optimizer.learning_rate: {float: [1e-4, 1e-1], sampling: log}}}")
    return base, recipe


def cmd_tune(args) -> int:
    """Runs (or resumes) the search; `--workers N` runs it on N local processes."""
    from keras_recipes.tuning.launch import (finalizes, is_chief, is_distributed_child,
                                             launch_local_search)
    from keras_recipes.tuning.search_dir import join_search_dir, open_search_dir

    if args.workers < 0:
        raise UsageError(f"--workers: {args.workers} -> 0 (one process) or more")
    base, recipe = load_base(args.recipe, args.overrides)
    if is_distributed_child():  # keras-tuner's env vars: a chief or a tuner of a cluster
        run_dir = join_search_dir(args.run_dir, args.output, recipe, is_chief())
        return _search(base, recipe, run_dir, finalize=finalizes())
    run_dir, note = open_search_dir(args.run_dir, args.output, recipe, args.overwrite)
    print(note, flush=True)
    if not args.workers:
        return _search(base, recipe, run_dir, finalize=True)
    rest = [arg for item in args.overrides for arg in ("--set", item)]
    code = launch_local_search(args.workers, [args.recipe, "--run-dir", str(run_dir), *rest])
    if code:
        return code
    from keras_recipes.tuning.tuner import build_tuner

    return _finalize(build_tuner(base, recipe, run_dir), base, run_dir)  # reloads the records


def _write_experiment(recipe, run_dir: Path) -> None:
    from keras_recipes.tuning.hparams_log import write_experiment
    from keras_recipes.config.tune_space import parse_space

    write_experiment(run_dir / "tensorboard", parse_space(recipe.tune.space)[0],
                     recipe.tune.objective)


def _search(base: dict, recipe, run_dir: Path, finalize: bool) -> int:
    from keras_recipes.runtime import quiet_tensorflow_logs
    from keras_recipes.tuning.launch import is_chief
    from keras_recipes.tuning.progress import last_line
    from keras_recipes.tuning.tuner import build_tuner

    quiet_tensorflow_logs()
    tuner = build_tuner(base, recipe, run_dir)
    if finalize or is_chief():  # the HParams experiment: once per search
        _write_experiment(recipe, run_dir)
    try:
        tuner.search(verbose=0)
    except RuntimeError as err:  # keras-tuner: too many consecutive failed trials
        if finalize:
            _finalize(tuner, base, run_dir)
        first = str(err).strip().splitlines()[0]
        raise TrainingError(f"tune: the search stopped: {first} Last failure: "
                            f"{last_line(str(err))}") from None
    return _finalize(tuner, base, run_dir) if finalize else 0


def _finalize(tuner, base: dict, run_dir: Path) -> int:
    from keras_recipes.tuning.results import write_best_recipe, write_trials_csv

    rows = write_trials_csv(run_dir / "trials.csv", tuner.oracle, tuner.specs)
    best = write_best_recipe(run_dir / "best_recipe.yaml", base, tuner.oracle, tuner.specs)
    print(f"{rows} trial(s) in {run_dir / 'trials.csv'}")
    if best is None:
        print("no trial completed; no best_recipe.yaml", flush=True)
        return 1
    print(f"best: trial {best.trial_id} {tuner.oracle.objective.name}={best.score:.4f}; "
          f"retrain it with: python -m keras_recipes train {run_dir / 'best_recipe.yaml'}")
    return 0
