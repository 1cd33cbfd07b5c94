"""Typed tables: reading, typing, missing values, unseen categories and bad cells."""

import types

import numpy as np
import pytest

from keras_recipes.data.sources.table_source import load_table
from keras_recipes.data.table_preprocessor import TablePreprocessor
from keras_recipes.data.table_reader import read_table
from keras_recipes.data.text_preprocessor import TextOptions
from keras_recipes.errors import DataError, UsageError

CSV = """age,job,hours per week,note,income
39,Private,40,a long and happy life,<=50K
50,Self-emp,,short note here again,>50K
,Private,60,NA,>50K
28,,35,a b c d,<=50K
"""


def _config(path, **keys):
    return types.SimpleNamespace(path=str(path), target=keys.pop("target", None),
                                 task=keys.pop("task", "auto"), **keys)


def test_csv_rows_keep_their_file_lines(tmp_path):
    (tmp_path / "t.csv").write_text(CSV.replace("28,", "\n28,"))  # a blank line before row 4
    table = read_table(str(tmp_path / "t.csv"))
    assert table.header == ["age", "job", "hours per week", "note", "income"]
    assert table.lines == [2, 3, 4, 6]


def test_columns_are_typed_and_missing_cells_become_nan_or_empty(tmp_path):
    (tmp_path / "t.csv").write_text(CSV)
    source = load_table(_config(tmp_path / "t.csv", columns={"note": "text"}), seed=0)
    assert source.column_kinds == {"age": "numeric", "job": "categorical",
                                   "hours per week": "numeric", "note": "text"}
    assert list(source.x) == ["age", "job", "hours_per_week", "note"]  # model input names
    np.testing.assert_array_equal(np.isnan(source.x["age"]), [False, False, True, False])
    assert source.x["job"].tolist() == ["Private", "Self-emp", "Private", ""]
    assert source.y.tolist() == ["<=50K", ">50K", ">50K", "<=50K"]


def test_a_bad_numeric_cell_names_column_and_file_line(tmp_path):
    rows = ["x,y"] + [f"{i}.5,{i % 2}" for i in range(40)]
    rows[17] = "ten,1"  # file line 18
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(DataError, match=r"line 18, column 'x': 'ten' -> a number"):
        load_table(_config(tmp_path / "t.csv"), seed=0)


def test_unknown_target_and_override_columns_are_refused(tmp_path):
    (tmp_path / "t.csv").write_text(CSV)
    with pytest.raises(UsageError, match="data.target: 'nope' -> a column"):
        load_table(_config(tmp_path / "t.csv", target="nope"), seed=0)
    with pytest.raises(UsageError, match="data.columns: 'agee' -> a column"):
        load_table(_config(tmp_path / "t.csv", columns={"agee": "ignore"}), seed=0)


def test_parquet_reads_like_csv(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"a": [1.5, None, 3.25], "b": ["x", "y", None],
                             "t": ["p", "q", "p"]}), tmp_path / "t.parquet")
    source = load_table(_config(tmp_path / "t.parquet"), seed=0)
    np.testing.assert_array_equal(source.x["a"], np.array([1.5, np.nan, 3.25], np.float32))
    assert source.x["b"].tolist() == ["x", "y", ""] and source.y.tolist() == ["p", "q", "p"]


def test_preprocessor_imputes_scales_and_buckets_unseen_values():
    train = {"age": np.array([20.0, 40.0, np.nan, 60.0], np.float32),
             "job": np.array(["a", "a", "b", ""])}
    pre = TablePreprocessor(train, {"age": "numeric", "job": "categorical"}, TextOptions())
    raw = {"age": np.array([40.0, np.nan, 60.0], np.float32),
           "job": np.array(["b", "", "never-seen"])}
    out = np.asarray(pre(raw))
    std = np.std([20.0, 40.0, 60.0])
    # [age z-score, age missing, OOV, "", a, b]: mean 40 imputed -> 0, indicator set
    np.testing.assert_allclose(out[:, 0], [0.0, 0.0, 20.0 / std], atol=1e-6)
    np.testing.assert_array_equal(out[:, 1], [0, 1, 0])
    np.testing.assert_array_equal(out[:, 2:], [[0, 0, 0, 1], [0, 1, 0, 0], [1, 0, 0, 0]])


def test_targets_integer_classes_strings_or_regression_values(tmp_path):
    rows = ["x,y"] + [f"{i},{i % 3}" for i in range(30)]
    (tmp_path / "c.csv").write_text("\n".join(rows) + "\n")
    assert load_table(_config(tmp_path / "c.csv"), seed=0).y.dtype == np.int64
    rows = ["x,y"] + [f"{i},{i * 1.5}" for i in range(30)]
    (tmp_path / "r.csv").write_text("\n".join(rows) + "\n")
    assert load_table(_config(tmp_path / "r.csv"), seed=0).y.dtype == np.float64
    rows[5] = "4,n/a"  # a target cell missing: named by line
    (tmp_path / "m.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(DataError, match=r"line 6, column 'y' \(the target\): empty"):
        load_table(_config(tmp_path / "m.csv"), seed=0)
