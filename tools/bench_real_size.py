"""Benchmark at real sizes: recipe vs hand-written Keras on a ResNet (image folder) and a transformer (256 tokens).

Two workloads, each trained by the recipe (`keras_recipes` `train()` with its
defaults: run directory, best checkpoint, CSV, TensorBoard with its extras,
NaN guard, final evaluation and saving) and by the hand-written Keras script
a skilled user writes (`tools/handwritten.py`: the same model layer for layer,
same parameter count, optimizer, schedule, loss, batch size and epochs):

- `resnet`: a basic-block ResNet (filters 16-32-64, one block per stage) on
  24,000 32x32 RGB PNGs in an image folder (`tools/digit_scenes.py` writes
  them: 20,000 train, 2,000 val, 2,000 test; 10 classes), read with
  `data.source: image_folder`. Mode `cached` (default): the recipe's
  `data.cache: auto` (decoded once, kept in memory) vs
  `image_dataset_from_directory` + `cache().shuffle().batch().prefetch()`;
  mode `streamed`: `data.cache: none` (decoded every epoch) vs the keras.io
  tutorial pipeline (`image_dataset_from_directory(batch_size=64).prefetch()`).
- `transformer`: the `sequence_transformer` recipe (2 pre-LN blocks, d_model
  64, 4 heads) on 4,000 generated sequences of 256 tokens (the majority-marker
  task; 2,800 for training), vs the same model hand-written on a cached,
  shuffled, prefetched `tf.data` pipeline.

Every job runs in a fresh Python process (so its peak resident memory is
its own), the jobs alternate (round r starts with job r mod n), and the
report gives medians. Samples/s: the training phase of an epoch in steady
state (median epoch, the first -- which traces -- left out); `wall s`: the
whole job in its process (reading data, building, fit, evaluation, saving;
not the Python/TensorFlow import); `epoch CPU s`: the median steady epoch
(training, validation, epoch-end callbacks) in CPU time of the process, all
threads: the work done, which other processes' load moves less than wall
time. Ratio: recipe / hand-written samples/s.

Usage:
    python tools/digit_scenes.py        # once: writes tools/data/digit_scenes_32
    python tools/bench_real_size.py [--bench resnet transformer] [--modes cached streamed]
        [--epochs N] [--reps 3] [--out-dir tools/results]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from benchlib import (ROOT, alternate, base_parser, emit_child_result, finish, isolated_job,
                      load, median, table)

SCENES = ROOT / "tools" / "data" / "digit_scenes_32"
EPOCHS = {"resnet": 2, "transformer": 2}
RESNET = {"filters": [16, 32, 64], "blocks_per_stage": 1}
SEQUENCES = {"samples": 4000, "seq_len": 256, "vocab_size": 32, "classes": 4}
KEYS = ["steady_samples_per_s", "steady_epoch_cpu_s", "wall_s", "fit_s", "first_epoch_s",
        "peak_rss_mb", "test_accuracy"]
COLUMNS = [("steady_samples_per_s", "steady sam/s", ".0f"),
           ("steady_epoch_cpu_s", "epoch CPU s", ".1f"), ("first_epoch_s", "1st epoch s", ".1f"),
           ("fit_s", "fit s", ".1f"), ("wall_s", "wall s", ".1f"),
           ("peak_rss_mb", "peak RSS MB", ".0f"), ("test_accuracy", "test acc", ".3f")]


def recipe_overrides(bench: str, mode: str, epochs: int) -> tuple[str, list[str]]:
    """The shipped recipe a workload starts from and its `--set` overrides."""
    if bench == "resnet":
        return "digits_folder", [
            f"data.path={SCENES}", "data.image_size=[32, 32]", "data.color_mode=rgb",
            "data.batch_size=64", f"data.cache={'auto' if mode == 'cached' else 'none'}",
            "model.type=resnet", f"model.filters={RESNET['filters']}",
            f"model.blocks_per_stage={RESNET['blocks_per_stage']}", "model.hidden=[]",
            "schedule.warmup={epochs: 1}", f"training.epochs={epochs}"]
    s = SEQUENCES
    return "sequence_transformer", [
        f"data.synthetic={{samples: {s['samples']}, seq_len: {s['seq_len']}, "
        f"vocab_size: {s['vocab_size']}, classes: {s['classes']}}}",
        f"training.epochs={epochs}"]


def run_child(bench: str, side: str, mode: str, epochs: int) -> dict:
    """One job in this (fresh) process: the recipe or the hand-written script."""
    from benchlib import fit_timer, throughput, train_recipe

    import keras  # imported before the clock starts, as a user's script would be

    start = time.perf_counter()
    if side == "recipe":
        name, overrides = recipe_overrides(bench, mode, epochs)
        result = train_recipe(name, overrides)
        result.pop("s_to_val_accuracy", None)
    else:
        import handwritten

        timer = fit_timer()
        if bench == "resnet":
            out = handwritten.run_image_folder(SCENES, epochs, RESNET["filters"],
                                               RESNET["blocks_per_stage"],
                                               cache=mode == "cached", callbacks=[timer])
        else:
            s = SEQUENCES
            handwritten.JOBS["transformer_256"] = (
                lambda: handwritten.sequences(s["samples"], s["seq_len"], s["vocab_size"],
                                              s["classes"]),
                lambda: handwritten.transformer(s["seq_len"], s["vocab_size"], s["classes"]),
                lambda spe, n: ("adamw", handwritten._warmup_cosine(1e-3, spe * n,
                                                                    round(0.05 * spe * n))),
                0.0)
            out = handwritten.run("transformer_256", epochs, "tfdata", callbacks=[timer])
        result = {**throughput(timer, out["num_train"]), **out,
                  "epochs_run": len(timer.epoch_seconds)}
    result["wall_s"] = time.perf_counter() - start
    del keras
    return result


def warm_file_cache(folder: Path) -> int:
    """Reads every file once so that the first job does not pay the disk alone."""
    total = 0
    for file in folder.rglob("*.png"):
        total += len(file.read_bytes())
    return total


def bench_one(args, bench: str, mode: str) -> None:
    epochs = args.epochs or EPOCHS[bench]
    if bench == "resnet":
        if not (SCENES / "COUNTS").exists():
            sys.exit(f"{SCENES} is missing: run `python tools/digit_scenes.py` first")
        warm_file_cache(SCENES)
    label = f"{bench}" + (f" ({mode})" if bench == "resnet" else "")
    print(f"{label}, {epochs} epochs, {args.reps} reps")
    before = load()
    jobs = {side: isolated_job(__file__, ["--child", f"{bench}:{side}:{mode}", "--epochs",
                                          str(epochs), "--scenes", str(SCENES)],
                               f"{bench} {side} {mode}")
            for side in ("recipe", "keras")}
    runs = alternate(jobs, args.reps, warmup=False)
    rows = {name: {key: median(r.get(key) for r in results) for key in KEYS}
            for name, results in runs.items()}
    ratio = rows["recipe"]["steady_samples_per_s"] / rows["keras"]["steady_samples_per_s"]
    wall_ratio = rows["keras"]["wall_s"] / rows["recipe"]["wall_s"]
    cpu_ratio = rows["keras"]["steady_epoch_cpu_s"] / rows["recipe"]["steady_epoch_cpu_s"]
    per_rep = [r["steady_samples_per_s"] / k["steady_samples_per_s"]
               for r, k in zip(runs["recipe"], runs["keras"])]
    summary = {"ratio_recipe_vs_keras": ratio, "wall_ratio_keras_over_recipe": wall_ratio,
               "cpu_ratio_keras_over_recipe": cpu_ratio,
               "ratio_per_rep": per_rep, "jobs": rows}
    config = {"bench": bench, "mode": mode, "epochs": epochs, "reps": args.reps,
              "batch_size": 64,
              **({"model": RESNET, "data": str(SCENES)} if bench == "resnet"
                 else {"data": SEQUENCES}),
              "recipe": recipe_overrides(bench, mode, epochs)}
    text = (f"{label}: steady samples/s ratio recipe / hand-written = {ratio:.3f} "
            f"(per rep {', '.join(f'{v:.3f}' for v in per_rep)}); epoch CPU time "
            f"hand-written / recipe = {cpu_ratio:.3f}; whole job hand-written / recipe = "
            f"{wall_ratio:.3f}\n" + table(rows, COLUMNS))
    name = f"bench_real_size_{bench}" + (f"_{mode}" if bench == "resnet" else "") + ".json"
    args.out = str(Path(args.out_dir) / name)
    finish(args, f"real size: recipe vs hand-written Keras, {label}", config, summary, runs,
           text, before)


def main() -> None:
    global SCENES
    parser = base_parser(__doc__, "unused.json")
    parser.add_argument("--bench", nargs="+", default=["resnet", "transformer"],
                        choices=["resnet", "transformer"])
    parser.add_argument("--modes", nargs="+", default=["cached"], choices=["cached", "streamed"],
                        help="ResNet input modes (default: cached)")
    parser.add_argument("--epochs", type=int, default=None, help="epochs per job (>= 2)")
    parser.add_argument("--out-dir", default=str(ROOT / "tools" / "results"))
    parser.add_argument("--scenes", default=str(SCENES),
                        help="the image folder (default: tools/data/digit_scenes_32)")
    parser.add_argument("--child", default=None, help=argparse_hidden())
    args = parser.parse_args()
    SCENES = Path(args.scenes).resolve()
    if args.child:
        bench, side, mode = args.child.split(":")
        emit_child_result(run_child(bench, side, mode, args.epochs or EPOCHS[bench]))
        return
    for bench in args.bench:
        for mode in (args.modes if bench == "resnet" else ["cached"]):
            bench_one(args, bench, mode)


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    main()
