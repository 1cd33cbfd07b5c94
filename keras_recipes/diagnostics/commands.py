"""The `lint`, `diagnose`, `baseline` and `compare` subcommands (registered by `cli.py`).

TensorFlow is imported only inside `diagnose` and `baseline`; `lint` and
`compare` are pure recipe logic and answer in a fraction of a second.

Exit status: `lint` 0 clean, 1 warnings; `diagnose` 0 when no step FAILs,
1 otherwise; `baseline` and `compare` 0; every command 2 on a bad recipe,
argument or run directory.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

EXIT_OK, EXIT_FOUND = 0, 1


def add_parsers(commands, add_common) -> None:
    """Adds the four subcommands to `commands` (argparse subparsers)."""
    lint = commands.add_parser("lint", help="flag recipe settings that contradict the playbook")
    lint.add_argument("recipes", nargs="+", help="recipe YAML files")
    add_common(lint)

    diagnose = commands.add_parser(
        "diagnose", help="the playbook's debugging order: data, init, overfit 10 examples, "
        "gradient flow, loss decreases, LR")
    diagnose.add_argument("recipe", help="recipe YAML file")
    diagnose.add_argument("--out", help="folder for diagnose.json and samples.png "
                          "(default: runs/diagnose/<name>)")
    diagnose.add_argument("--fail-fast", action="store_true",
                          help="stop at the first FAIL (fix that one first)")
    add_common(diagnose)

    baseline = commands.add_parser(
        "baseline", help="train logistic/linear regression and a 2-layer MLP on the recipe's "
        "data and split")
    baseline.add_argument("recipe", help="recipe YAML file")
    baseline.add_argument("--run", metavar="RUN_DIR",
                          help="a run of the recipe's own model to print beside the baselines")
    baseline.add_argument("--output", default="runs",
                          help="parent of the baselines' run directories (default: runs)")
    add_common(baseline)

    compare = commands.add_parser(
        "compare", help="resolved-recipe differences and metric deltas between runs")
    compare.add_argument("runs", nargs="+", help="run directories; the first is the reference")
    compare.add_argument("--json", dest="json_path", metavar="PATH",
                         help="also write the comparison as JSON")
    add_common(compare)


def cmd_lint(args) -> int:
    from keras_recipes.config import load_recipe
    from keras_recipes.diagnostics.lint import lint_recipe

    found = 0
    for path in args.recipes:
        recipe = load_recipe(path, args.overrides)
        warnings = lint_recipe(recipe)
        found += len(warnings)
        print(f"{path}: {len(warnings) or 'no'} playbook warning(s)")
        for warning in warnings:
            print(f"  {warning}")
    if found:
        print("silence a rule on purpose with `lint: {ignore: [rule_id]}` in the recipe")
    return EXIT_FOUND if found else EXIT_OK


def cmd_diagnose(args) -> int:
    from keras_recipes.config import load_recipe

    recipe = load_recipe(args.recipe, args.overrides)
    from keras_recipes.diagnostics.diagnose import diagnose

    out = Path(args.out) if args.out else Path("runs") / "diagnose" / recipe.name
    report = diagnose(recipe, out, fail_fast=args.fail_fast)
    first = report.first_fail
    verdict = (f"FAIL at step {first.step} ({first.name}): fix it first" if first
               else "no step FAILed")
    print(f"{verdict}; report {out / 'diagnose.json'}, samples {out / 'samples.png'} "
          f"({report.seconds:.1f} s)")
    return EXIT_OK if report.ok else EXIT_FOUND


def cmd_baseline(args) -> int:
    from keras_recipes.config import load_recipe
    from keras_recipes.diagnostics.baseline import format_baselines, run_baselines

    recipe = load_recipe(args.recipe, args.overrides)
    rows = run_baselines(recipe, args.output, args.run)
    print(format_baselines(rows))
    return EXIT_OK


def cmd_compare(args) -> int:
    from keras_recipes.diagnostics.compare import compare_runs, format_comparison

    comparison = compare_runs(args.runs)
    print(format_comparison(comparison))
    if args.json_path:
        Path(args.json_path).write_text(json.dumps({
            "runs": [str(r) for r in comparison.runs],
            "differences": {k: v for k, v in comparison.differences},
            "changed": comparison.changed,
            "metrics": {k: v for k, v in comparison.metrics},
            "warnings": comparison.warnings}, indent=2))
    sys.stdout.flush()
    return EXIT_OK


COMMANDS = {"lint": cmd_lint, "diagnose": cmd_diagnose, "baseline": cmd_baseline,
            "compare": cmd_compare}
