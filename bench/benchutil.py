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


def rotated_rectangles(
    cx: np.ndarray, cy: np.ndarray, angle: np.ndarray, half_w: np.ndarray, half_h: np.ndarray
) -> np.ndarray:
    """Rectangles centred at (cx, cy), rotated by ``angle`` (vectorised)."""
    local = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]], dtype=float)  # closed ring
    dx = local[None, :, 0] * half_w[:, None]
    dy = local[None, :, 1] * half_h[:, None]
    cos, sin = np.cos(angle)[:, None], np.sin(angle)[:, None]
    return shapely.polygons(np.stack([cx[:, None] + dx * cos - dy * sin, cy[:, None] + dx * sin + dy * cos], axis=-1))


#: The lon/lat box of the generated city-sized parcel layers (Putuo and around it).
PUTUO_BBOX = (121.32, 31.21, 121.45, 31.30)


def city_parcels(n: int, *, seed: int, irregular_share: float = 0.2):
    """``n`` parcels over :data:`PUTUO_BBOX` in EPSG:4326, as a cadastre looks: one per cell of a jittered
    grid (so they barely overlap), each filling 35-80 % of its cell, rotated rectangles (aspect 1-2) and,
    for ``irregular_share`` of them, 7-11-vertex star-shaped (valid, concave) outlines.

    With 200,000 parcels a cell is ~25 m across, with 1,000,000 ~11 m (10^6 parcels do not fit Putuo at
    tens of metres each: the count, not the area, is what loads the tiles). Columns ``id`` (``P0000000``),
    ``name``, ``area_m2`` (EPSG:4549).
    """
    import geopandas as gpd
    import pandas as pd
    import pyproj

    rng = np.random.default_rng(seed)
    to_m = pyproj.Transformer.from_crs(4326, 4549, always_xy=True)
    x0, y0 = to_m.transform(PUTUO_BBOX[0], PUTUO_BBOX[1])
    x1, y1 = to_m.transform(PUTUO_BBOX[2], PUTUO_BBOX[3])
    cell = np.sqrt((x1 - x0) * (y1 - y0) / n)
    nx, ny = int(np.ceil((x1 - x0) / cell)), int(np.ceil((y1 - y0) / cell))
    slots = rng.choice(nx * ny, n, replace=False)
    cx = x0 + (slots % nx + 0.5 + rng.uniform(-0.1, 0.1, n)) * cell
    cy = y0 + (slots // nx + 0.5 + rng.uniform(-0.1, 0.1, n)) * cell
    area = rng.uniform(0.35, 0.8, n) * cell**2
    aspect = rng.uniform(1.0, 2.0, n)
    angle = rng.uniform(0.0, np.pi, n)
    geoms = rotated_rectangles(cx, cy, angle, np.sqrt(area * aspect) / 2, np.sqrt(area / aspect) / 2)
    odd = np.flatnonzero(rng.random(n) < irregular_share)
    if len(odd):  # star-shaped: vertices at increasing angles, radii jittered -> valid, concave
        k = rng.integers(7, 12, len(odd))
        width = 11
        step = 2 * np.pi / k[:, None]  # evenly spaced angles, jittered: every gap < pi, so the outline is simple
        theta = (np.arange(width)[None, :] + rng.uniform(-0.3, 0.3, (len(odd), width))) * step
        radius = np.sqrt(area[odd] / np.pi)[:, None] * rng.uniform(0.6, 1.25, (len(odd), width))
        keep = np.arange(width)[None, :] < k[:, None]
        owner = np.repeat(np.arange(len(odd)), k)
        px = (cx[odd][:, None] + radius * np.cos(theta))[keep]
        py = (cy[odd][:, None] + radius * np.sin(theta))[keep]
        geoms[odd] = shapely.polygons(shapely.linearrings(np.column_stack([px, py]), indices=owner))
    to_ll = pyproj.Transformer.from_crs(4549, 4326, always_xy=True)
    geoms = shapely.transform(geoms, lambda c: np.column_stack(to_ll.transform(c[:, 0], c[:, 1])))
    frame = pd.DataFrame(
        {"id": [f"P{i:07d}" for i in range(n)], "name": [f"地块{i}" for i in range(n)], "area_m2": np.round(area, 1)}
    )
    return gpd.GeoDataFrame(frame, geometry=geoms, crs="EPSG:4326")
