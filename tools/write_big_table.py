"""Writes a census-like CSV of many rows (default 1,000,000) for the streaming benchmark.

The rows follow `tools/own_data.py`'s census model (a logistic model of the
features draws the string target `<=50K`/`>50K`), widened to nine feature
columns: four numeric (`age`, `fnlwgt`, `hours_per_week`, `capital_gain`),
four string categoricals (`workclass`, `education`, `marital_status`,
`occupation`) and one integer categorical (`education_num`, 16 values),
with 3% blank cells in the features. Seeded, offline, written in chunks
(bounded memory); the output under `tools/data/` is git-ignored.

Usage:

    python tools/write_big_table.py                      # tools/data/census_1m.csv
    python tools/write_big_table.py --rows 200000 --out /tmp/t.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
HEADER = ("age", "workclass", "fnlwgt", "education", "education_num", "marital_status",
          "occupation", "hours_per_week", "capital_gain", "income")
WORKCLASS = (("Private", "Self-emp", "Federal-gov", "Local-gov", "Without-pay"),
             (0.6, 0.12, 0.08, 0.15, 0.05), (0.0, 0.6, 0.8, 0.3, -2.0))
EDUCATION = (("HS-grad", "Some-college", "Bachelors", "Masters", "Doctorate"),
             (0.35, 0.25, 0.22, 0.13, 0.05), (-1.0, -0.4, 0.6, 1.2, 1.6))
MARITAL = (("Married-civ-spouse", "Never-married", "Divorced", "Separated", "Widowed"),
           (0.46, 0.33, 0.14, 0.03, 0.04), (0.9, -0.8, -0.3, -0.5, -0.2))
OCCUPATION = (("Prof-specialty", "Craft-repair", "Exec-managerial", "Adm-clerical", "Sales",
               "Other-service", "Machine-op-inspct", "Transport-moving", "Handlers-cleaners",
               "Farming-fishing", "Tech-support", "Protective-serv"),
              (0.13, 0.13, 0.13, 0.12, 0.12, 0.1, 0.07, 0.05, 0.05, 0.04, 0.03, 0.03),
              (0.7, 0.0, 0.9, -0.2, 0.1, -0.9, -0.4, -0.2, -0.8, -0.6, 0.4, 0.3))
CHUNK = 100_000


def _chunk(rng: np.random.Generator, n: int, blank: float) -> list[np.ndarray]:
    """One chunk of rows as columns of strings (the target last)."""
    columns, logit = [], np.full(n, -0.9)
    age = np.clip(rng.normal(40, 12, n), 17, 90).round()
    hours = np.clip(rng.normal(40, 10, n), 5, 99).round()
    gain = np.where(rng.random(n) < 0.08, rng.lognormal(8.5, 1.0, n), 0.0).round()
    fnlwgt = rng.lognormal(12, 0.5, n).round()
    picks = {}
    for name, (values, p, effect) in (("workclass", WORKCLASS), ("education", EDUCATION),
                                      ("marital_status", MARITAL), ("occupation", OCCUPATION)):
        picks[name] = rng.choice(len(values), n, p=p)
        logit += np.asarray(effect)[picks[name]]
    edu_num = np.clip(9 + 2 * picks["education"] + rng.integers(-1, 2, n), 1, 16)
    logit += (0.05 * (age - 40) + 0.06 * (hours - 40) - 0.0015 * (age - 45) ** 2
              + 0.4 * (gain > 0) + 0.05 * (edu_num - 10))
    income = rng.random(n) < 1 / (1 + np.exp(-2.0 * logit))
    for name in HEADER[:-1]:
        if name in picks:
            table = dict((("workclass", WORKCLASS), ("education", EDUCATION),
                          ("marital_status", MARITAL), ("occupation", OCCUPATION)))[name][0]
            cells = np.asarray(table)[picks[name]]
        else:
            numbers = {"age": age, "fnlwgt": fnlwgt, "hours_per_week": hours,
                       "capital_gain": gain, "education_num": edu_num}[name]
            cells = numbers.astype(np.int64).astype(str)
        cells = np.where(rng.random(n) < blank, "", cells)
        columns.append(cells)
    columns.append(np.where(income, ">50K", "<=50K"))
    return columns


def write_table(out: Path, rows: int, seed: int = 0, blank: float = 0.03) -> Path:
    """Writes `rows` census-like rows (plus the header) to `out`, in chunks."""
    rng = np.random.default_rng(seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w") as handle:
        handle.write(",".join(HEADER) + "\n")
        for start in range(0, rows, CHUNK):
            columns = _chunk(rng, min(CHUNK, rows - start), blank)
            handle.write("\n".join(",".join(row) for row in zip(*columns)) + "\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(ROOT / "tools" / "data" / "census_1m.csv"))
    args = parser.parse_args()
    out = write_table(Path(args.out), args.rows, args.seed)
    print(f"wrote {out} ({args.rows:,} rows, {out.stat().st_size / 2 ** 20:.0f} MB)")


if __name__ == "__main__":
    main()
