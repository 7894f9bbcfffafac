"""Parcel scoring: vectorised pipeline on 100,000 synthetic parcels vs. a row-by-row reference, re-scoring and sensitivity."""

from __future__ import annotations

import math
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402

from gis.crs import METRIC_CRS  # noqa: E402
from gis.datasets import load_park_data  # noqa: E402
from gis.scoring import (CORE_INDUSTRIES, PRESETS, VECTOR_CRITERIA, X_INDUSTRIES, Context,  # noqa: E402
                         ScoringParams, check_rules, normalise, normalise_weights, rank_eligible,
                         raw_criteria, sensitivity, weighted_scores)

N_PARCELS = 100_000
N_REF = 2_000
RUNS = 5
REF_RUNS = 3
N_WEIGHTS = 200
SEED = 20240601
GOAL_PIPELINE_S = 1.5
GOAL_SPEEDUP = 10.0
GOAL_RESCORE_MS = 50.0
TOL = 1e-6
USES = CORE_INDUSTRIES + X_INDUSTRIES + ("residential",)


def synthetic_parcels(district: shapely.Geometry, n: int, seed: int = SEED) -> gpd.GeoDataFrame:
    """n rotated rectangles (2,000-150,000 m2, aspect 1-3) centred at random points inside the district."""
    rng = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = district.bounds
    shapely.prepare(district)
    cx, cy = np.empty(0), np.empty(0)
    while len(cx) < n:
        x = rng.uniform(xmin, xmax, 2 * n)
        y = rng.uniform(ymin, ymax, 2 * n)
        keep = shapely.contains_xy(district, x, y)
        cx, cy = np.concatenate([cx, x[keep]]), np.concatenate([cy, y[keep]])
    cx, cy = cx[:n], cy[:n]
    area = rng.uniform(2_000.0, 150_000.0, n)
    aspect = rng.uniform(1.0, 3.0, n)
    angle = rng.uniform(0.0, np.pi, n)
    half_w, half_h = np.sqrt(area * aspect) / 2, np.sqrt(area / aspect) / 2
    local = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]], dtype=float)  # closed ring
    dx = local[None, :, 0] * half_w[:, None]
    dy = local[None, :, 1] * half_h[:, None]
    cos, sin = np.cos(angle)[:, None], np.sin(angle)[:, None]
    coords = np.stack([cx[:, None] + dx * cos - dy * sin, cy[:, None] + dx * sin + dy * cos], axis=-1)
    geoms = shapely.polygons(coords)
    uses = rng.choice(np.array(USES), n)
    return gpd.GeoDataFrame({"id": [f"P{i:06d}" for i in range(n)], "intended_use": uses},
                            geometry=geoms, crs=METRIC_CRS)


def pipeline(parcels: gpd.GeoDataFrame, ctx: Context) -> pd.DataFrame:
    """raw_criteria + normalise + normalise_weights(balanced) + weighted_scores."""
    norm = normalise(raw_criteria(parcels, ctx))
    w = normalise_weights(PRESETS["balanced"], list(norm.columns))
    return pd.concat([norm, weighted_scores(norm, w)["score"]], axis=1)


def reference(parcels: gpd.GeoDataFrame, ctx: Context, params: ScoringParams = ScoringParams()) -> pd.DataFrame:
    """Row-by-row geopandas/shapely version of the seven normalised criteria and the balanced score."""
    p = params
    subparks = list(ctx.subparks.geometry)
    tags = [set(str(t).split("|")) if isinstance(t, str) else set() for t in ctx.subparks["industry_tags"]]
    band = ctx.subparks.geometry.union_all().buffer(p.edge_tol_m)
    zones = {z: ctx.zones.get(z) for z in ("belt", "core", "city")}
    stations = list(ctx.stations.geometry)
    weights = pd.Series(PRESETS["balanced"], dtype=float)
    weights = weights / weights.sum()
    rows = []
    for geom, use in zip(parcels.geometry, parcels["intended_use"]):
        area, perimeter = geom.area, geom.length
        dist, nearest = math.inf, -1
        for k, sp in enumerate(subparks):
            d = geom.distance(sp)
            if d < dist:
                dist, nearest = d, k
        adjacency = min(max(1.0 - dist / p.adjacency_max_m, 0.0), 1.0)
        shared = geom.boundary.intersection(band).length
        shared_edge = min(max(shared / max(perimeter, 1e-9) / p.edge_full_share, 0.0), 1.0)
        layout = 0.0
        for z, zone in zones.items():
            share = 0.0 if zone is None or zone.is_empty else geom.intersection(zone).area / geom.area
            layout += p.zone_weights.get(z, 0.0) * min(max(share, 0.0), 1.0)
        layout = min(max(layout, 0.0), 1.0)
        centroid = geom.centroid
        d_st = min((centroid.distance(s) for s in stations), default=math.inf)
        transit = min(max((p.transit_zero_m - d_st) / (p.transit_zero_m - p.transit_full_m), 0.0), 1.0)
        if area < p.size_min_m2:
            size = area / p.size_min_m2
        elif area > p.size_max_m2:
            size = 1.0 - (area - p.size_max_m2) / p.size_max_m2
        else:
            size = 1.0
        size = min(max(size, 0.0), 1.0)
        compactness = min(max(4 * math.pi * area / perimeter ** 2, 0.0), 1.0) if perimeter > 0 else 0.0
        base = p.industry_core if use in CORE_INDUSTRIES else p.industry_x if use in X_INDUSTRIES else 0.0
        match = dist <= p.adjacency_max_m and use in tags[nearest]
        industry = min(base + (p.industry_neighbour_bonus if match and base > 0 else 0.0), 1.0)
        crit = {"adjacency": adjacency, "shared_edge": shared_edge, "layout": layout, "transit": transit,
                "size": size, "compactness": compactness, "industry": industry}
        crit["score"] = min(max(sum(weights[c] * v for c, v in crit.items()), 0.0), 1.0)
        rows.append(crit)
    return pd.DataFrame(rows, index=parcels.index)


