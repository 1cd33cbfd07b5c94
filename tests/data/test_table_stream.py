"""Streamed tables (`data.stream`): the same split, statistics, predictions and errors as
reading the CSV into memory; resumable epoch order."""

import types

import numpy as np
import pytest

from keras_recipes.data import build_data
from keras_recipes.data import table_stream
from keras_recipes.data.table_scan import scan_csv
from keras_recipes.errors import DataError, UsageError

ROWS = 300


def _write_table(file, rows=ROWS, seed=0):
    """Numeric (with blanks, NA, ?), string and integer categoricals, free text, a quoted
    cell, a blank line, and a string target."""
    rng = np.random.default_rng(seed)
    jobs = np.array(["Private", "Self-emp", "Gov", "Without-pay"])
    words = np.array(["good", "bad", "fine", "long", "day", "at", "work", "home"])
    lines = ["age,job,grade,hours,note,income"]
    for i in range(rows):
        age = "" if i % 17 == 0 else ("NA" if i % 29 == 0 else f"{rng.normal(40, 12):.2f}")
        hours = "?" if i % 23 == 0 else str(int(rng.integers(10, 60)))
        note = " ".join(rng.choice(words, rng.integers(3, 7)))
        note = f'"{note}, really"' if i % 31 == 0 else note
        job = "" if i % 13 == 0 else str(rng.choice(jobs))
        years = float(age) if age[:1].isdigit() else 40.0
        label = ">50K" if rng.random() < 0.3 + 0.004 * (years - 40) else "<=50K"
        lines.append(f"{age},{job},{i % 4},{hours},{note},{label}")
    lines.insert(40, "")  # a blank line: skipped by both readers
    file.write_text("\n".join(lines) + "\n")
    return file


def _config(path, stream, **keys):
    values = dict(source="csv", path=str(path), target=None, columns={}, task="auto",
                  input_shape=None, batch_size=32, val_split=0.1, test_split=0.2, stratify=True,
                  normalize="standard", shuffle_buffer=None, cache="auto", prefetch=True,
                  augment=[], stream=stream, max_tokens=50, ngrams=1)
    values.update(keys)
    return types.SimpleNamespace(**values)


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    """The same CSV built in memory and streamed (classification, balanced weights)."""
    file = _write_table(tmp_path_factory.mktemp("stream") / "t.csv")
    built = {stream: build_data(_config(file, stream, columns={"note": "text"}), seed=3,
                                class_weight="balanced")
             for stream in (False, True)}
    built["file"] = file
    return built


def _rows(ds):
    """Every `(x, y)` of a batched split, as sorted rows (order-free comparison)."""
    rows = []
    for x, y in ds:
        x = np.asarray(x)
        rows += [tuple(np.round(r, 5)) + (int(label),) for r, label in zip(x, np.asarray(y))]
    return sorted(rows)


def test_streamed_split_spec_and_class_weights_equal_the_in_memory_ones(bundles):
    memory, streamed = bundles[False], bundles[True]
    assert streamed.spec == memory.spec
    assert (streamed.spec.num_train, streamed.spec.num_val, streamed.spec.num_test) == (210, 30, 60)
    assert streamed.spec.class_names == ("<=50K", ">50K")
    np.testing.assert_allclose(streamed.class_weights, memory.class_weights, rtol=1e-6)
    assert streamed.arrays is None


def test_streamed_statistics_and_vocabularies_equal_the_in_memory_ones(bundles):
    memory, streamed = bundles[False].preprocessor, bundles[True].preprocessor
    assert streamed.kinds == memory.kinds == {"age": "numeric", "job": "categorical",
                                              "grade": "categorical", "hours": "numeric",
                                              "note": "text"}
    assert streamed.means == pytest.approx(memory.means, rel=1e-6)
    assert streamed.has_missing == memory.has_missing == {"age": True, "hours": True}
    for column in ("age", "hours"):
        np.testing.assert_allclose(np.asarray(streamed.layers[column].variance),
                                   np.asarray(memory.layers[column].variance), rtol=1e-5)
    for column in ("job", "grade", "note"):
        assert streamed.layers[column].get_vocabulary() == memory.layers[column].get_vocabulary()


def test_every_split_holds_the_same_preprocessed_rows_and_predictions_match(bundles):
    import keras
    import tensorflow as tf

    memory, streamed = bundles[False], bundles[True]
    for split in ("val", "test"):
        assert _rows(getattr(streamed, split)) == _rows(getattr(memory, split))
    assert _rows(streamed.epochs.epoch(0, weighted=False)) == _rows(memory.train)
    # The hand-back model: raw columns in; one set of weights gives the same predictions.
    models = []
    for bundle in (memory, streamed):
        raw = bundle.preprocessor.raw_inputs()
        models.append(keras.Model(raw, keras.layers.Dense(2, name="head")(
            bundle.preprocessor(raw))))
    models[1].get_layer("head").set_weights(models[0].get_layer("head").get_weights())
    raw = {"age": np.array([30.0, np.nan, 61.5], np.float32),
           "job": np.array(["Gov", "", "never-seen"]), "grade": np.array(["1", "3", "9"]),
           "hours": np.array([40.0, 12.0, np.nan], np.float32),
           "note": np.array(["good day at work", "", "bad bad home"])}
    raw = {k: tf.constant(v) for k, v in raw.items()}
    predictions = [np.asarray(model(raw)) for model in models]
    np.testing.assert_allclose(predictions[1], predictions[0], rtol=1e-5, atol=1e-6)
    assert np.abs(predictions[0]).max() > 0.01


