import json
import os
import stat

import pytest

from keras_recipes.run.atomic import atomic_file, write_json_atomic, write_text_atomic


@pytest.fixture
def umask():
    """Sets a umask for the test and restores the previous one after."""
    previous = os.umask(0o022)
    yield os.umask
    os.umask(previous)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664),
                                        (0o077, 0o600)])
def test_atomic_files_get_the_mode_of_a_plain_open(tmp_path, umask, mask, mode):
    umask(mask)
    write_text_atomic(tmp_path / "summary.txt", "hello\n")
    write_json_atomic(tmp_path / "metrics.json", {"a": 1})
    with atomic_file(tmp_path / "state.npz", "wb") as handle:
        handle.write(b"\x00\x01")
    with open(tmp_path / "plain.txt", "w") as handle:
        handle.write("x")
    for name in ("summary.txt", "metrics.json", "state.npz", "plain.txt"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == mode, name
    assert json.loads((tmp_path / "metrics.json").read_text()) == {"a": 1}
    assert (tmp_path / "state.npz").read_bytes() == b"\x00\x01"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "status.json"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_file(target) as handle:
            handle.write("new")
            raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["status.json"]
