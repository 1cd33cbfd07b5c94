"""The state protocol: each stateful callback saves and restores its declared fields only."""

import pytest

from keras_recipes.callbacks import (BestCheckpoint, EarlyStopping, NonFiniteGuard,
                                     ReduceLROnPlateau)
from keras_recipes.errors import StateError
from keras_recipes.training.state import callback_states, restore_callback_states


def _callbacks(tmp_path):
    return [NonFiniteGuard(), ReduceLROnPlateau(), BestCheckpoint(tmp_path / "b.keras"),
            EarlyStopping(patience=3)]


def test_states_round_trip_into_fresh_callbacks_by_state_key(tmp_path):
    old = _callbacks(tmp_path)
    old[0].rollbacks, old[0].recent_losses, old[0].reference_loss = 2, [1.0, 0.5], 1.1
    old[1].wait, old[1].best, old[1].cooldown_counter = 1, 0.25, 2
    old[2].best, old[2].best_epoch = 0.2, 4
    old[3].wait, old[3].best, old[3].best_epoch, old[3].stopped_epoch = 2, 0.3, 3, 0
    states = callback_states(old)
    assert set(states) == {"non_finite_guard", "reduce_lr_on_plateau", "best_checkpoint",
                           "early_stopping"}
    new = _callbacks(tmp_path)
    restore_callback_states(new, states)
    assert (new[0].rollbacks, new[0].recent_losses, new[0].reference_loss) == (2, [1.0, 0.5], 1.1)
    assert (new[1].wait, new[1].best, new[1].cooldown_counter) == (1, 0.25, 2)
    assert (new[2].best, new[2].best_epoch) == (0.2, 4)
    assert (new[3].wait, new[3].best, new[3].best_epoch) == (2, 0.3, 3)


def test_a_subclass_keeps_its_parents_state_and_repeated_callbacks_get_their_own(tmp_path):
    class MyCheckpoint(BestCheckpoint):
        pass

    first, second = MyCheckpoint(tmp_path / "a.keras"), BestCheckpoint(tmp_path / "b.keras")
    first.best, second.best = 0.1, 0.9
    states = callback_states([first, second])
    assert set(states) == {"best_checkpoint", "best_checkpoint#2"}
    fresh = [BestCheckpoint(tmp_path / "a.keras"), MyCheckpoint(tmp_path / "b.keras")]
    restore_callback_states(fresh, states)
    assert (fresh[0].best, fresh[1].best) == (0.1, 0.9)


@pytest.mark.parametrize("state,message", [
    ({"version": 1, "best": 0.1, "best_epoch": 1, "filepath": "/etc/x"},
     r"unknown field\(s\) \['filepath'\]"),
    ({"version": 1, "best": 0.1}, r"missing field\(s\) \['best_epoch'\]"),
    ({"version": 7, "best": 0.1, "best_epoch": 1}, r"version: 7 -> 1"),
    ({"version": 1, "best": "x", "best_epoch": 1}, r"best: 'x' -> a number or null"),
    ({"version": 1, "best": 0.1, "best_epoch": -1}, r"best_epoch: -1 -> a whole number >= 0"),
    (["best"], r"-> a mapping of the callback's fields"),
])
def test_set_state_checks_everything_before_setting_anything(tmp_path, state, message):
    best = BestCheckpoint(tmp_path / "b.keras")
    with pytest.raises(StateError, match=message):
        best.set_state(state)
    assert (best.best, best.best_epoch, best.filepath) == (None, None, tmp_path / "b.keras")
