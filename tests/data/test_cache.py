"""`data.cache`: explicit modes win; `auto` caches in memory only what fits the budget."""

import types

import pytest

from keras_recipes.data import cache
from keras_recipes.data.cache import resolve_cache


@pytest.mark.parametrize("value, expected", [
    (False, "none"), ("none", "none"), ("disk", "disk"), ("memory", "memory")])
def test_explicit_modes(value, expected):
    config = types.SimpleNamespace(cache=value)
    assert resolve_cache(config, types.SimpleNamespace(example_bytes=10), 10**9) == expected


def test_auto_keeps_arrays_in_memory_and_streams_large_decoded_splits(monkeypatch):
    monkeypatch.setattr(cache, "total_memory", lambda: 16 << 30)  # budget: 4 GiB
    auto = types.SimpleNamespace(cache="auto")
    arrays = types.SimpleNamespace(example_bytes=None)
    assert resolve_cache(auto, arrays, 10**9) == "memory"
    images = types.SimpleNamespace(example_bytes=224 * 224 * 3)  # 150 kB decoded
    fits = (4 << 30) // (224 * 224 * 3 * cache.MEMORY_COST_FACTOR)
    assert resolve_cache(auto, images, fits) == "memory"
    assert resolve_cache(auto, images, fits + 1) == "none"
    assert resolve_cache(types.SimpleNamespace(cache=True), images, fits + 1) == "none"


def test_a_disk_cache_shuffles_within_a_window_that_fits_memory(monkeypatch):
    from keras_recipes.data.cache import shuffle_window

    monkeypatch.setattr(cache, "total_memory", lambda: 16 << 30)  # budget: 4 GiB
    default = types.SimpleNamespace(shuffle_buffer=None)
    assert shuffle_window(default, "disk", 1 << 20) == (4 << 30) // ((1 << 20) * 5)
    assert shuffle_window(default, "memory", 1 << 20) is None  # the whole split
    assert shuffle_window(default, "none", 1 << 20) is None  # file paths: the whole split
    assert shuffle_window(types.SimpleNamespace(shuffle_buffer=64), "disk", 1 << 20) == 64
