"""history.csv as per-epoch values."""

import math

from keras_recipes.run.history import read_history, resume_history


def test_keras_na_columns_of_a_run_without_validation_are_dropped(tmp_path):
    # What Keras' CSVLogger writes when there is no validation split: val_* columns of "NA".
    (tmp_path / "history.csv").write_text(
        "epoch,accuracy,loss,val_accuracy,val_loss\n"
        "0,0.5,1.25,NA,NA\n"
        "1,0.75,0.5,NA,NA\n")
    assert read_history(tmp_path / "history.csv") == {"accuracy": [0.5, 0.75],
                                                      "loss": [1.25, 0.5]}


def test_a_single_missing_cell_is_nan_and_the_column_kept(tmp_path):
    (tmp_path / "history.csv").write_text("epoch,loss,grad_norm\n0,1.5,NA\n1,0.5,2.0\n")
    history = read_history(tmp_path / "history.csv")
    assert history["loss"] == [1.5, 0.5] and history["grad_norm"][1] == 2.0
    assert math.isnan(history["grad_norm"][0])


def test_a_run_without_validation_resumes_its_history(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("epoch,loss,val_loss\n0,1.5,NA\n1,0.5,NA\n2,0.25,NA\n")
    resume_history(path, epochs=2)  # the NA cells are Keras' own, not damage
    assert path.read_text() == "epoch,loss,val_loss\n0,1.5,NA\n1,0.5,NA\n"
