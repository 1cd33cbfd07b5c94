"""Issue 15 acceptance: runs' model.keras in a process where keras_recipes cannot be
imported agrees with `predict`; exports reproduce it; regression comes in target units."""

import json

import numpy as np
import pytest

from keras_recipes.cli import main
from tests.serving.runs import WORDS, census_inputs, data_config, fit_handback, \
    plain_keras_predictions, read_predictions, write_census, write_digit_images

pytestmark = pytest.mark.slow  # three short trainings, one fresh process, exports


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A census-like CSV run, a digits image-folder run and a diabetes regression run,
    plus plain-Keras predictions of each on raw inputs (one fresh process)."""
    from keras_recipes.data.splits import split_indices

    root = tmp_path_factory.mktemp("serving")
    records = write_census(root / "census.csv")
    census_bundle, census_net = fit_handback(
        root / "census_run", data_config(source="csv", path=str(root / "census.csv"),
                                         target="income"),
        {"type": "mlp", "hidden": [16]}, epochs=8)
    _, codes = np.unique([r["income"] for r in records], return_inverse=True)
    test_rows = split_indices(codes, 0.1, 0.2, 1, True)[2]

    images, labels = write_digit_images(root / "digits")
    image_bundle, _ = fit_handback(
        root / "image_run", data_config(source="image_folder", path=str(root / "digits"),
                                        image_size=[8, 8], color_mode="grayscale"),
        {"type": "cnn", "filters": [16], "hidden": [32], "normalization": "none"}, epochs=6)

    from sklearn.datasets import load_diabetes

    diabetes = load_diabetes()
    regression_bundle, regression_net = fit_handback(
        root / "regression_run", data_config(source="sklearn", name="diabetes"),
        {"type": "mlp", "hidden": [16]}, epochs=2)

    census_raw = census_inputs([records[i] for i in test_rows])
    sevens = images[labels == 7]
    plain = plain_keras_predictions([
        (root / "census_run" / "model.keras", census_raw),
        (root / "image_run" / "model.keras", sevens),
        (root / "regression_run" / "model.keras", diabetes.data.astype(np.float32))], root)
    return {"root": root, "records": records, "test_rows": test_rows, "census": plain[0],
            "census_bundle": census_bundle, "census_net": census_net, "sevens": plain[1],
            "image_bundle": image_bundle, "regression": plain[2],
            "regression_bundle": regression_bundle, "regression_net": regression_net,
            "diabetes": diabetes}


def test_census_csv_plain_keras_classes_equal_predict_at_the_test_accuracy(runs):
    root = runs["root"]
    rows = [runs["records"][i] for i in runs["test_rows"]]
    with (root / "census_test.csv").open("w") as handle:  # new rows, target column kept
        handle.write(",".join(rows[0]) + "\n")
        handle.writelines(",".join(r.values()) + "\n" for r in rows)
    assert main(["predict", str(root / "census_run"), str(root / "census_test.csv"),
                 "--out", str(root / "census_pred.csv")]) == 0
    predicted = read_predictions(root / "census_pred.csv")
    names = json.loads((root / "census_run" / "serving.json").read_text())["class_names"]
    assert names == ["<=50K", ">50K"]
    plain_classes = [names[k] for k in runs["census"].argmax(-1)]
    assert [p["predicted"] for p in predicted] == plain_classes
    assert [p["input"] for p in predicted] == [f"line {i + 2}" for i in range(len(rows))]
    np.testing.assert_allclose([float(p["probability_>50K"]) for p in predicted],
                               runs["census"][:, 1], atol=1e-6)
    accuracy = np.mean([c == r["income"] for c, r in zip(plain_classes, rows)])
    evaluated = runs["census_net"].evaluate(runs["census_bundle"].test, return_dict=True,
                                            verbose=0)["accuracy"]
    assert accuracy == pytest.approx(evaluated, abs=1e-6)
    assert accuracy > 0.75  # learned: the majority class is about 0.55


def test_image_folder_plain_keras_on_raw_pixels_agrees_with_predict(runs):
    root = runs["root"]
    assert main(["predict", str(root / "image_run"), str(root / "digits" / "seven"),
                 "--top", "3", "--out", str(root / "sevens.csv")]) == 0
    predicted = read_predictions(root / "sevens.csv")
    names = json.loads((root / "image_run" / "serving.json").read_text())["class_names"]
    assert sorted(names) == sorted(WORDS)
    plain_classes = [names[k] for k in runs["sevens"].argmax(-1)]
    assert [p["predicted"] for p in predicted] == plain_classes  # files sorted like the arrays
    assert set(predicted[0]) == {"input", "predicted", "probability", "top2", "probability2",
                                 "top3", "probability3"}
    share = np.mean([c == "seven" for c in plain_classes])
    assert share > 0.8


def test_regression_predictions_in_target_units(runs):
    root = runs["root"]
    diabetes = runs["diabetes"]
    np.savez(root / "diabetes.npz", x=diabetes.data[:50])
    assert main(["predict", str(root / "regression_run"), str(root / "diabetes.npz"),
                 "--out", str(root / "diabetes.csv")]) == 0
    predicted = np.array([float(r["predicted"]) for r in read_predictions(root / "diabetes.csv")])
    np.testing.assert_allclose(predicted, runs["regression"][:50, 0], rtol=1e-6, atol=1e-5)
    # The hand-back model = the network on the preprocessed inputs, rescaled to the target
    # when the data pipeline standardized it for training.
    bundle = runs["regression_bundle"]
    network = np.asarray(runs["regression_net"].predict(
        bundle.preprocessor(diabetes.data[:50].astype(np.float32)), verbose=0))[:, 0]
    scale = getattr(bundle, "target_scale", None)
    expected = network if scale is None else network * scale[1][0] + scale[0][0]
    np.testing.assert_allclose(predicted, expected, rtol=1e-5, atol=1e-4)


def test_export_saved_model_serves_model_keras_within_1e5(runs, tmp_path):
    import tensorflow as tf

    from keras_recipes.serving.handback import load_handback

    root = runs["root"]
    rows = [runs["records"][i] for i in runs["test_rows"]]
    assert main(["export", str(root / "census_run"), "--format", "saved_model",
                 "--out", str(tmp_path / "census_sm")]) == 0
    served = tf.saved_model.load(str(tmp_path / "census_sm"))
    raw = {k: tf.constant(v) for k, v in census_inputs(rows).items()}
    np.testing.assert_allclose(served.serve(raw).numpy(), runs["census"], atol=1e-5)
    info = json.loads((tmp_path / "census_sm" / "assets.extra" / "serving.json").read_text())
    assert info["class_names"] == ["<=50K", ">50K"]

    images = load_handback(root / "image_run")
    assert main(["export", str(root / "image_run"), "--format", "saved_model",
                 "--out", str(tmp_path / "image_sm")]) == 0
    pixels = np.random.default_rng(0).integers(0, 241, (5, 8, 8, 1)).astype(np.float32)
    signature = tf.saved_model.load(str(tmp_path / "image_sm")).signatures["serving_default"]
    (output,) = signature(tf.constant(pixels)).values()
    np.testing.assert_allclose(output.numpy(), images.predict(pixels, verbose=0), atol=1e-5)


def _interpreter(path):
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        import tensorflow as tf

        Interpreter = tf.lite.Interpreter
    interpreter = Interpreter(model_path=str(path))
    return interpreter.get_signature_runner(next(iter(interpreter.get_signature_list())))


def test_export_litert_runs_in_the_interpreter(runs, tmp_path):
    """Pixels, and table rows with string columns (select TF ops), one example per call."""
    from keras_recipes.serving.handback import load_handback

    root = runs["root"]
    assert main(["export", str(root / "image_run"), "--format", "litert",
                 "--out", str(tmp_path / "digits")]) == 0
    assert (tmp_path / "digits.serving.json").is_file()
    runner = _interpreter(tmp_path / "digits.tflite")
    pixels = np.random.default_rng(1).integers(0, 241, (1, 8, 8, 1)).astype(np.float32)
    (output,) = runner(**{runner.get_input_details().popitem()[0]: pixels}).values()
    expected = load_handback(root / "image_run").predict(pixels, verbose=0)
    np.testing.assert_allclose(output, expected, atol=1e-5)

    assert main(["export", str(root / "census_run"), "--format", "litert",
                 "--out", str(tmp_path / "census.tflite")]) == 0
    runner = _interpreter(tmp_path / "census.tflite")
    raw = census_inputs([runs["records"][i] for i in runs["test_rows"][:3]])
    for row in range(3):
        feed = {name: raw[name][row:row + 1].astype(np.bytes_ if raw[name].dtype.kind == "U"
                                                     else np.float32) for name in raw}
        (output,) = runner(**feed).values()
        np.testing.assert_allclose(output[0], runs["census"][row], atol=1e-5)


def test_export_onnx_reproduces_model_keras_or_names_the_missing_packages(runs, tmp_path,
                                                                          capsys):
    from keras_recipes.serving.export import missing_packages

    root = runs["root"]
    code = main(["export", str(root / "image_run"), "--format", "onnx",
                 "--out", str(tmp_path / "digits.onnx")])
    missing = missing_packages("onnx")
    if missing:
        assert code == 2
        assert f"needs the Python package(s) {', '.join(missing)} -> pip install" in \
            capsys.readouterr().err
        return
    assert code == 0
    onnxruntime = pytest.importorskip("onnxruntime")
    from keras_recipes.serving.handback import load_handback

    session = onnxruntime.InferenceSession(str(tmp_path / "digits.onnx"))
    pixels = np.random.default_rng(2).integers(0, 241, (4, 8, 8, 1)).astype(np.float32)
    (output,) = session.run(None, {session.get_inputs()[0].name: pixels})
    expected = load_handback(root / "image_run").predict(pixels, verbose=0)
    np.testing.assert_allclose(output, expected, atol=1e-5)


def test_unreadable_rows_and_files_are_reported_and_the_rest_written(runs, capsys):
    root = runs["root"]
    rows = [runs["records"][i] for i in runs["test_rows"][:3]]
    bad = dict(rows[1], age="forty")
    lines = [",".join(rows[0]), ",".join(rows[0].values()), ",".join(bad.values()), "1,2,3",
             ",".join(rows[2].values())]
    (root / "bad.csv").write_text("\n".join(lines) + "\n")
    code = main(["predict", str(root / "census_run"), str(root / "bad.csv"),
                 "--out", str(root / "bad_pred.csv")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert ("2 example(s) of" in err and "bad_pred.csv not written; fix or remove them" in err
            and "line 3, column 'age': 'forty' -> a number" in err
            and "line 4: 3 cells -> 5, one per column of the header" in err), err
    assert not (root / "bad_pred.csv").exists()  # no partial file that looks complete
    assert not list(root.glob(".bad_pred.csv.*"))  # nor its temporary file

    (root / "digits" / "seven" / "zz_broken.png").write_bytes(b"not an image")
    try:
        code = main(["predict", str(root / "image_run"), str(root / "digits" / "seven"),
                     "--out", str(root / "sevens_broken.csv")])
    finally:
        (root / "digits" / "seven" / "zz_broken.png").unlink()
    err = capsys.readouterr().err
    assert code == 2 and "zz_broken.png: not a readable image" in err
    assert not (root / "sevens_broken.csv").exists()


def test_a_trained_regression_run_reports_and_predicts_in_target_units(tmp_path):
    """Through `train`: model.keras on raw diabetes rows of the test split gives the MAE that
    metrics.json reports, in the target's units (whatever scaling training used)."""
    from sklearn.datasets import load_diabetes

    from keras_recipes.config import validate_dict
    from keras_recipes.data.splits import split_indices
    from keras_recipes.serving.handback import load_handback
    from keras_recipes.training.trainer import train

    recipe = validate_dict({"name": "diabetes", "seed": 3,
                            "data": {"source": "sklearn", "name": "diabetes"},
                            "model": {"type": "mlp", "hidden": [16]},
                            "training": {"epochs": 3, "verbose": 0},
                            "callbacks": {"tensorboard": False}})
    run = tmp_path / "run"
    run.mkdir()
    train(recipe, run, echo=lambda _: None)
    x, y = load_diabetes(return_X_y=True)
    test_rows = split_indices(y, recipe.data.val_split, recipe.data.test_split, recipe.seed,
                              False)[2]
    predicted = load_handback(run).predict(x[test_rows].astype(np.float32), verbose=0)[:, 0]
    reported = json.loads((run / "metrics.json").read_text())["test"]["mae"]
    assert np.abs(predicted - y[test_rows]).mean() == pytest.approx(reported, rel=1e-4)
    assert json.loads((run / "serving.json").read_text())["task"] == "regression"
