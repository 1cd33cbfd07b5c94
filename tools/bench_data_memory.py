"""Peak memory of an image-folder training epoch against dataset size: `data.cache` modes.

For each dataset size, a folder of 96x96 RGB PNGs (10 classes) is written
once; then a fresh process builds the data exactly as `train` does
(`build_data` with `data.cache: memory` or `none`) and reads two epochs of
the epoch-addressed training stream (decode, resize, shuffle, batch,
rescale). Its peak resident memory (`ru_maxrss`) is recorded, together with
the decoded size of the training split.

With `memory` the peak grows with the data (the decoded split is held and
shuffled in RAM); with `none` (streaming: file paths are shuffled, images are
decoded per batch) it stays flat. `auto` picks `memory` up to a quarter of
the machine's RAM (at most 4 GiB of decoded pixels), `none` beyond.

Writes `tools/results/bench_data_memory.json` and `docs/data_memory.png`.

Usage:

    python tools/bench_data_memory.py [--sizes 1000 4000 16000] [--work /tmp/bench_images]
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SIZE = (96, 96)

_CHILD = r"""
import json, resource, sys, types
from keras_recipes.data import build_data
path, cache = sys.argv[1], sys.argv[2]
config = types.SimpleNamespace(
    source="image_folder", path=path, image_size=list(map(int, sys.argv[3:5])), color_mode="rgb",
    task="auto", input_shape=None, batch_size=64, val_split=0.1, test_split=0.1, stratify=True,
    normalize="standard", shuffle_buffer=None, cache=cache, prefetch=True, augment=[])
bundle = build_data(config, seed=0)
batches = -(-bundle.spec.num_train // 64)
seen = 0
for x, y in bundle.epochs.from_position(0).take(2 * batches):
    seen += int(x.shape[0])
print(json.dumps({"examples_seen": seen, "num_train": bundle.spec.num_train,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_folder(root: Path, count: int, seed: int = 0) -> Path:
    """`count` smooth random 96x96 RGB PNGs in 10 class folders (skipped if present)."""
    from PIL import Image

    done = root / f".complete_{count}"
    if done.exists():
        return root
    rng = np.random.default_rng(seed)
    ramp = np.linspace(0, 1, SIZE[0])[:, None, None]
    for i in range(count):
        folder = root / f"class_{i % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        colour = rng.uniform(0, 255, 3)
        pixels = ramp * colour + rng.normal(0, 8, SIZE + (3,))
        Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(folder / f"{i:06d}.png")
    done.touch()
    return root


def measure(folder: Path, cache: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(folder), cache, *map(str, SIZE)],
                         capture_output=True, text=True, check=True, cwd=ROOT,
                         env={"TF_CPP_MIN_LOG_LEVEL": "2", "PATH": "/usr/bin:/bin",
                              "PYTHONPATH": str(ROOT)})
    return json.loads(out.stdout.strip().splitlines()[-1])


def plot(rows: list[dict], file: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.6))
    for cache, marker in (("memory", "o"), ("none", "s")):
        points = [(r["decoded_mb"], r["peak_rss_mb"]) for r in rows if r["cache"] == cache]
        ax.plot(*zip(*points), marker=marker, label=f"data.cache: {cache}")
    ax.set_xlabel("decoded training images (MB)")
    ax.set_ylabel("peak resident memory (MB)")
    ax.set_title("Image folder, 2 epochs: memory cache vs streaming")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(file, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 16000])
    parser.add_argument("--work", default="/tmp/bench_data_memory")
    args = parser.parse_args()
    rows = []
    for count in args.sizes:
        folder = write_folder(Path(args.work) / str(count), count)
        for cache in ("memory", "none"):
            result = measure(folder, cache)
            decoded = result["num_train"] * SIZE[0] * SIZE[1] * 3 / 2 ** 20
            rows.append({"images": count, "cache": cache, "decoded_mb": round(decoded, 1),
                         **result})
            print(f"{count:>6} images ({decoded:7.1f} MB decoded), cache {cache:<6}: "
                  f"peak RSS {result['peak_rss_mb']:7.1f} MB", flush=True)
    report = {"benchmark": "image-folder peak RSS vs dataset size",
              "measured": datetime.datetime.now().isoformat(timespec="seconds"),
              "image_size": list(SIZE), "rows": rows}
    out = ROOT / "tools" / "results" / "bench_data_memory.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    plot(rows, ROOT / "docs" / "data_memory.png")
    print(f"wrote {out} and docs/data_memory.png")


if __name__ == "__main__":
    main()
