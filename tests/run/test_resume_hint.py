import json

from keras_recipes.run.resume_hint import resume_hint


def test_a_run_with_a_saved_state_gets_the_resume_command(tmp_path):
    run = tmp_path / "my runs" / "quickstart"
    run.mkdir(parents=True)
    (run / "status.json").write_text(json.dumps({"status": "interrupted"}))
    (run / "state.npz").write_bytes(b"")
    assert resume_hint(run) == ("interrupted; continue exactly where it stopped with:\n"
                                f"  python -m keras_recipes train --resume '{run}'")


def test_a_run_stopped_before_its_first_state_is_started_again_in_place(tmp_path):
    (tmp_path / "status.json").write_text(json.dumps({"status": "interrupted"}))
    hint = resume_hint(tmp_path)
    assert hint.startswith("interrupted before the first saved state")
    assert hint.endswith(f"python -m keras_recipes train --resume {tmp_path}")
