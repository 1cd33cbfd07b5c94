"""`predict` on text and arrays: what each INPUT becomes, and what it refuses (exit 2)."""

import types

import keras
import numpy as np
import pytest

from keras_recipes.cli import main
from keras_recipes.data.spec import DataSpec
from keras_recipes.serving.handback import write_handback
from tests.serving.runs import read_predictions

TEXTS = ["a good film", "a bad film", "good good good", "bad acting and a bad plot"]


@pytest.fixture(scope="module")
def text_run(tmp_path_factory):
    """An (untrained) text classifier handed back with TF-IDF inside: raw strings in."""
    from keras_recipes.data.text_preprocessor import TextOptions, TextPreprocessor

    pre = TextPreprocessor(np.array(TEXTS), TextOptions(max_tokens=50, encoding="tf_idf"))
    width = pre(pre.raw_inputs()).shape[-1]
    inputs = keras.Input((width,), name="inputs")
    network = keras.Model(inputs, keras.layers.Dense(2, activation="softmax", name="out")(inputs))
    spec = DataSpec((width,), "classification", 2, 4, 0, 0, class_names=("neg", "pos"))
    run = tmp_path_factory.mktemp("text_run")
    write_handback(network, types.SimpleNamespace(spec=spec, preprocessor=pre), run)
    return run, pre, network


def test_text_file_one_example_per_line_and_undecodable_lines_reported(text_run, tmp_path,
                                                                         capsys):
    run, pre, network = text_run
    lines = [t.encode() for t in TEXTS] + [b"caf\xe9 r\xe9sum\xe9", b""]
    (tmp_path / "reviews.txt").write_bytes(b"\n".join(lines) + b"\n")
    code = main(["predict", str(run), str(tmp_path / "reviews.txt"), "--out",
                 str(tmp_path / "out.csv")])
    assert code == 2
    assert "line 5: not UTF-8 text -> one UTF-8 example per line" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()  # no partial file
    del lines[4]  # without the undecodable line
    (tmp_path / "reviews.txt").write_bytes(b"\n".join(lines) + b"\n")
    assert main(["predict", str(run), str(tmp_path / "reviews.txt"), "--out",
                 str(tmp_path / "out.csv")]) == 0
    rows = read_predictions(tmp_path / "out.csv")
    assert [r["input"] for r in rows] == ["line 1", "line 2", "line 3", "line 4", "line 5"]
    expected = np.asarray(network(pre(np.array(TEXTS + [""]))))
    np.testing.assert_allclose([[float(r["probability_neg"]), float(r["probability_pos"])]
                                for r in rows], expected, atol=1e-6)
    assert [r["predicted"] for r in rows] == [("neg", "pos")[k] for k in expected.argmax(-1)]


def test_text_folder_one_example_per_file(text_run, tmp_path):
    run, pre, network = text_run
    for i, text in enumerate(TEXTS):
        (tmp_path / "reviews" / ("b" if i % 2 else "a")).mkdir(parents=True, exist_ok=True)
        (tmp_path / "reviews" / ("b" if i % 2 else "a") / f"{i}.txt").write_text(text)
    assert main(["predict", str(run), str(tmp_path / "reviews"), "--top", "1",
                 "--out", str(tmp_path / "out.csv")]) == 0
    rows = read_predictions(tmp_path / "out.csv")
    assert [r["input"] for r in rows] == [str(tmp_path / "reviews" / p)
                                          for p in ("a/0.txt", "a/2.txt", "b/1.txt", "b/3.txt")]
    assert set(rows[0]) == {"input", "predicted", "probability"}
    order = [0, 2, 1, 3]
    expected = np.asarray(network(pre(np.array([TEXTS[i] for i in order])))).max(-1)
    np.testing.assert_allclose([float(r["probability"]) for r in rows], expected, atol=1e-6)


@pytest.mark.parametrize("name,content,message", [
    ("x.npz", None, "has arrays a, b -> an array named 'text'"),
    ("x.png", b"", "-> a text file (one example per line), a folder of .txt files, or a CSV "
                   "with a 'text' column (this model's input is text data)"),
    ("x.csv", b"review,label\nnice,pos\n", "no column 'text' -> a CSV with the model's columns"),
    ("missing.txt", None, "does not exist"),
])
def test_inputs_the_model_cannot_read_exit_2_with_one_message(text_run, tmp_path, capsys, name,
                                                              content, message):
    run, _, _ = text_run
    path = tmp_path / name
    if name.endswith(".npz"):
        np.savez(path, a=np.zeros((2, 3)), b=np.zeros(2))
    elif content is not None:
        path.write_bytes(content)
    assert main(["predict", str(run), str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


def test_bad_arguments_exit_2(text_run, tmp_path, capsys):
    run, _, _ = text_run
    (tmp_path / "t.txt").write_text("good\n")
    assert main(["predict", str(run), str(tmp_path / "t.txt"), "--top", "0"]) == 2
    assert "--top: 0 -> at least 1" in capsys.readouterr().err
    assert main(["predict", str(tmp_path), str(tmp_path / "t.txt")]) == 2
    assert "has no model.keras -> a run directory written by a finished `train`" in \
        capsys.readouterr().err
    assert main(["export", str(run), "--format", "onnx", "--out", str(tmp_path / "t")]) == 2
    assert "export --format onnx:" in capsys.readouterr().err  # packages or string inputs


def test_predict_and_export_help_do_not_import_tensorflow():
    import subprocess
    import sys

    from tests.helpers import ROOT

    code = ("import sys\nfrom keras_recipes.cli import main\n"
            "for command in ('predict', 'export'):\n"
            "    try:\n        main([command, '--help'])\n    except SystemExit:\n        pass\n"
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
            "print('clean')")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.stdout.strip().endswith("clean"), result.stderr
    assert "--top K" in result.stdout and "saved_model (a folder)" in result.stdout


def test_a_table_of_one_text_column_also_reads_a_text_file(tmp_path):
    from keras_recipes.data.table_preprocessor import TablePreprocessor
    from keras_recipes.data.text_preprocessor import TextOptions

    pre = TablePreprocessor({"review": np.array(TEXTS)}, {"review": "text"},
                            TextOptions(max_tokens=50, encoding="tf_idf"))
    width = pre(pre.raw_inputs()).shape[-1]
    inputs = keras.Input((width,), name="inputs")
    network = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(inputs))
    spec = DataSpec((width,), "classification", 2, 4, 0, 0, class_names=("neg", "pos"))
    (tmp_path / "run").mkdir()
    write_handback(network, types.SimpleNamespace(spec=spec, preprocessor=pre), tmp_path / "run")
    (tmp_path / "reviews.txt").write_text("\n".join(TEXTS) + "\n")
    assert main(["predict", str(tmp_path / "run"), str(tmp_path / "reviews.txt"),
                 "--out", str(tmp_path / "out.csv")]) == 0
    expected = np.asarray(network(pre({"review": np.array(TEXTS)})))[:, 1]
    np.testing.assert_allclose([float(r["probability_pos"]) for r in
                                read_predictions(tmp_path / "out.csv")], expected, atol=1e-6)