def test_streamed_epochs_are_stable_across_reads_and_resume_mid_epoch(bundles):
    first = bundles[True].epochs
    again = build_data(_config(bundles["file"], True, columns={"note": "text"}), seed=3,
                       class_weight="balanced").epochs
    epoch1 = [np.asarray(y) for _, y, _ in first.epoch(1)]
    assert [np.asarray(y).tolist() for _, y, _ in again.epoch(1)] == [e.tolist() for e in epoch1]
    assert len(epoch1) == 7 and sum(map(len, epoch1)) == 210
    x0 = next(iter(first.epoch(0)))[0]
    x1 = next(iter(first.epoch(1)))[0]
    assert not np.array_equal(np.asarray(x0), np.asarray(x1))  # reshuffled every epoch
    resumed = next(iter(first.from_position(1, 3)))
    np.testing.assert_array_equal(np.asarray(resumed[1]), epoch1[3])


def _streamed_error(tmp_path, text, **keys):
    (tmp_path / "e.csv").write_text(text)
    with pytest.raises((DataError, UsageError)) as streamed:
        build_data(_config(tmp_path / "e.csv", True, **keys), seed=0)
    return str(streamed.value)


def _in_memory_error(tmp_path, text, **keys):
    (tmp_path / "e.csv").write_text(text)
    with pytest.raises((DataError, UsageError)) as memory:
        build_data(_config(tmp_path / "e.csv", False, **keys), seed=0)
    return str(memory.value)


@pytest.mark.parametrize("row, expected", [
    ("ten,1", r"line 18, column 'x': 'ten' -> a number \(the column is numeric"),
    ("3.5", r"line 18: 1 cells -> 2, one per column"),
    ("3.5,", r"line 18, column 'y' \(the target\): empty -> a label on every row"),
])
def test_streamed_errors_name_file_line_and_column_like_the_in_memory_reader(
        tmp_path, row, expected):
    rows = ["x,y"] + [f"{i}.5,{i % 2}" for i in range(40)]
    rows[17] = row  # file line 18
    text = "\n".join(rows) + "\n"
    message = _streamed_error(tmp_path, text)
    assert message == _in_memory_error(tmp_path, text)
    assert __import__("re").search(expected, message)


def test_rows_tensorflow_cannot_parse_are_named_before_training(tmp_path):
    rows = ["x,note,y"] + [f"{i}.5,plain,{i % 2}" for i in range(40)]
    rows[7] = '7.5,5 ft 10",1'  # a quote inside an unquoted cell: Python reads it, TF not
    message = _streamed_error(tmp_path, "\n".join(rows) + "\n")
    assert message.startswith(f"{tmp_path / 'e.csv'}: line 8: ") and "data.stream: false" in message
    rows[7] = '7.5,"two\nlines",1'
    message = _streamed_error(tmp_path, "\n".join(rows) + "\n")
    assert "data.stream" in message and "quoted line break" in message


def test_regression_targets_scale_like_the_in_memory_path(tmp_path):
    rng = np.random.default_rng(1)
    rows = ["a,b,price"] + [f"{rng.normal():.4f},{rng.choice(['p', 'q', 'r'])},"
                            f"{rng.normal(300, 40):.2f}" for _ in range(120)]
    (tmp_path / "r.csv").write_text("\n".join(rows) + "\n")
    memory, streamed = (build_data(_config(tmp_path / "r.csv", s), seed=0) for s in (False, True))
    assert streamed.spec == memory.spec and streamed.spec.task == "regression"
    for ours, theirs in zip(streamed.target_scale, memory.target_scale):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    assert _rows_float(streamed.test) == _rows_float(memory.test)


def _rows_float(ds):
    return sorted(tuple(np.round(np.append(x, y), 4)) for xs, ys in ds
                  for x, y in zip(np.asarray(xs), np.asarray(ys).reshape(len(xs), -1)))


def test_auto_streams_files_over_the_threshold(tmp_path, monkeypatch):
    file = _write_table(tmp_path / "t.csv", rows=20)
    assert table_stream.resolve_stream(types.SimpleNamespace(stream="auto"), file) is False
    monkeypatch.setattr(table_stream, "IN_MEMORY_FACTOR", (8 << 30) // file.stat().st_size + 1)
    assert table_stream.resolve_stream(types.SimpleNamespace(stream="auto"), file) is True
    assert table_stream.resolve_stream(types.SimpleNamespace(stream=False), file) is False


def test_the_scan_types_columns_like_the_in_memory_reader(tmp_path):
    from keras_recipes.data.columns import infer_column_types
    from keras_recipes.data.table_reader import read_table

    file = _write_table(tmp_path / "t.csv", rows=80)
    scan = scan_csv(file, None, {})
    table = read_table(str(file))
    features = {c: v for c, v in table.columns.items() if c != "income"}
    expected = {c: ("numeric" if k == "binary" else k)
                for c, k in infer_column_types(features).items()}
    assert scan.kinds == expected == {"age": "numeric", "job": "categorical",
                                      "grade": "categorical", "hours": "numeric",
                                      "note": "text"}
    assert scan.rows == 80 and scan.blank_lines and scan.quoted
