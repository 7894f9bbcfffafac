"""The application layer's caches: bounded by bytes, entries too big are not kept, and a session's entries
are released (and the memory trimmed) when the session goes."""

import gc
import platform

import numpy as np

from planner.cache import SessionScope
from server.allocator import tune_allocator
from tiles.cache import BoundedCache, approx_bytes, release


def test_bounded_by_bytes_least_recently_used_first():
    cache = BoundedCache(4_000_000)
    for i in range(10):
        cache.get(("k", i), lambda: np.zeros(100_000))  # 800 kB each
    assert cache.size_bytes <= 4_000_000 and len(cache) == 5  # 5 x 800 kB fit exactly
    assert cache.peek(("k", 9)) is not None and cache.peek(("k", 0)) is None


def test_an_entry_over_a_quarter_of_the_budget_is_computed_but_not_kept():
    cache = BoundedCache(1_000_000)
    calls = []
    for _ in range(2):
        cache.get("big", lambda: calls.append(1) or np.zeros(50_000))  # 400 kB > 250 kB
    assert len(calls) == 2 and len(cache) == 0


def test_approx_bytes_counts_frames_and_geometries(squares_4549):
    assert approx_bytes(squares_4549) > 3 * 5 * 16
    assert approx_bytes({"a": np.zeros(1000)}) >= 8000


def test_an_object_that_states_its_size_is_taken_at_its_word():
    class Stated:
        nbytes = 12_345

    class Flag:
        nbytes = True  # not a size

    assert approx_bytes(Stated()) == 12_345 and approx_bytes([Stated()] * 2) > 2 * 12_345
    assert approx_bytes(Flag()) < 1000


def test_a_sessions_entries_go_when_its_scope_goes():
    cache = BoundedCache(10_000_000)
    cache.get(("preview", "abc123", 1), lambda: np.zeros(1000))
    cache.get(("preview", "other", 1), lambda: np.zeros(1000))
    scope = SessionScope()
    scope.claim("abc123")
    del scope
    gc.collect()
    assert cache.peek(("preview", "abc123", 1)) is None and cache.peek(("preview", "other", 1)) is not None
    assert release(["other"]) == 1 and len(cache) == 0


def test_the_allocator_keeps_a_fixed_mmap_threshold_on_glibc():
    if platform.libc_ver()[0] != "glibc":
        assert tune_allocator() is False
    else:  # the server sets glibc's own default (128 kB) for good; setting it again changes nothing else
        assert tune_allocator() is True
