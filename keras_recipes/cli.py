"""Command line: `keras-recipes {train,validate,schema,list} ...`.

TensorFlow is imported only by commands that train, so `--help`, `validate`,
`schema` and `list` answer in a fraction of a second.

Exit status: 0 success, 1 training failed, 2 bad recipe or arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Optional, Sequence

from keras_recipes.diagnostics.commands import COMMANDS as DIAGNOSTICS_COMMANDS
from keras_recipes.diagnostics.commands import add_parsers as add_diagnostics_parsers
from keras_recipes.errors import KerasRecipesError, RecipeError, TrainingError, UsageError
from keras_recipes.init.command import COMMANDS as INIT_COMMANDS
from keras_recipes.init.command import add_parser as add_init_parser
from keras_recipes.recipes_commands import COMMANDS as RECIPES_COMMANDS
from keras_recipes.recipes_commands import add_parsers as add_recipes_parsers
from keras_recipes.serving.commands import COMMANDS as SERVING_COMMANDS
from keras_recipes.serving.commands import add_parsers as add_serving_parsers

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_BROKEN_PIPE = 141  # output pipe closed early (128 + SIGPIPE), as a shell reports it
# Commands that start TensorFlow: its C++ start-up lines are kept off the terminal
# (`--debug` shows them). The others must not import it (start-up < 0.5 s).
TENSORFLOW_COMMANDS = {"train", "tune", "lr-find", "diagnose", "baseline", "evaluate",
                       "preview", "predict", "export"}


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad arguments as a UsageError (exit 2, one message)."""

    def error(self, message: str):
        raise UsageError(f"{self.prog}: {message}")


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE",
                        help="override a recipe value, e.g. --set training.epochs=5 (repeatable)")
    parser.add_argument("--debug", action="store_true",
                        help="show tracebacks and TensorFlow's start-up messages")


def _add_debug(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--debug", action="store_true",
                        help="show tracebacks and TensorFlow's start-up messages")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="keras-recipes",
                     description="Train Keras models from declarative YAML recipes.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    train = commands.add_parser("train", help="train a recipe and write a run directory")
    train.add_argument("recipe", nargs="?",
                       help="recipe YAML file or shipped recipe name, e.g. quickstart "
                       "(with --resume: default the run's recipe.yaml)")
    train.add_argument("--run-dir", help="write exactly here (new or empty; an interrupted "
                       "run of the same recipe there is resumed)")
    train.add_argument("--resume", metavar="RUN_DIR",
                       help="continue an interrupted run exactly where its state was saved")
    train.add_argument("--force", action="store_true",
                       help="resume even though the recipe changed since the run started")
    train.add_argument("--output", default="runs",
                       help="parent of runs/<name>/<timestamp> (default: runs)")
    train.add_argument("--verbose", type=int, choices=(0, 1, 2),
                       help="Keras progress output (default: training.verbose)")
    _add_common(train)

    validate = commands.add_parser("validate", help="check recipes without training")
    validate.add_argument("recipes", nargs="+", help="recipe YAML files")
    validate.add_argument("--print", dest="show", action="store_true",
                          help="print the resolved recipe")
    _add_common(validate)

    schema = commands.add_parser("schema", help="print the recipe JSON Schema (for editors)")
    _add_common(schema)

    launch = commands.add_parser(
        "launch", help="train a recipe on N local workers (multi_worker, TF_CONFIG generated)")
    launch.add_argument("--workers", type=int, required=True, help="number of local workers")
    launch.add_argument("recipe", help="recipe YAML file")
    launch.add_argument("rest", nargs=argparse.REMAINDER,
                        help="further `train` arguments (--run-dir, --output, --set ...)")

    finder = commands.add_parser("lr-find", help="LR range test on the recipe's model and data")
    finder.add_argument("recipe", help="recipe YAML file")
    finder.add_argument("--steps", type=int, default=100, help="sweep length (default 100)")
    finder.add_argument("--start-lr", type=float, default=1e-7)
    finder.add_argument("--end-lr", type=float, default=10.0)
    finder.add_argument("--plot", default="lr_find.png", help="plot path (default lr_find.png)")
    finder.add_argument("--logdir", metavar="DIR",
                        help="also write the curve to TensorBoard (DIR/lr_finder), e.g. runs")
    finder.add_argument("--write", metavar="OUT.yaml",
                        help="write the recipe with optimizer.learning_rate set to the suggestion")
    _add_common(finder)

    from keras_recipes.augment.preview import add_parser as add_preview_parser

    add_preview_parser(commands, _add_common)

    add_diagnostics_parsers(commands, _add_common)

    from keras_recipes.tuning.command import add_parser as add_tune_parser

    add_tune_parser(commands)

    evaluate = commands.add_parser(
        "evaluate", help="evaluate a finished run's model on one split (per-class report, "
        "confusion matrix, most confidently wrong examples)")
    evaluate.add_argument("run_dir", help="run directory written by `train`")
    evaluate.add_argument("--split", choices=("test", "val"), default="test",
                          help="split to evaluate (default: test)")
    evaluate.add_argument("--top", type=int, default=16,
                          help="most confidently wrong examples kept (default 16)")
    _add_common(evaluate)

    board = commands.add_parser("board", help="TensorBoard on 127.0.0.1 over a folder of runs")
    board.add_argument("runs_dir", nargs="?", default="runs",
                       help="folder of runs (default: runs)")
    board.add_argument("--port", type=int, default=6006, help="port (default 6006)")
    board.add_argument("--dry-run", action="store_true",
                       help="print the TensorBoard command instead of starting it")
    _add_common(board)

    add_recipes_parsers(commands, _add_common)
    add_init_parser(commands, _add_common)
    add_serving_parsers(commands, _add_debug)
    return parser


