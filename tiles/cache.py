"""The one byte-bounded LRU of the process (tiles, previews, scores): sized by approximate bytes, releasable by key."""

from __future__ import annotations

import sys
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import fields, is_dataclass
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

T = TypeVar("T")


def approx_bytes(obj: Any, *, _depth: int = 0) -> int:
    """A fair estimate of the memory an object holds (frames, arrays, geometries, containers, dataclasses).

    Good enough to bound a cache: it counts array buffers and geometry coordinates, not allocator slack.
    An object that states its own size in an integer ``nbytes`` attribute (a built tile, say) is taken at
    its word.
    """
    if _depth > 6:
        return 64
    if isinstance(obj, (bytes, bytearray, str)):
        return sys.getsizeof(obj)
    if isinstance(obj, np.ndarray):
        if obj.dtype == object:
            return obj.nbytes + sum(approx_bytes(v, _depth=_depth + 1) for v in obj.ravel()[:2000]) * max(
                1, obj.size // 2000
            )
        return obj.nbytes
    if isinstance(obj, shapely.Geometry):
        return 100 + 16 * int(shapely.get_num_coordinates(obj))
    if isinstance(obj, gpd.GeoDataFrame):
        geoms = obj.geometry.to_numpy()
        coords = int(shapely.get_num_coordinates(geoms).sum()) if len(geoms) else 0
        return int(obj.drop(columns=obj.geometry.name).memory_usage(deep=True).sum()) + 100 * len(obj) + 16 * coords
    if isinstance(obj, (pd.DataFrame, pd.Series)):
        return int(obj.memory_usage(deep=True).sum() if isinstance(obj, pd.DataFrame) else obj.memory_usage(deep=True))
    stated = getattr(obj, "nbytes", None)
    if isinstance(stated, (int, np.integer)) and not isinstance(stated, bool):
        return int(stated)
    if isinstance(obj, dict):
        return sys.getsizeof(obj) + sum(
            approx_bytes(k, _depth=_depth + 1) + approx_bytes(v, _depth=_depth + 1) for k, v in obj.items()
        )
    if isinstance(obj, (list, tuple, set, frozenset)):
        return sys.getsizeof(obj) + sum(approx_bytes(v, _depth=_depth + 1) for v in obj)
    if is_dataclass(obj) and not isinstance(obj, type):
        return 64 + sum(approx_bytes(getattr(obj, f.name), _depth=_depth + 1) for f in fields(obj))
    return sys.getsizeof(obj)


#: Every live bounded cache of the process (so a session's entries can be released from all of them).
_ALL: weakref.WeakSet[BoundedCache] = weakref.WeakSet()
#: Other holders of session data (tile engines, say): functions called with the released key fragments.
_RELEASERS: list[Callable[[frozenset[str]], None]] = []


def _mentions(key: Hashable, fragments: frozenset[str]) -> bool:
    parts = key if isinstance(key, tuple) else (key,)
    return any(isinstance(p, str) and any(f in p for f in fragments) for p in parts)


def release(fragments: Iterable[str]) -> int:
    """Drop every cached entry whose key mentions one of ``fragments`` (a data version, an upload digest), in
    every cache and holder; then give the freed memory back to the system. Returns entries dropped."""
    frags = frozenset(f for f in fragments if f)
    if not frags:
        return 0
    dropped = sum(cache.drop(lambda k: _mentions(k, frags)) for cache in list(_ALL))
    for releaser in list(_RELEASERS):
        releaser(frags)
    return dropped


def on_release(fn: Callable[[frozenset[str]], None]) -> None:
    """Call ``fn(fragments)`` whenever session data is released (for holders that are not BoundedCaches)."""
    _RELEASERS.append(fn)


class BoundedCache:
    """A thread-safe LRU map whose total (approximate, :func:`approx_bytes`) size stays under ``max_bytes``.

    An entry larger than a quarter of the budget is computed but not kept, so one huge result cannot
    push everything else out. ``hits`` and ``misses`` count the lookups of :meth:`get`.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = int(max_bytes)
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        _ALL.add(self)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable, compute: Callable[[], T], *, keep: Callable[[T], bool] | None = None) -> T:
        """The cached value of ``key``, computing (outside the lock) and storing it when missing.

        ``keep`` says whether a computed value is worth a place (say, not an empty tile); by default every
        value that fits (a quarter of the budget at most) is kept.
        """
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key][0]
            self.misses += 1
        value = compute()
        if keep is not None and not keep(value):
            return value
        size = approx_bytes(value)
        if size <= self.max_bytes // 4:
            with self._lock:
                if key not in self._items:
                    self._items[key] = (value, size)
                    self._bytes += size
                while self._bytes > self.max_bytes and self._items:
                    _, (_, s) = self._items.popitem(last=False)
                    self._bytes -= s
        return value

    def peek(self, key: Hashable) -> Any:
        """The cached value of ``key`` (counted as a use), or None."""
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key][0]

    def drop(self, predicate: Callable[[Hashable], bool]) -> int:
        """Remove every entry whose key matches; returns how many were removed."""
        with self._lock:
            gone = [k for k in self._items if predicate(k)]
            for k in gone:
                self._bytes -= self._items.pop(k)[1]
        return len(gone)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
