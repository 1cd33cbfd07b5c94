"""Logistic-regression baselines for the own-data recipes, on the recipes' own splits.

The acceptance bar of the typed-table and text sources: a network on the raw
files should match what a practitioner gets from scikit-learn by hand:

- census: one-hot categoricals + mean-imputed, standardized numerics ->
  `LogisticRegression`;
- reviews: bag of words (`CountVectorizer`) -> `LogisticRegression`.

Both read the file with `keras_recipes.data.table_reader` and split with
`keras_recipes.data.splits.split_indices` and the recipe's seed and fractions,
so the test rows are exactly the ones `evaluate` scores.

Usage:

    python tools/own_data_baselines.py recipes/data/census.csv recipes/data/reviews.csv
"""

from __future__ import annotations

import sys

import numpy as np

from keras_recipes.data.columns import infer_column_types, is_missing
from keras_recipes.data.splits import split_indices
from keras_recipes.data.table_reader import read_table


def _split(y, seed: int, val_split: float, test_split: float):
    return split_indices(np.searchsorted(np.unique(y), y), val_split, test_split, seed, True)


def logistic_baseline(path: str, seed: int = 42, val_split: float = 0.1,
                      test_split: float = 0.2, target: str | None = None) -> float:
    """Test accuracy of one-hot / bag-of-words logistic regression on the recipe's split."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    table = read_table(path)
    target = target or table.header[-1]
    features = {c: v for c, v in table.columns.items() if c != target}
    kinds = infer_column_types(features)
    columns, parts = [], []
    for i, (name, kind) in enumerate(kinds.items()):
        cells = features[name]
        if kind == "numeric":
            columns.append(np.array([np.nan if is_missing(c) else float(c) for c in cells]))
            parts.append((name, make_pipeline(SimpleImputer(), StandardScaler()), [i]))
        else:
            columns.append(np.array(["" if is_missing(c) else c for c in cells], dtype=object))
            encoder = (CountVectorizer() if kind == "text"
                       else OneHotEncoder(handle_unknown="ignore"))
            parts.append((name, encoder, i if kind == "text" else [i]))
    x = np.empty((len(table), len(columns)), dtype=object)
    for i, column in enumerate(columns):
        x[:, i] = column
    y = np.array(table.columns[target])
    train, _, test = _split(y, seed, val_split, test_split)
    model = make_pipeline(ColumnTransformer(parts), LogisticRegression(max_iter=2000))
    model.fit(x[train], y[train])
    return float(model.score(x[test], y[test]))


if __name__ == "__main__":
    for file in sys.argv[1:]:
        print(f"{file}: logistic regression test accuracy {logistic_baseline(file):.4f}")