def _cmd_train(args) -> int:
    from keras_recipes.config import load_recipe
    from keras_recipes.distributed import is_chief
    from keras_recipes.run.resume import check_same_recipe, run_dir_kind

    fixed = Path(args.resume or args.run_dir) if (args.resume or args.run_dir) else None
    kind = run_dir_kind(fixed) if fixed is not None else "new"
    saved = fixed / "recipe.yaml" if fixed is not None else None
    has_saved = kind in ("resume", "restart") and saved.is_file()
    if args.recipe is None and not has_saved:
        raise UsageError("train: no recipe -> a recipe YAML file, or --resume RUN_DIR")
    recipe = load_recipe(args.recipe or saved, args.overrides)
    if has_saved:
        check_same_recipe(fixed, recipe.model_dump(mode="json"), args.force)
    from keras_recipes.diagnostics.lint import print_lint

    print_lint(recipe, str(args.recipe or "recipe.yaml"))
    chief = is_chief()
    if fixed is None or not chief:
        return _train_into(args, recipe, fixed, kind if kind in ("resume", "restart") else "new",
                           chief)
    from keras_recipes.run.lock import release
    from keras_recipes.run.resume import claim_run_dir

    # One writer per run directory: locked, then checked again under the lock.
    claim_run_dir(fixed, "--resume" if args.resume else "--run-dir", expected=kind)
    try:
        return _train_into(args, recipe, fixed, kind, chief)
    finally:
        release(fixed)


def _train_into(args, recipe, fixed: Optional[Path], kind: str, chief: bool) -> int:
    """Trains `recipe` once the run directory's kind is known: `new`, `resume`, `restart`.

    Multi-worker: only the chief writes (and locks) the run directory."""
    from keras_recipes.run.resume import STATE_FILE

    state = fixed / STATE_FILE if kind == "resume" else None
    if kind == "restart" and chief:
        print(f"restarting {fixed}: the run there stopped before its first saved state")
    from keras_recipes.training.trainer import train

    if not chief:
        # Multi-worker: only the chief writes the run directory; the others train in a
        # private temporary directory they delete (shared writes collide in Keras), and
        # resume from the chief's state.
        import shutil
        import tempfile

        scratch = Path(tempfile.mkdtemp(prefix="keras_recipes_worker_"))
        if state is not None and (fixed / "history.csv").is_file():
            # The epochs before the resume: the final phase reads the whole history.
            shutil.copyfile(fixed / "history.csv", scratch / "history.csv")
        try:
            result = train(recipe, scratch, verbose=args.verbose, resume_from=state)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        print(f"worker weights checksum: {_checksum(result.model)}")
        return EXIT_OK
    from keras_recipes.run import create_run_dir

    run_dir = fixed if fixed is not None else create_run_dir(args.output, recipe.name)
    try:
        result = train(recipe, run_dir, verbose=args.verbose, resume_from=state)
    except KeyboardInterrupt:
        from keras_recipes.run.resume_hint import resume_hint

        print(resume_hint(run_dir), file=sys.stderr)
        return EXIT_INTERRUPTED
    if os.environ.get("TF_CONFIG"):
        print(f"worker weights checksum: {_checksum(result.model)}")
    print(f"run directory: {run_dir}")
    return EXIT_OK


def _checksum(model) -> str:
    """Sums of |weights| (trainable; all) so workers can be compared from their output."""
    import numpy as np

    def total(variables):
        return sum(float(np.abs(np.asarray(v, np.float64)).sum()) for v in variables)

    return f"trainable {total(model.trainable_weights):.8e}, all {total(model.weights):.8e}"


def _cmd_launch(args) -> int:
    from keras_recipes.distributed import launch_local_workers

    if args.workers < 1:
        raise UsageError(f"--workers: {args.workers} -> at least 1")
    train_args = [args.recipe, "--set", "distribute.strategy=multi_worker", *args.rest]
    return launch_local_workers(args.workers, train_args)


