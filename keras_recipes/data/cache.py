"""`data.cache`: where decoded examples are kept between epochs, sized to the machine."""

from __future__ import annotations

import os

MEMORY_BUDGET_FRACTION = 0.25
"""`auto` caches in memory when the cache is expected to take at most this share of the
machine's RAM (and at most `MEMORY_BUDGET_MAX` bytes); otherwise it streams."""

MEMORY_BUDGET_MAX = 8 << 30

MEMORY_COST_FACTOR = 5
"""Peak resident memory of a memory-cached split over its decoded size: the cache plus
the epoch's permutation window (measured ~4.6x by `tools/bench_data_memory.py`)."""


def total_memory() -> int:
    """Physical memory in bytes (8 GiB when the platform does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 << 30


def memory_budget() -> int:
    """The most bytes `auto` caches in memory."""
    return int(min(MEMORY_BUDGET_MAX, MEMORY_BUDGET_FRACTION * total_memory()))


def resolve_cache(config, source, num_examples: int, example_bytes: int | None = None) -> str:
    """`memory`, `disk` or `none` for `data.cache` (`auto` or True: by size).

    In-memory arrays and tables are already in memory: `auto` keeps them there.
    Examples decoded from files (image folders) or read from datasets are cached
    in memory while `MEMORY_COST_FACTOR` x the decoded split fits
    `memory_budget()`, else streamed from disk every epoch (`none`: bounded
    memory; the shuffle permutes file paths, not pixels). `disk` (opt-in)
    writes the decoded examples to a temporary file once.

    Example:

    >>> resolve_cache(config, source, 1_000_000, 224 * 224 * 3)  # doctest: +SKIP
    'none'
    """
    value = getattr(config, "cache", "auto")
    if value is False:
        return "none"
    if value not in (True, None, "auto"):
        return value
    size = example_bytes or getattr(source, "example_bytes", None)
    if size is None:  # arrays and tables: already in memory
        return "memory"
    return "memory" if num_examples * size * MEMORY_COST_FACTOR <= memory_budget() else "none"


def shuffle_window(config, cache: str, example_bytes: int | None) -> int | None:
    """`data.shuffle_buffer`, or for a `disk` cache a window of examples that fits
    `memory_budget()` (the epoch permutes within windows; None: the whole split).

    Example:

    >>> shuffle_window(config, "disk", 224 * 224 * 3)  # doctest: +SKIP
    11409
    """
    if getattr(config, "shuffle_buffer", None):
        return config.shuffle_buffer
    if cache != "disk" or not example_bytes:
        return None
    return max(1, memory_budget() // (example_bytes * MEMORY_COST_FACTOR))
