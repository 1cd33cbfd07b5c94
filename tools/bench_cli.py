"""Benchmark: CLI start-up wall time of `--help`, `validate` and `lint` (target < 0.5 s).

Each command runs as a fresh `python -m keras_recipes ...` process (what a
user types), in alternating order, `--reps` times; medians are reported with
the bare interpreter start (`python -c pass`) for reference. A command the
CLI does not have (e.g. `lint` before it exists) is reported as skipped.

Usage:
    python tools/bench_cli.py [--reps 9] [--recipe recipes/quickstart.yaml]
        [--out tools/results/bench_cli.json]
"""

from __future__ import annotations

import subprocess
import sys
import time

from benchlib import ROOT, alternate, base_parser, finish, load, median, table

LIMIT_S = 0.5


def command_exists(name: str) -> bool:
    """Whether `python -m keras_recipes <name> --help` is a known subcommand."""
    proc = subprocess.run([sys.executable, "-m", "keras_recipes", name, "--help"], cwd=ROOT,
                          capture_output=True, text=True)
    return proc.returncode == 0


def timed(argv: list[str]):
    def run():
        start = time.perf_counter()
        proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
        return {"wall_s": time.perf_counter() - start, "returncode": proc.returncode}
    return run


def main() -> None:
    parser = base_parser(__doc__, "bench_cli.json", reps=9)
    parser.add_argument("--recipe", default="recipes/quickstart.yaml")
    args = parser.parse_args()

    cli = [sys.executable, "-m", "keras_recipes"]
    commands = {"python -c pass": [sys.executable, "-c", "pass"],
                "--help": [*cli, "--help"],
                f"validate {args.recipe}": [*cli, "validate", args.recipe]}
    skipped = []
    if command_exists("lint"):
        commands[f"lint {args.recipe}"] = [*cli, "lint", args.recipe]
    else:
        skipped.append("lint (no such command yet)")
    before = load()
    runs = alternate({name: timed(argv) for name, argv in commands.items()}, args.reps,
                     echo=None)
    rows = {}
    for name, results in runs.items():
        wall = median(r["wall_s"] for r in results)
        rows[name] = {"median_s": wall, "min_s": min(r["wall_s"] for r in results),
                      "max_s": max(r["wall_s"] for r in results),
                      "exit_status": results[-1]["returncode"],
                      "under_limit": wall < LIMIT_S if name != "python -c pass" else None}
    text = table(rows, [("median_s", "median s", ".3f"), ("min_s", "min s", ".3f"),
                        ("max_s", "max s", ".3f"), ("exit_status", "exit", "d")],
                 first="command")
    if skipped:
        text += "\nskipped: " + ", ".join(skipped)
    finish(args, "CLI start-up wall time", {"reps": args.reps, "recipe": args.recipe,
                                            "limit_s": LIMIT_S},
           rows, runs, text, before, extra={"skipped": skipped})


if __name__ == "__main__":
    main()
