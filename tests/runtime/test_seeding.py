"""`set_seed`: seeds, and op determinism on for a deterministic recipe, off again otherwise."""

from keras_recipes import _keras_compat as compat
from keras_recipes.runtime.seeding import set_seed


def test_a_recipe_without_deterministic_turns_op_determinism_off_again():
    import numpy as np

    set_seed(3, deterministic=True)
    assert compat.op_determinism_enabled()
    first = np.random.random()
    set_seed(3, deterministic=False)  # the next recipe in the same process (tune, notebook)
    assert not compat.op_determinism_enabled()
    assert np.random.random() == first
