"""Helpers shared by the benchmarks: random points in a region, timing, printed statistics, memory."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import shapely

T = TypeVar("T")


def random_points(region: shapely.Geometry, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n uniform random points inside ``region`` (rejection sampling in its bounding box)."""
    xmin, ymin, xmax, ymax = region.bounds
    shapely.prepare(region)
    cx, cy = np.empty(0), np.empty(0)
    while len(cx) < n:
        x = rng.uniform(xmin, xmax, 2 * n)
        y = rng.uniform(ymin, ymax, 2 * n)
        keep = shapely.contains_xy(region, x, y)
        cx, cy = np.concatenate([cx, x[keep]]), np.concatenate([cy, y[keep]])
    return cx[:n], cy[:n]


def timed(fn: Callable[[], T], runs: int) -> tuple[list[float], T]:
    """Seconds of each of ``runs`` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return times, result


def stats_s(times: list[float]) -> str:
    return f"median {statistics.median(times):7.3f} s  min {min(times):7.3f} s  max {max(times):7.3f} s"


def stats_ms(times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return f"median {statistics.median(ms):8.1f} ms  min {min(ms):8.1f} ms  max {max(ms):8.1f} ms"


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def mb(n: int) -> str:
    return f"{n / 2**20:.2f} MB"


def rss_mb() -> float:
    """The process's peak resident memory so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rectangle_shapes(rng: np.random.Generator, n: int, area_m2: tuple[float, float]):
    """Random rectangle shapes: area uniform in ``area_m2``, aspect 1-3, angle 0-π.

    Returns ``area, angle, half_w, half_h`` (arrays of length n, metres and radians).
    """
    area = rng.uniform(*area_m2, n)
    aspect = rng.uniform(1.0, 3.0, n)
    angle = rng.uniform(0.0, np.pi, n)
    return area, angle, np.sqrt(area * aspect) / 2, np.sqrt(area / aspect) / 2


def rotated_rectangles(cx: np.ndarray, cy: np.ndarray, angle: np.ndarray, half_w: np.ndarray,
                       half_h: np.ndarray) -> np.ndarray:
    """Rectangles centred at (cx, cy), rotated by ``angle`` (vectorised)."""
    local = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]], dtype=float)  # closed ring
    dx = local[None, :, 0] * half_w[:, None]
    dy = local[None, :, 1] * half_h[:, None]
    cos, sin = np.cos(angle)[:, None], np.sin(angle)[:, None]
    return shapely.polygons(np.stack([cx[:, None] + dx * cos - dy * sin, cy[:, None] + dx * sin + dy * cos], axis=-1))
