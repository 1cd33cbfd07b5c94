"""Property test: malformed recipes are refused with exit 2, a key path or YAML line, no traceback."""

import copy

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keras_recipes.cli import main

BASE = {
    "name": "quick", "seed": 42,
    "data": {"source": "sklearn", "name": "digits", "batch_size": 64, "val_split": 0.1,
             "test_split": 0.2},
    "model": {"type": "mlp", "hidden": [32], "dropout": 0.2},
    "optimizer": {"name": "adam", "learning_rate": 0.001},
    "schedule": {"name": "constant"},
    "training": {"epochs": 3},
    "callbacks": {"early_stopping": {"patience": 2}},
}
SECTIONS = ("data", "model", "optimizer", "schedule", "training", "callbacks")
# A leaf and values of the wrong type for it.
WRONG_TYPES = {
    "seed": ["abc", [1], {"a": 1}, 1.5],
    "data.batch_size": ["big", [64], {"n": 1}, 2.5],
    "data.val_split": ["tenth", [0.1]],
    "data.source": [3, ["sklearn"], "nosuchsource"],
    "model.type": [1, "perceptron", {"a": 1}],
    "model.hidden": ["wide", {"a": 1}, [["x"]]],
    "model.dropout": ["some", [0.1]],
    "optimizer.name": [4, "adamx"],
    "optimizer.learning_rate": ["fast", [0.1], {"v": 1}],
    "schedule.name": [0, "cosinus"],
    "training.epochs": ["many", 2.5, [3]],
    "training.precision": ["float8", 16],
    "callbacks.early_stopping.patience": ["long", 1.5],
}
OUT_OF_RANGE = {
    "data.batch_size": [0, -8], "data.val_split": [1.5, -0.1], "model.dropout": [1.0, -0.5],
    "optimizer.learning_rate": [0.0, -1.0], "training.epochs": [0, -3],
    "training.gradient_accumulation": [0], "training.label_smoothing": [1.0, -0.1],
    "callbacks.early_stopping.patience": [-1],
}
BROKEN_YAML = ["data: [1, 2", "model:\n\t- type: mlp", "a: b: c", "- [", "{unclosed: 1",
               "name: 'quote", "training:\n  epochs: 3\n epochs: 4", "? [a\n"]


def _set(data, path, value):
    keys = path.split(".")
    node = data
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = value


wrong_type = st.sampled_from(sorted(WRONG_TYPES)).flatmap(
    lambda p: st.tuples(st.just("type"), st.just(p), st.sampled_from(WRONG_TYPES[p])))
out_of_range = st.sampled_from(sorted(OUT_OF_RANGE)).flatmap(
    lambda p: st.tuples(st.just("range"), st.just(p), st.sampled_from(OUT_OF_RANGE[p])))
unknown_key = st.tuples(
    st.just("unknown"), st.sampled_from(("",) + SECTIONS),
    st.from_regex(r"[a-z][a-z_]{2,12}", fullmatch=True).filter(
        lambda k: k not in {"name", "seed", "augment", "lint", "tune", "description"}))
bad_nesting = st.tuples(st.just("nesting"), st.sampled_from(SECTIONS),
                        st.sampled_from(["scalar", [1, 2], True, 3]))
broken = st.tuples(st.just("yaml"), st.sampled_from(BROKEN_YAML), st.integers(0, 8))
bad_override = st.tuples(st.just("override"), st.sampled_from(
    ["training.epochs", "optimizer.learning_rate", "nosuch.key", "data.batch_size", "model"]),
    st.sampled_from(["", "=abc", "=-1", "=[1", "={a: 1}"]))


@settings(max_examples=240, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.one_of(wrong_type, out_of_range, unknown_key, bad_nesting, broken, bad_override))
def test_malformed_recipe_is_refused_clearly(tmp_path, capsys, case):
    kind, where, what = case
    data = copy.deepcopy(BASE)
    args, expect = [], where
    if kind in ("type", "range"):
        _set(data, where, what)
        text = yaml.safe_dump(data)
    elif kind == "unknown":
        (data[where] if where else data)[what] = 1
        text, expect = yaml.safe_dump(data), what
    elif kind == "nesting":
        data[where] = what
        text = yaml.safe_dump(data)
    elif kind == "yaml":
        lines = yaml.safe_dump(data).splitlines()
        lines.insert(what % (len(lines) + 1), where)
        text, expect = "\n".join(lines), "line"
    else:  # --set
        text = yaml.safe_dump(data)
        # An unknown path is named up to its first unknown key.
        args = ["--set", where + what]
        expect = ("--set" if not what else "nosuch" if where.startswith("nosuch") else where)
    path = tmp_path / "recipe.yaml"
    path.write_text(text)
    code = main(["validate", str(path), *args])
    err = capsys.readouterr().err
    assert code == 2, (case, err)
    assert "Traceback" not in err and err.startswith("error:"), err
    assert expect in err, (case, err)


def test_the_property_test_is_derandomized_unless_exploring():
    """CI sees the same examples every run (tests/conftest.py loads the `ci` profile)."""
    import os

    assert settings().derandomize or os.environ.get("HYPOTHESIS_PROFILE") == "explore"
