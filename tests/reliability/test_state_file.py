"""A damaged, foreign or crafted state.npz is exit 2 with one message, never a traceback,
never garbage training, and never a write outside the run directory."""

import json

import numpy as np
import pytest

from keras_recipes.errors import StateError
from keras_recipes.training.state import STATE_FILE, load
from keras_recipes.training.trainer import train
from tests.reliability._helpers import quiet, recipe


def _entries(path):
    with np.load(path) as data:
        return {k: data[k] for k in data.files}


def _rewrite(path, meta_change=None, drop=(), add=None):
    entries = _entries(path)
    meta = json.loads(bytes(entries["__meta__"]).decode())
    if meta_change:
        meta_change(meta)
    entries["__meta__"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    for key in drop:
        del entries[key]
    entries.update(add or {})
    np.savez(path, **entries)


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip_a_bit(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0x10  # inside an array's bytes: the zip CRC catches it
    path.write_bytes(bytes(data))


def _set(path, *keys, value):
    def change(meta):
        target = meta
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    _rewrite(path, change)


CORRUPTIONS = {
    "truncated": (_truncate, "damaged or not a state file"),
    "empty": (lambda p: p.write_bytes(b""), "damaged or not a state file"),
    "bit_flipped": (_flip_a_bit, "damaged or not a state file"),
    "text": (lambda p: p.write_text("not a zip\n"), "damaged or not a state file"),
    "no_meta": (lambda p: np.savez(p, **{k: v for k, v in _entries(p).items()
                                         if k != "__meta__"}), "no __meta__ entry"),
    "old_version": (lambda p: _set(p, "version", value=1), "state version 1"),
    "epoch_minus_3": (lambda p: _set(p, "position", "epoch", value=-3),
                      "position epoch -3, step 0 is outside this run"),
    "step_999": (lambda p: _set(p, "position", "step", value=999),
                 "position epoch 3, step 999 is outside this run"),
    "position_edited": (lambda p: _set(p, "position", "epoch", value=1),
                        "contradicts the optimizer's 21 updates"),
    "missing_array": (lambda p: _rewrite(p, drop=["model/00000"]),
                      "do not match the recorded groups"),
    "pickled_object": (lambda p: _rewrite(p, add={"model/00099": np.array(["x"])}),
                       "unknown entry|not numbers|do not match"),
    "callback_field_injected": (
        lambda p: _set(p, "callbacks", "best_checkpoint", "filepath", value="EVIL"),
        r"callbacks.best_checkpoint: unknown field\(s\) \['filepath'\]"),
    "callback_value_out_of_range": (
        lambda p: _set(p, "callbacks", "non_finite_guard", "rollbacks", value=-1),
        "callbacks.non_finite_guard.rollbacks: -1 -> a whole number >= 0"),
}


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_a_corrupted_state_is_refused_with_one_message(reference, tmp_path, name):
    run_dir, _ = reference
    (run_dir / "status.json").write_text('{"status": "interrupted"}')
    state = run_dir / STATE_FILE
    corrupt, message = CORRUPTIONS[name]
    corrupt(state)
    history = (run_dir / "history.csv").read_bytes()
    with pytest.raises(StateError, match=message) as caught:
        train(recipe(), run_dir, echo=quiet, resume_from=state)
    text = str(caught.value)
    assert "\n" not in text and str(state) in text and "->" in text
    assert (run_dir / "history.csv").read_bytes() == history  # nothing trained, nothing lost
    assert not (run_dir / "EVIL").exists() and not list(tmp_path.glob("**/EVIL"))


def test_a_state_of_another_model_is_refused(reference, tmp_path):
    run_dir, _ = reference
    wider = recipe(model={"hidden": [32]})
    with pytest.raises(StateError, match=r"saved from another model .*shape \(8, 16\), this "
                                         r"model \(8, 32\).* -> resume with the recipe"):
        train(wider, run_dir, echo=quiet, resume_from=run_dir / STATE_FILE)


def test_a_valid_state_round_trips_its_schema(reference):
    run_dir, _ = reference
    state = load(run_dir / STATE_FILE)
    assert state.meta["format"] == "keras_recipes.state" and state.meta["version"] == 2
    assert state.finished and (state.epoch, state.step) == (3, 0)
    assert set(state.meta["callbacks"]) == {"non_finite_guard", "best_checkpoint",
                                            "gradient_norm_logger"}
    assert state.meta["groups"] == {k: len(v) for k, v in state.arrays.items()}


def test_the_cli_reports_a_damaged_state_as_exit_2_in_one_line(reference, capsys):
    from keras_recipes.cli import main

    run_dir, _ = reference
    (run_dir / "status.json").write_text('{"status": "interrupted"}')
    _truncate(run_dir / STATE_FILE)
    assert main(["train", "--resume", str(run_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "damaged or not a state file" in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_garbage_history_is_refused_before_training(reference):
    run_dir, _ = reference
    (run_dir / "status.json").write_text('{"status": "interrupted"}')
    (run_dir / "history.csv").write_text("epoch,loss\n0,0.5\n1,zebra\n2,0.3\n")
    with pytest.raises(StateError, match=r"history.csv: line 3 is not 2 numbers -> restore the "
                                         r"file, or delete it"):
        train(recipe(), run_dir, echo=quiet, resume_from=run_dir / STATE_FILE)