def timed(fn, runs: int) -> tuple[list[float], object]:
    """Seconds of each of ``runs`` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return times, result


def stats_s(times: list[float]) -> str:
    return f"median {statistics.median(times):7.3f} s  min {min(times):7.3f} s  max {max(times):7.3f} s"


def main() -> None:
    data = load_park_data()
    ctx = Context.from_park_data(data)

    # 1. Vectorised pipeline on 100,000 synthetic parcels.
    t0 = time.perf_counter()
    parcels = synthetic_parcels(ctx.district, N_PARCELS)
    build_s = time.perf_counter() - t0
    print(f"Scoring: {N_PARCELS:,} synthetic parcels in the Putuo district (EPSG:4549; built in {build_s:.2f} s, "
          f"not measured)")
    times, scored = timed(lambda: pipeline(parcels, ctx), RUNS)
    pipe_med = statistics.median(times)
    print(f"  raw_criteria+normalise+weights+weighted_scores  {stats_s(times)}  (n={RUNS})  "
          f"goal < {GOAL_PIPELINE_S} s median: {'met' if pipe_med < GOAL_PIPELINE_S else 'NOT met'}")
    rule_times, rules = timed(lambda: check_rules(parcels, ctx), RUNS)
    print(f"  check_rules                                     {stats_s(rule_times)}  (n={RUNS}); "
          f"{int(rules['passes'].sum()):,} parcels pass every rule")
    tracemalloc.start()
    pipeline(parcels, ctx)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"  peak memory of one pipeline run (tracemalloc; Python/numpy only, GEOS heap not traced): "
          f"{peak / 2**20:.1f} MB")
    print(f"  process max RSS so far: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB")

    # 2. Row-by-row reference on the first N_REF parcels.
    subset = parcels.iloc[:N_REF]
    ref_times, ref = timed(lambda: reference(subset, ctx), REF_RUNS)
    ref_med = statistics.median(ref_times)
    ref_full = ref_med * N_PARCELS / N_REF
    speedup = ref_full / pipe_med
    print(f"Row-by-row reference (geopandas/shapely loop, same formulas)")
    print(f"  {N_REF:,} parcels: median {ref_med:.3f} s (n={REF_RUNS}); extrapolated to {N_PARCELS:,}: "
          f"{ref_full:.1f} s; vectorised {pipe_med:.3f} s")
    print(f"  speed-up {speedup:.1f}x  goal >= {GOAL_SPEEDUP:.0f}x: {'met' if speedup >= GOAL_SPEEDUP else 'NOT met'}")
    ours = scored.iloc[:N_REF]
    print(f"  max |reference - vectorised| on the {N_REF:,} parcels:")
    bad = []
    for c in (*VECTOR_CRITERIA, "score"):
        diff = np.abs(ref[c].to_numpy() - ours[c].to_numpy())
        print(f"    {c:12s} {diff.max():.2e}")
        if not diff.max() <= TOL:
            worst = int(np.argmax(diff))
            bad.append(f"{c}: {int((diff > TOL).sum())} parcel(s) differ by > {TOL:g}, worst "
                       f"{subset['id'].iloc[worst]} (reference {ref[c].iloc[worst]!r}, vectorised {ours[c].iloc[worst]!r})")
    if bad:
        raise SystemExit("FAIL: the vectorised criteria do not match the reference:\n  " + "\n  ".join(bad))
    print(f"  all within {TOL:g}: yes")

    # 3. Re-scoring after a weight change, and sensitivity.
    bundled = data.parcels
    norm = normalise(raw_criteria(bundled, ctx))
    passes = check_rules(bundled, ctx)["passes"]
    rng = np.random.default_rng(SEED)
    vectors = [dict(zip(VECTOR_CRITERIA, rng.uniform(0, 50, len(VECTOR_CRITERIA)))) for _ in range(N_WEIGHTS)]
    rescore = []
    for weights in vectors:
        t0 = time.perf_counter()
        w = normalise_weights(weights, list(norm.columns))
        rank_eligible(weighted_scores(norm, w)["score"], passes)
        rescore.append((time.perf_counter() - t0) * 1000)
    med = statistics.median(rescore)
    print(f"Re-scoring the bundled data ({len(bundled)} parcels, {int(passes.sum())} eligible) after a weight change")
    print(f"  normalise_weights+weighted_scores+rank_eligible  median {med:6.2f} ms  min {min(rescore):6.2f} ms  "
          f"max {max(rescore):6.2f} ms  (n={N_WEIGHTS})  goal < {GOAL_RESCORE_MS:.0f} ms: "
          f"{'met' if med < GOAL_RESCORE_MS else 'NOT met'}")
    w = normalise_weights(PRESETS["balanced"], list(norm.columns))
    sens_times, _ = timed(lambda: sensitivity(norm, w, passes, draws=500), RUNS)
    print(f"  sensitivity(draws=500)  median {statistics.median(sens_times) * 1000:7.1f} ms  (n={RUNS})")
    big_norm = scored[list(VECTOR_CRITERIA)]
    t0 = time.perf_counter()
    sensitivity(big_norm, w, rules["passes"], draws=100)
    print(f"  sensitivity(draws=100) on {N_PARCELS:,} parcels ({int(rules['passes'].sum()):,} eligible): "
          f"{time.perf_counter() - t0:.2f} s (one run)")
    print(f"  process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB")


if __name__ == "__main__":
    main()
