"""OS errors raised inside TensorFlow's writers are reported like any other OS error."""

import errno
from pathlib import Path

import pytest
import tensorflow as tf

from keras_recipes import cli
from keras_recipes.run.os_errors import describe_os_error, os_error_of


def test_a_tensorflow_record_writer_under_a_file_is_not_a_directory(tmp_path):
    (tmp_path / "run").write_text("a file where a folder should be")
    target = tmp_path / "run" / "events.out"
    with pytest.raises(tf.errors.OpError) as raised:
        tf.io.TFRecordWriter(str(target))
    error = os_error_of(raised.value)
    assert (error.errno, error.filename) == (errno.ENOTDIR, str(target))
    assert describe_os_error(error) == (f"{str(target)!r}: a path component is not a "
                                        "directory -> a path through directories")


def test_a_summary_writer_names_the_folder_that_is_a_file(tmp_path):
    (tmp_path / "tensorboard").write_text("")
    with pytest.raises(tf.errors.OpError) as raised:
        tf.summary.create_file_writer(str(tmp_path / "tensorboard" / "train"))
    error = os_error_of(raised.value)
    assert (error.errno, error.filename) == (errno.ENOTDIR, str(tmp_path / "tensorboard"))


@pytest.mark.parametrize("kind, message, code, filename", [
    (tf.errors.UnknownError, "/r/tensorboard/train/ev.1; No space left on device",
     errno.ENOSPC, "/r/tensorboard/train/ev.1"),
    (tf.errors.PermissionDeniedError, "{{function_node __wrapped__CreateSummaryFileWriter_"
     "device_/job:localhost/replica:0/task:0/device:CPU:0}} Failed to create a directory: "
     "/r/tb; Permission denied [Op:CreateSummaryFileWriter] name: ", errno.EACCES, "/r/tb"),
    (tf.errors.FailedPreconditionError, "/r/tb; Read-only file system", errno.EROFS, "/r/tb"),
    (tf.errors.InvalidArgumentError, "/r/" + "x" * 300 + "; File name too long",
     errno.ENAMETOOLONG, "/r/" + "x" * 300),
])
def test_tensorflow_messages_map_to_the_errno_and_file(kind, message, code, filename):
    error = os_error_of(kind(None, None, message))
    assert (error.errno, error.filename) == (code, filename)


def test_other_errors_are_not_os_errors():
    assert os_error_of(tf.errors.InvalidArgumentError(
        None, None, "Incompatible shapes: [32,10] vs. [32,3]")) is None
    assert os_error_of(ValueError("/r/x; No space left on device")) is None
    plain = OSError(errno.ENOSPC, "No space left on device", "/r/x")
    assert os_error_of(plain) is plain


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_the_cli_reports_a_full_disk_under_a_tensorflow_writer_in_one_line(monkeypatch,
                                                                          capsys):
    def train_onto_a_full_disk(args):  # /dev/full: every write fails with ENOSPC
        records = tf.io.TFRecordWriter("/dev/full")
        records.write(b"an event")
        records.flush()

    monkeypatch.setitem(cli.COMMANDS, "train", train_onto_a_full_disk)
    assert cli.main(["train", "recipe.yaml"]) == 2
    assert capsys.readouterr().err == (
        "error: '/dev/full': no space left on the device -> free disk space, then continue "
        "with `train --resume RUN_DIR` (earlier artifacts are intact)\n")
    with pytest.raises(tf.errors.ResourceExhaustedError):  # --debug: the original error
        cli.main(["train", "recipe.yaml", "--debug"])