def _cmd_lr_find(args) -> int:
    import yaml

    from keras_recipes.config import apply_overrides, load_recipe, read_recipe_dict
    from keras_recipes.config.loader import set_dotted

    if args.steps < 5:
        raise UsageError(f"--steps: {args.steps} -> at least 5")
    from keras_recipes.lr_finder.recipe_range_test import range_test, range_test_recipe
    from keras_recipes.training.trainer import prepare

    recipe = load_recipe(args.recipe, args.overrides)
    prepared = prepare(range_test_recipe(recipe))  # the sweep `diagnose` runs (step 6)
    result = range_test(prepared, start_lr=args.start_lr, end_lr=args.end_lr,
                        num_steps=args.steps)
    result.plot(args.plot)
    if args.logdir:
        from keras_recipes.monitoring import write_lr_finder_curve

        print(f"TensorBoard curve: {write_lr_finder_curve(result, args.logdir)}")
    print(f"lr-find: {len(result.lrs)} steps at global batch {prepared.plan.global_batch}, "
          f"suggested learning rate {result.suggestion:.3g}"
          f" (recipe has {recipe.optimizer.learning_rate:g}); flags: "
          f"{', '.join(result.flags) or 'none'}; plot: {args.plot}")
    if args.write:
        data = apply_overrides(read_recipe_dict(args.recipe), args.overrides)
        set_dotted(data, "optimizer.learning_rate", float(f"{result.suggestion:.3g}"))
        Path(args.write).write_text(yaml.safe_dump(data, sort_keys=False))
        print(f"wrote {args.write}")
    return EXIT_OK


def _cmd_tune(args) -> int:
    from keras_recipes.tuning.command import cmd_tune

    return cmd_tune(args)


def _cmd_validate(args) -> int:
    import yaml

    from keras_recipes.config import load_recipe

    failed = 0
    for path in args.recipes:
        try:
            recipe = load_recipe(path, args.overrides)
        except RecipeError as err:
            print(f"error: {err}", file=sys.stderr)
            failed += 1
            continue
        print(f"{path}: ok")
        from keras_recipes.diagnostics.lint import print_lint

        print_lint(recipe, path)
        if args.show:
            print(yaml.safe_dump(recipe.model_dump(mode="json"), sort_keys=False))
    return EXIT_USAGE if failed else EXIT_OK


def _cmd_schema(args) -> int:
    from keras_recipes.config import Recipe

    print(json.dumps(Recipe.model_json_schema(), indent=2))
    return EXIT_OK


def _cmd_evaluate(args) -> int:
    from keras_recipes.evaluation.evaluate_run import evaluate_run

    evaluate_run(args.run_dir, args.split, args.top)
    return EXIT_OK


def _cmd_board(args) -> int:
    from keras_recipes.monitoring.board import run_board

    return run_board(args.runs_dir, args.port, args.dry_run)


def _cmd_preview(args) -> int:
    from keras_recipes.augment.preview import preview_command

    return preview_command(args)


COMMANDS = {"preview": _cmd_preview, "train": _cmd_train, "lr-find": _cmd_lr_find, "tune": _cmd_tune, "launch": _cmd_launch, "validate": _cmd_validate, "schema": _cmd_schema,
            "evaluate": _cmd_evaluate, "board": _cmd_board}

COMMANDS.update(DIAGNOSTICS_COMMANDS)
COMMANDS.update(RECIPES_COMMANDS)
COMMANDS.update(INIT_COMMANDS)
COMMANDS.update(SERVING_COMMANDS)


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    if not debug:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        args = build_parser().parse_args(argv)
        if args.command in TENSORFLOW_COMMANDS:
            from keras_recipes.runtime.tensorflow_start import start_tensorflow

            start_tensorflow(show_messages=debug)
        return COMMANDS[args.command](args)
    except (RecipeError, UsageError) as err:
        if debug:
            raise
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except TrainingError as err:
        if debug:
            raise
        print(f"training failed: {err}", file=sys.stderr)
        return EXIT_FAILED
    except KerasRecipesError as err:
        if debug:
            raise
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # stdout closed early (`list | head -1`): not a run's file
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except OSError as err:  # full disk, read-only, permissions, name too long
        if debug:
            raise
        from keras_recipes.run.os_errors import describe_os_error

        print(f"error: {describe_os_error(err)}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as err:  # TensorFlow's writers report OS errors as tf.errors.OpError
        from keras_recipes.run.os_errors import describe_os_error, os_error_of

        os_error = None if debug else os_error_of(err)
        if os_error is None:
            raise
        print(f"error: {describe_os_error(os_error)}", file=sys.stderr)
        return EXIT_USAGE
