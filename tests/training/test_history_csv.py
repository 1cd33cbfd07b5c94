"""history.csv keeps one line-ending style across a resume."""

import keras

from keras_recipes.run.history import read_history, resume_history


def _log_epochs(path, epochs, first=0):
    """Appends rows the way a run does: Keras' CSVLogger with append=True."""
    logger = keras.callbacks.CSVLogger(str(path), append=True)
    logger.on_train_begin()
    for epoch in range(first, first + epochs):
        logger.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1), "val_loss": 2.0 / (epoch + 1)})
    logger.on_train_end()


def test_rows_after_a_resume_use_the_same_line_ending(tmp_path):
    path = tmp_path / "history.csv"
    _log_epochs(path, 3)                     # epochs 0-2 logged, state saved after epoch 1
    resume_history(path, 2)                  # resume: epoch 2 reruns
    _log_epochs(path, 2, first=2)
    raw = path.read_bytes()
    lines = raw.split(b"\n")[:-1]
    assert len(lines) == 5                   # header + epochs 0-3
    assert all(line.endswith(b"\r") for line in lines), raw
    assert raw.count(b"\r\n") == raw.count(b"\n") == 5
    history = read_history(path)
    assert history["loss"] == [1.0, 0.5, 1 / 3, 0.25]
