"""Benchmark: a 1,000,000-row CSV streamed, recipe vs hand-written Keras (samples/s, peak RSS).

The table is `tools/write_big_table.py`'s census-like CSV (1M rows, nine
feature columns: four numeric, five categorical, 3% blank cells; a string
target). Both sides stream it from disk with `tf.data` and train the same
model (an MLP: Dense(64) and Dense(32), each without bias, batch norm, ReLU,
dropout 0.2; softmax over 2 classes; Adam 1e-3; batch 256) for one epoch over
the 70% training rows, validate on 10% and test on 20%:

- `recipe`: `recipes/census_csv.yaml` with `data.stream: true`
  (`keras_recipes.data.table_stream`: a Python scan types and labels the
  file, the split is the in-memory path's seeded stratified split, the
  statistics come from 100,000 training rows, `TextLineDataset` +
  parallel `decode_csv` every epoch, rows shuffled in windows of 200,000);
  everything `train` does (run folder, checkpoint, CSV log, TensorBoard,
  final evaluation, saving the raw-input model).
- `keras`: the idiomatic script (keras.io "Structured data classification
  with FeatureSpace"): `tf.data.experimental.make_csv_dataset` (blank cells
  read as NaN for numbers and "" for strings, `shuffle_buffer_size=10_000`),
  on the table pre-split into three files by row index (70/10/20, written
  once, not timed: the most favourable set-up for the hand-written side), a
  `keras.utils.FeatureSpace` (`float_normalized` with NaN set to 0,
  `string_categorical`, `integer_categorical`, one-hot, concatenated) adapted
  on the first 100,000 training rows, mapped in `tf.data`; `fit` with
  validation, then `evaluate` on the test rows.

Every job runs in a fresh process (its own peak RSS), the two alternate, the
report gives medians. `samples/s`: training rows / the epoch's training phase;
`wall s`: the whole job after imports (scan/adapt, fit, evaluation, saving).

Usage:

    python tools/write_big_table.py          # once: tools/data/census_1m.csv (git-ignored)
    python tools/bench_table_stream.py [--reps 3] [--file tools/data/census_1m.csv]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from benchlib import (ROOT, alternate, base_parser, emit_child_result, finish, isolated_job,
                      load, median, table)

TABLE = ROOT / "tools" / "data" / "census_1m.csv"
BATCH = 256
HIDDEN = [64, 32]
ADAPT_ROWS = 100_000
NUMERIC = ("age", "fnlwgt", "hours_per_week", "capital_gain")
INTEGER = ("education_num",)
KEYS = ["samples_per_s", "train_s", "wall_s", "peak_rss_mb", "test_accuracy", "num_train"]
COLUMNS = [("samples_per_s", "samples/s", ".0f"), ("train_s", "epoch s", ".1f"),
           ("wall_s", "wall s", ".1f"), ("peak_rss_mb", "peak RSS MB", ".0f"),
           ("test_accuracy", "test acc", ".4f")]


def recipe_overrides(file: Path) -> list[str]:
    return [f"data.path={file}", "data.stream=true", f"data.batch_size={BATCH}",
            f"model.hidden={HIDDEN}", "training.epochs=1"]


def run_recipe(file: Path) -> dict:
    from benchlib import train_recipe

    result = train_recipe("census_csv", recipe_overrides(file))
    return {key: result.get(key) for key in ("samples_per_s", "train_s", "test_accuracy",
                                             "val_accuracy", "num_train", "fit_s")}


def split_files(file: Path) -> dict:
    """The hand-written side's input: the table pre-split into train/val/test files by row
    index (mod 10: 0-6 train, 7 val, 8-9 test), written once next to it."""
    paths = {name: file.with_name(f"{file.stem}_{name}.csv") for name in ("train", "val", "test")}
    if all(p.exists() and p.stat().st_mtime >= file.stat().st_mtime for p in paths.values()):
        return paths
    which = ["train"] * 7 + ["val"] + ["test"] * 2
    with file.open() as source:
        header = source.readline()
        outs = {name: path.open("w") for name, path in paths.items()}
        for out in outs.values():
            out.write(header)
        for index, line in enumerate(source):
            outs[which[index % 10]].write(line)
        for out in outs.values():
            out.close()
    return paths


def _handwritten_datasets(paths: dict):
    """make_csv_dataset per split file; NaN (blank numbers) -> 0, labels -> 0/1."""
    import tensorflow as tf

    with paths["train"].open() as handle:
        header = handle.readline().strip().split(",")
    defaults = [[float("nan")] if c in NUMERIC else ([-1] if c in INTEGER else [""])
                for c in header]

    def read(name, shuffle):
        ds = tf.data.experimental.make_csv_dataset(
            str(paths[name]), batch_size=BATCH, column_defaults=defaults, label_name="income",
            num_epochs=1, shuffle=shuffle, shuffle_buffer_size=10_000, shuffle_seed=0)
        return ds.map(lambda x, y: ({k: tf.where(tf.math.is_nan(v), 0.0, v)
                                     if v.dtype == tf.float32 else v for k, v in x.items()},
                                    tf.cast(tf.equal(y, ">50K"), tf.int32)),
                      num_parallel_calls=tf.data.AUTOTUNE)

    return read("train", True), read("val", False), read("test", False)


def run_keras(file: Path) -> dict:
    import keras
    import tensorflow as tf
    from keras.utils import FeatureSpace

    from benchlib import fit_timer, throughput

    paths = split_files(file)
    train, val, test = _handwritten_datasets(paths)
    features = {c: FeatureSpace.float_normalized() for c in NUMERIC}
    features.update({c: FeatureSpace.integer_categorical(num_oov_indices=1) for c in INTEGER})
    features.update({c: FeatureSpace.string_categorical(num_oov_indices=1)
                     for c in ("workclass", "education", "marital_status", "occupation")})
    space = FeatureSpace(features, output_mode="concat")
    space.adapt(train.take(ADAPT_ROWS // BATCH).map(lambda x, _: x))
    auto = tf.data.AUTOTUNE

    def prepared(ds):
        return ds.map(lambda x, y: (space(x), y), num_parallel_calls=auto).prefetch(auto)

    inputs = keras.Input((space.get_encoded_features().shape[-1],))
    x = inputs
    for units in HIDDEN:
        x = keras.layers.Dense(units, use_bias=False, kernel_initializer="he_normal")(x)
        x = keras.layers.BatchNormalization()(x)
        x = keras.layers.Dropout(0.2)(keras.layers.Activation("relu")(x))
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(x))
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    timer = fit_timer()
    model.fit(prepared(train), validation_data=prepared(val), epochs=1, verbose=0,
              callbacks=[timer])
    test_accuracy = model.evaluate(prepared(test), verbose=0, return_dict=True)["accuracy"]
    num_train = _rows(paths["train"])
    speed = throughput(timer, num_train)
    return {"samples_per_s": speed["samples_per_s"], "train_s": speed["train_s"],
            "fit_s": speed["fit_s"], "test_accuracy": test_accuracy, "num_train": num_train}


def _rows(file: Path) -> int:
    with file.open() as handle:
        return sum(1 for _ in handle) - 1


def run_child(side: str, file: Path) -> dict:
    import keras  # noqa: F401  imported before the clock starts, as a user's script would be

    start = time.perf_counter()
    result = run_recipe(file) if side == "recipe" else run_keras(file)
    result["wall_s"] = time.perf_counter() - start
    return result


def main() -> None:
    parser = base_parser(__doc__, "bench_table_stream.json", reps=3)
    parser.add_argument("--file", default=str(TABLE))
    parser.add_argument("--child", default=None, help=argparse_hidden())
    args = parser.parse_args()
    file = Path(args.file).resolve()
    if args.child:
        emit_child_result(run_child(args.child, file))
        return
    if not file.exists():
        sys.exit(f"{file} is missing: run `python tools/write_big_table.py` first")
    split_files(file)
    for path in [file, *split_files(file).values()]:  # into the page cache for every job
        path.read_bytes()
    before = load()
    jobs = {side: isolated_job(__file__, ["--child", side, "--file", str(file)], side)
            for side in ("recipe", "keras")}
    runs = alternate(jobs, args.reps, warmup=False)
    rows = {name: {key: median(r.get(key) for r in results) for key in KEYS}
            for name, results in runs.items()}
    ratio = rows["recipe"]["samples_per_s"] / rows["keras"]["samples_per_s"]
    wall_ratio = rows["keras"]["wall_s"] / rows["recipe"]["wall_s"]
    per_rep = [r["samples_per_s"] / k["samples_per_s"]
               for r, k in zip(runs["recipe"], runs["keras"])]
    summary = {"ratio_recipe_vs_keras": ratio, "wall_ratio_keras_over_recipe": wall_ratio,
               "ratio_per_rep": per_rep, "jobs": rows}
    config = {"file": str(file), "bytes": file.stat().st_size, "batch_size": BATCH,
              "hidden": HIDDEN, "epochs": 1, "reps": args.reps, "adapt_rows": ADAPT_ROWS,
              "recipe": recipe_overrides(file)}
    text = (f"1M-row CSV streamed: samples/s recipe / hand-written = {ratio:.3f} (per rep "
            f"{', '.join(f'{v:.3f}' for v in per_rep)}); whole job hand-written / recipe = "
            f"{wall_ratio:.3f}\n" + table(rows, COLUMNS))
    finish(args, "1M-row CSV streamed: recipe vs hand-written Keras", config, summary, runs,
           text, before)


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    main()
