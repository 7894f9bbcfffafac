"""Compliance review: 1,000 proposals against a 10,000-parcel 控规 layer (goal ≤ 2 s), beside a row-by-row reference.

The reference reviews one proposal at a time the way a script would: the parcels it intersects by a filter over the
whole layer, then one intersection per parcel. Both give the same allowances (checked).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gis.landuse import load_landuse
from gis.regulatory import normalise_layer, review_proposals

GOAL_S = 2.0
N_SIDE = 100  # 100 × 100 = 10,000 parcels of 60 m × 60 m
CELL_M = 60.0
N_PROPOSALS = 1_000
RUNS = 5
X0, Y0 = 626_000.0, 3_455_000.0  # EPSG:4549, in Putuo


def layers(rng: np.random.Generator) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The 控规 grid (industrial, research and M0 parcels) and random sites across one to four parcels."""
    codes = load_landuse()
    i, j = np.meshgrid(np.arange(N_SIDE), np.arange(N_SIDE))
    x, y = X0 + i.ravel() * CELL_M, Y0 + j.ravel() * CELL_M
    plan = gpd.GeoDataFrame(
        {
            "地块编号": [f"PT-{k:05d}" for k in range(x.size)],
            "用地代码": rng.choice(["1001", "0802", "M0"], x.size),
            "容积率上限": rng.choice([2.0, 2.5, 3.0, 4.0], x.size),
            "建筑限高": rng.choice([24.0, 50.0, 80.0], x.size),
            "建筑密度上限": 40.0,
            "绿地率下限": 20.0,
        },
        geometry=shapely.box(x, y, x + CELL_M, y + CELL_M),
        crs=4549,
    ).to_crs(4326)
    sx = X0 + rng.uniform(0, (N_SIDE - 2) * CELL_M, N_PROPOSALS)
    sy = Y0 + rng.uniform(0, (N_SIDE - 2) * CELL_M, N_PROPOSALS)
    w, h = rng.uniform(30, 110, N_PROPOSALS), rng.uniform(30, 110, N_PROPOSALS)
    sites = gpd.GeoDataFrame(
        {
            "项目名称": [f"项目{k}" for k in range(N_PROPOSALS)],
            "用地代码": rng.choice(["100101", "0802"], N_PROPOSALS),
            "计容建筑面积": w * h * rng.uniform(1.5, 3.5, N_PROPOSALS),
            "建筑高度": rng.uniform(20, 90, N_PROPOSALS),
            "建筑基底面积": w * h * 0.35,
            "绿地面积": w * h * 0.25,
        },
        geometry=shapely.box(sx, sy, sx + w, sy + h),
        crs=4549,
    ).to_crs(4326)
    return (
        normalise_layer(sites, kind="proposals", codes=codes),
        normalise_layer(plan, kind="regulatory", codes=codes),
    )


def row_by_row_allowances(sites: gpd.GeoDataFrame, plan: gpd.GeoDataFrame) -> list[float]:
    """Σ (area inside each parcel × its 容积率上限), one proposal and one parcel at a time (slivers ignored)."""
    sites_m, plan_m = sites.to_crs(4549), plan.to_crs(4549)
    out = []
    for site in sites_m.geometry:
        near = plan_m[plan_m.intersects(site)]
        pieces = [(site.intersection(g).area, far) for g, far in zip(near.geometry, near["far_max"])]
        covered = sum(a for a, _ in pieces)
        kept = [(a, far) for a, far in pieces if a >= 0.01 * site.area]
        scale = covered / sum(a for a, _ in kept)
        out.append(sum(a * far for a, far in kept) * scale)
    return out


def main() -> None:
    rng = np.random.default_rng(21)
    sites, plan = layers(rng)
    codes = load_landuse()
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        reviews = review_proposals(sites, plan, codes=codes)
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    reference = row_by_row_allowances(sites, plan)
    ref_s = time.perf_counter() - t0
    ours = [r.max_gfa_m2 if r.check("use").passed else None for r in reviews]
    same = all(o is None or abs(o - ref) < 0.5 for o, ref in zip(ours, reference))
    median = statistics.median(times)
    print(f"Compliance review: {N_PROPOSALS:,} proposals against {len(plan):,} 控规 parcels")
    print(
        f"  review_proposals  median {median:6.2f} s (min {min(times):.2f}, max {max(times):.2f}; n={RUNS})  "
        f"goal <= {GOAL_S:.0f} s: {'met' if median <= GOAL_S else 'NOT met'}"
    )
    print(
        f"  row-by-row reference  {ref_s:6.2f} s (one run)  -> {ref_s / median:.1f}x; allowances equal: "
        f"{'yes' if same else 'NO'}"
    )
    print(f"  {sum(r.passed for r in reviews)} of {len(reviews)} proposals pass")


if __name__ == "__main__":
    main()
