"""GPU readiness: precision x XLA and the step-time breakdown, one run under 8 minutes, one JSON.

On a machine with a GPU, `python tools/bench_gpu.py` trains, through the
recipe (`train()`, its defaults otherwise), in one process:

1. **precision x XLA**: a ResNet (filters 32-64-128, two blocks a stage) on
   20,000 generated 32x32x3 images (batch 256) and the `sequence_transformer`
   recipe on 8,000 sequences of 256 tokens (batch 128), each under
   `training.precision` float32 / mixed_float16 / mixed_bfloat16 with
   `training.jit_compile` off and on, plus `auto` / `auto` (what the recipe
   picks by itself) when the installed version accepts it;
2. **input-bound vs compute-bound**: the ResNet on a folder of 20,000 PNGs
   (`tools/digit_scenes.py`, written to a temporary folder) decoded every
   epoch (`data.cache: none`) and cached in memory (`auto`), float32.

Each job reports steady samples/s (median epoch after the first, which
traces and compiles), the first epoch's seconds (compile time shows there),
test accuracy, and the product's step-time breakdown (`timing.csv`: share of
step time waiting for data, compute, callbacks, samples/s, FLOP/s, MFU and
the verdict). Speed-ups are relative to float32 without XLA. Jobs run in a
fixed order of importance and the run stops starting jobs when the next one
would overrun `--budget-s` (default 420 s, 7 minutes, leaving one for
start-up and writing the data); skipped jobs are listed.

`--smoke` runs the same code paths at tiny sizes (a few hundred examples,
2 epochs, XLA on one job; 7 recipe runs, each with its fixed per-run work:
7.5 minutes on the 2 shared CPUs at load 11) on a CPU: it checks the
script, its numbers are not GPU figures. Without a GPU the full mode refuses to run
unless `--force` is given.

Usage:
    python tools/bench_gpu.py [--smoke] [--budget-s 420] [--reps 1]
        [--out tools/results/bench_gpu.json]   # --smoke: bench_gpu_smoke.json
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from benchlib import RESULTS, base_parser, clear_keras, finish, load, median, table, train_recipe

PRECISIONS = ["float32", "mixed_float16", "mixed_bfloat16"]
SIZES = {
    # images, image batch, sequences, sequence length, sequence batch, epochs, folder images
    "full": dict(images=20000, image_batch=256, sequences=8000, seq_len=256, seq_batch=128,
                 epochs=3, folder=20000, filters=[32, 64, 128], blocks=2),
    "smoke": dict(images=256, image_batch=64, sequences=256, seq_len=32, seq_batch=64,
                  epochs=2, folder=256, filters=[8, 16], blocks=1),
}
OUT_KEYS = ("steady_samples_per_s", "first_epoch_s", "fit_s", "wall_s", "test_accuracy")


def resnet_overrides(size: dict) -> tuple[str, list[str]]:
    """The ResNet on generated in-memory images (`digits_cnn` recipe, model and data swapped)."""
    return "digits_cnn", [
        "data.source=synthetic", "data.name=images", "data.input_shape=null",
        "data.normalize=none",
        f"data.synthetic={{samples: {size['images']}, image_size: 32, channels: 3, classes: 10}}",
        f"data.batch_size={size['image_batch']}", "model.type=resnet",
        f"model.filters={size['filters']}", f"model.blocks_per_stage={size['blocks']}",
        "model.hidden=[]", "schedule.warmup={epochs: 1}", f"training.epochs={size['epochs']}"]


def transformer_overrides(size: dict) -> tuple[str, list[str]]:
    return "sequence_transformer", [
        f"data.synthetic={{samples: {size['sequences']}, seq_len: {size['seq_len']}, "
        "vocab_size: 32, classes: 4}", f"data.batch_size={size['seq_batch']}",
        f"training.epochs={size['epochs']}"]


def folder_overrides(size: dict, folder: Path, cache: str) -> tuple[str, list[str]]:
    """The ResNet on the PNG folder, decoded every epoch (`none`) or cached (`auto`)."""
    return "digits_folder", [
        f"data.path={folder}", "data.image_size=[32, 32]", "data.color_mode=rgb",
        f"data.batch_size={size['image_batch']}", f"data.cache={cache}", "model.type=resnet",
        f"model.filters={size['filters']}", f"model.blocks_per_stage={size['blocks']}",
        "model.hidden=[]", "schedule.warmup={epochs: 1}", f"training.epochs={size['epochs']}"]


def accepts(recipe: str, overrides: list[str]) -> bool:
    """True when the installed version validates these overrides (e.g. `auto` values)."""
    from keras_recipes.config import load_recipe
    from keras_recipes.errors import UsageError

    from benchlib import ROOT

    try:
        load_recipe(ROOT / "recipes" / f"{recipe}.yaml", overrides)
    except (UsageError, ValueError):
        return False
    return True


def plan(size_name: str, folder: Path) -> list[tuple[str, str, str, list[str]]]:
    """`(group, job, recipe, overrides)` in order of importance."""
    size = SIZES[size_name]
    jobs = []
    for group, (recipe, base) in (("resnet", resnet_overrides(size)),
                                  ("transformer", transformer_overrides(size))):
        combos = [(p, x) for x in (False, True) for p in PRECISIONS]
        if size_name == "smoke":  # every code path once; CPU XLA compiles slowly
            combos = ([(p, False) for p in PRECISIONS] + [("float32", True)]
                      if group == "resnet" else [("mixed_bfloat16", False)])
        for precision, xla in combos:
            jobs.append((group, f"{precision}{' +XLA' if xla else ''}", recipe,
                         [*base, f"training.precision={precision}",
                          f"training.jit_compile={str(xla).lower()}"]))
        auto = [*base, "training.precision=auto", "training.jit_compile=auto"]
        if size_name == "full" and accepts(recipe, auto):
            jobs.append((group, "auto / auto", recipe, auto))
    for cache in ("none", "auto"):
        recipe, overrides = folder_overrides(size, folder, cache)
        jobs.append(("folder", f"decode every epoch ({cache})" if cache == "none"
                     else "cached in memory (auto)", recipe, overrides))
    return jobs


def device_info() -> dict:
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    details = []
    for gpu in gpus:
        try:
            details.append(tf.config.experimental.get_device_details(gpu))
        except (RuntimeError, ValueError):
            details.append({"name": gpu.name})
    return {"gpus": len(gpus), "gpu_details": details}


def run_job(recipe: str, overrides: list[str]) -> dict:
    clear_keras()
    result = train_recipe(recipe, [*overrides, "training.verbose=0"])
    out = {k: result.get(k) for k in OUT_KEYS}
    out["timing"] = result.get("timing", {})
    return out


def main() -> None:
    parser = base_parser(__doc__, "bench_gpu.json", reps=1)
    parser.add_argument("--smoke", action="store_true",
                        help="tiny sizes on any device: checks the code paths (minutes on a CPU)")
    parser.add_argument("--budget-s", type=float, default=None,
                        help="start no job that would end after this many seconds "
                             "(default 420; none with --smoke)")
    parser.add_argument("--force", action="store_true", help="full sizes even without a GPU")
    args = parser.parse_args()
    size = "smoke" if args.smoke else "full"
    if args.budget_s is None:
        args.budget_s = float("inf") if args.smoke else 420.0
    if args.smoke and args.out.endswith("bench_gpu.json"):
        args.out = str(RESULTS / "bench_gpu_smoke.json")
    started = time.perf_counter()
    device = device_info()
    if size == "full" and not device["gpus"] and not args.force:
        sys.exit("no GPU visible: run with --smoke to check the script on a CPU "
                 "(or --force for full sizes anyway)")
    before = load()

    from digit_scenes import write_scenes

    with tempfile.TemporaryDirectory(prefix="bench_gpu_") as tmp:
        n = SIZES[size]["folder"]
        folder = write_scenes(Path(tmp), train=n, val=max(64, n // 10), test=max(64, n // 10))
        jobs = plan(size, folder)
        runs, skipped, longest = {}, [], 0.0
        for rep in range(args.reps):
            for group, name, recipe, overrides in jobs:
                elapsed = time.perf_counter() - started
                if elapsed + 1.2 * longest > args.budget_s:
                    skipped.append(f"{group}: {name} (rep {rep + 1})")
                    continue
                t0 = time.perf_counter()
                result = run_job(recipe, overrides)
                longest = max(longest, time.perf_counter() - t0)
                runs.setdefault(group, {}).setdefault(name, []).append(result)
                verdict = result["timing"].get("verdict", "")
                print(f"  {group} {name}: {result['steady_samples_per_s']:.0f} samples/s, "
                      f"first epoch {result['first_epoch_s']:.1f} s; {verdict}", flush=True)

    summary, blocks = {}, []
    for group, by_job in runs.items():
        rows = {}
        for name, results in by_job.items():
            row = {k: median(r[k] for r in results) for k in OUT_KEYS}
            timing = results[-1]["timing"]
            row.update({k: timing.get(k) for k in ("input_share", "mfu", "flops_per_s")})
            row["verdict"] = timing.get("verdict")
            rows[name] = row
        base = rows.get("float32", rows.get("decode every epoch (none)"))
        for row in rows.values():
            row["speedup"] = (row["steady_samples_per_s"] / base["steady_samples_per_s"]
                              if base else None)
        summary[group] = rows
        blocks.append(f"{group} ({size})\n" + table(rows, [
            ("steady_samples_per_s", "steady sam/s", ".0f"), ("speedup", "speed-up", ".2f"),
            ("first_epoch_s", "1st epoch s", ".1f"), ("input_share", "input share", ".2f"),
            ("mfu", "MFU", ".3f"), ("test_accuracy", "test acc", ".3f")], first="job"))
    total = time.perf_counter() - started
    text = "\n\n".join(blocks) + f"\n\ntotal {total:.0f} s" + (
        f"; skipped (budget): {', '.join(skipped)}" if skipped else "")
    finish(args, "GPU readiness: precision x XLA, step-time breakdown",
           {"size": size, "sizes": SIZES[size], "reps": args.reps, "budget_s": args.budget_s},
           summary, runs, text, before,
           extra={"device": device, "total_s": total, "skipped": skipped,
                  "note": None if device["gpus"] else "no GPU: CPU numbers, not GPU figures"})


if __name__ == "__main__":
    main()
