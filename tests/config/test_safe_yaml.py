"""Hostile recipe text ends in one message, fast: size, encoding, depth, alias bombs.

Seeded generation (random.Random(16)): the cases are the same on every run and in CI.
"""

import random
import time

import pytest
import yaml

from keras_recipes.config.safe_yaml import (MAX_BYTES, MAX_DEPTH, BoundedSafeLoader,
                                            YAMLBoundError, decode_recipe_bytes,
                                            read_recipe_text)
from keras_recipes.errors import RecipeError

RNG = random.Random(16)


def _load(text):
    return yaml.load(text, Loader=BoundedSafeLoader)  # noqa: S506 - a SafeLoader subclass


def _bomb(levels: int, width: int) -> str:
    names = [f"n{i}" for i in range(levels)]
    lines = [f"{names[0]}: &{names[0]} [{', '.join(['lol'] * width)}]"]
    for prev, name in zip(names, names[1:]):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * width)}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels,width", [(RNG.randint(6, 12), RNG.randint(6, 12))
                                          for _ in range(4)])
def test_alias_bombs_are_refused_in_milliseconds(levels, width):
    start = time.process_time()  # CPU seconds: an expansion shows, a loaded machine does not
    with pytest.raises(YAMLBoundError, match=r"aliases expand to more than 100,000 values"):
        _load(_bomb(levels, width))
    assert time.process_time() - start < 1.0


def test_small_anchors_and_aliases_still_work():
    data = _load("base: &b {units: 16, dropout: 0.1}\nmodel: {hidden: [*b, *b]}\n")
    assert data["model"]["hidden"] == [{"units": 16, "dropout": 0.1}] * 2


@pytest.mark.parametrize("depth", sorted(RNG.sample(range(MAX_DEPTH + 1, 2000), 3)))
@pytest.mark.parametrize("style", ["flow", "block"])
def test_deep_nesting_is_refused_not_a_recursion_error(depth, style):
    if style == "flow":
        text = "model: " + "[" * depth + "]" * depth
    else:
        text = "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "v"
    with pytest.raises(YAMLBoundError, match=rf"nesting deeper than {MAX_DEPTH} levels"):
        _load(text)


def test_a_recursive_alias_is_refused():
    with pytest.raises(YAMLBoundError, match="an alias contains itself"):
        _load("a: &a [1, *a]\n")


@pytest.mark.parametrize("raw,message", [
    ("name: café".encode("latin-1"), r"not UTF-8 text \(byte 0xe9 on line 1\) -> save"),
    ("name: x\n".encode("utf-16"), "UTF-16 text -> save the recipe as UTF-8"),
    ("name: x\n".encode("utf-32"), "UTF-32 text -> save the recipe as UTF-8"),
    (b"a: 1\n" * 10 + bytes([RNG.randint(0x80, 0xBF)]), r"not UTF-8 text \(byte 0x.. on line 11\)"),
])
def test_undecodable_files_are_one_message_naming_the_byte(raw, message):
    with pytest.raises(RecipeError, match=message) as caught:
        decode_recipe_bytes(raw, "r.yaml")
    assert len(caught.value.problems) == 1


def test_a_utf8_bom_is_accepted_and_a_huge_file_refused_before_reading(tmp_path):
    assert decode_recipe_bytes(b"\xef\xbb\xbfname: x\n", "r.yaml") == "name: x\n"
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_BYTES + 1))
    with pytest.raises(RecipeError, match=r"1,048,577 bytes -> a recipe of at most"):
        read_recipe_text(big)
