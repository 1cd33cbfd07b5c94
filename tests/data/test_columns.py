"""Column kinds guessed from raw cells, and `data.columns` overrides."""

import pytest

from keras_recipes.data.columns import infer_column_type, infer_column_types, is_missing


@pytest.mark.parametrize("cells, kind", [
    (["39", "50", "", "23.5", "61"], "numeric"),
    (["1", "2", "3", "1", "2", "3", "NA"], "categorical"),     # few integers, repeated
    (["39", "50", "28"], "numeric"),                            # integers seen once
    ([str(i) for i in range(40)], "numeric"),                   # many integers
    (["yes", "no", "", "yes"], "binary"),
    (["0", "1", "1"], "binary"),
    (["Private", "State-gov", "Self-emp", "?"], "categorical"),
    (["a truly great film", "boring and far too long", "ok I guess"], "text"),
    (["", "NA", "NaN", None], "ignore"),
    # 1 non-number in 30 numbers: still numeric (the bad cell is reported later)
    ([str(i * 1.5) for i in range(29)] + ["abc"], "numeric"),
])
def test_kinds_from_cells(cells, kind):
    assert infer_column_type(cells) == kind


def test_overrides_win_and_order_is_kept():
    kinds = infer_column_types({"b": ["1.5", "2.5", "7"], "a": ["x", "y", "z"]},
                               overrides={"b": "categorical"})
    assert list(kinds.items()) == [("b", "categorical"), ("a", "categorical")]


def test_missing_markers():
    assert all(is_missing(c) for c in ("", "  ", "NA", "nan", "N/A", "null", "?", None))
    assert not any(is_missing(c) for c in ("0", "no", "Private"))
