"""Import: read_upload + apply_mapping on a ~50 MB GeoPackage of 200,000 parcels in EPSG:4549 vs. plain read_file + to_crs, memory, map payload; the upload worker's overhead (read_upload_isolated vs read_upload)."""

from __future__ import annotations

import multiprocessing
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyogrio  # noqa: E402
import shapely  # noqa: E402
from benchutil import mb, met, random_points, rectangle_shapes, rss_mb, stats_ms, stats_s, timed  # noqa: E402

from gis.crs import METRIC_CRS, to_metric, to_storage  # noqa: E402
from gis.datasets import load_park_data  # noqa: E402
from gis.importers import Limits, apply_mapping, guess_mapping, read_upload  # noqa: E402
from gis.sandbox import WorkerLimits, run_in_worker, warm_up  # noqa: E402
from gis.scoring import Context  # noqa: E402
from gis.settings import SETTINGS  # noqa: E402
from layers.registry import get_spec  # noqa: E402
from layers.webmap import CompactLayers, StringTable, compact_layers, display_sample, layer_payload  # noqa: E402

N_PARCELS = 200_000
N_INVALID = 50
N_SLICE = 20_000
RUNS = 3
SMALL_RUNS = 15
SEED = 20240607
AREA_M2 = (100.0, 1_000.0)
EXTRA_VERTICES = (1, 8)  # on the rectangle's edges: 5-12 distinct vertices per parcel
GOAL_IMPORT_S = 20.0
LIMITS = Limits(max_mb=200, max_features=500_000)
FILENAME = "parcels.gpkg"

ROADS = ("真北路", "曹杨路", "武宁路", "中山北路", "金沙江路", "桃浦路", "祁连山南路", "长寿路", "宜川路", "光新路",
         "大渡河路", "怒江北路", "铜川路", "交通路", "岚皋路", "绥德路", "古浪路", "新村路", "真南路", "同普路")
USES = ("工业用地", "仓储用地", "商业用地", "商务办公用地", "研发用地", "住宅用地", "公共绿地", "教育科研用地",
        "交通设施用地", "市政公用设施用地")
PLANNED = ("科研设计用地", "商务办公用地", "工业用地（M1）", "公共绿地", "住宅组团用地", "社区服务设施用地")
OWNERS = ("区国资公司", "桃浦智创城公司", "长风商务区公司", "中环投资公司", "真如副中心公司", "普陀科投公司")



def synthetic_parcels(region: shapely.Geometry, n: int, seed: int = SEED) -> gpd.GeoDataFrame:
    """n rotated rectangles (area uniform in AREA_M2, aspect 1-3, random angle) centred in ``region``, each
    with 1-8 extra vertices on its edges; N_INVALID of them are bow-ties (self-intersecting)."""
    rng = np.random.default_rng(seed)
    cx, cy = random_points(region, n, rng)
    area, angle, half_w, half_h = rectangle_shapes(rng, n, AREA_M2)
    # perimeter parameter t in [0, 4): corner k at t = k, extra vertices at random t; padded slots = inf
    extra = rng.integers(EXTRA_VERTICES[0], EXTRA_VERTICES[1] + 1, n)
    width = 4 + EXTRA_VERTICES[1]
    t = np.full((n, width), np.inf)
    t[:, :4] = np.arange(4)
    slots = np.arange(width - 4)[None, :] < extra[:, None]
    t[:, 4:][slots] = rng.uniform(0.0, 4.0, int(extra.sum()))
    t = np.sort(t, axis=1)
    counts = 4 + extra
    t = t[np.isfinite(t)]  # row-major: polygon by polygon, in ring order
    owner = np.repeat(np.arange(n), counts)
    corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]], dtype=float)
    edge = np.floor(t).astype(int)
    frac = (t - edge)[:, None]
    local = corners[edge] + frac * (corners[edge + 1] - corners[edge])
    # bow-ties: c0, midpoint c0-c1, c1, c3, c2 (edges c1-c3 and c2-c0 cross at the centre)
    bad = np.sort(rng.choice(n, N_INVALID, replace=False))
    is_bad = np.isin(owner, bad)
    bow = np.array([[-1, -1], [0, -1], [1, -1], [-1, 1], [1, 1]], dtype=float)
    local = np.concatenate([local[~is_bad], np.tile(bow, (N_INVALID, 1))])
    owner = np.concatenate([owner[~is_bad], np.repeat(bad, len(bow))])
    order = np.argsort(owner, kind="stable")
    local, owner = local[order], owner[order]
    dx, dy = local[:, 0] * half_w[owner], local[:, 1] * half_h[owner]
    cos, sin = np.cos(angle)[owner], np.sin(angle)[owner]
    x, y = cx[owner] + dx * cos - dy * sin, cy[owner] + dx * sin + dy * cos
    geoms = shapely.polygons(shapely.linearrings(np.column_stack([x, y]), indices=owner))
    road = rng.integers(0, len(ROADS), n)
    num = rng.integers(1, 2_000, n)
    uses = np.array(USES)[rng.integers(0, len(USES), n)]
    frame = pd.DataFrame({
        "id": [f"PT-{i:06d}" for i in range(n)],
        "名称": [f"普陀区{ROADS[r]}{k}号地块" for r, k in zip(road, num)],
        "用途": uses,
        "面积": np.round(area, 2),
        "规划用途": np.array(PLANNED)[rng.integers(0, len(PLANNED), n)],
        "权属单位": np.array(OWNERS)[rng.integers(0, len(OWNERS), n)],
        "坐落": [f"{ROADS[r]}{k}号" for r, k in zip(road, num)],
    })
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=METRIC_CRS)


def rss_now_mb() -> float:
    """The process's resident memory now (MB)."""
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS")) / 1024


def build_file(path: str) -> None:
    """Child process: build the parcels and write the GeoPackage (kept out of the parent's max RSS)."""
    ctx = Context.from_park_data(load_park_data())
    pyogrio.write_dataframe(synthetic_parcels(ctx.district, N_PARCELS), path, layer="parcels", driver="GPKG")







def import_layer(data: bytes) -> tuple[float, float, gpd.GeoDataFrame]:
    """read_upload and apply_mapping as the import page calls them: seconds of each, and the mapped layer."""
    t0 = time.perf_counter()
    result = read_upload(FILENAME, data, expect="polygon", limits=LIMITS)
    t1 = time.perf_counter()
    layer = apply_mapping(result, guess_mapping(list(result.gdf.columns), "parcels"), layer_kind="parcels",
                          source_note="bench")
    return t1 - t0, time.perf_counter() - t1, layer


def breakdown(data: bytes) -> list[tuple[str, float]]:
    """The steps of read_upload + apply_mapping redone outside the functions, each timed (one run)."""
    steps, clock = [], time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        steps.append((name, now - clock))
        clock = now

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.gpkg"
        path.write_bytes(data)
        layer = pyogrio.list_layers(str(path))[0][0]
        lap("write the bytes to a temp file + list_layers")
        gdf = gpd.read_file(str(path), layer=layer, engine="pyogrio")
        lap("gpd.read_file (pyogrio)")
    geoms = gdf.geometry.to_numpy()  # the checks of gis.importers._clean, in its order
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    coords = shapely.get_coordinates(geoms, include_z=False)
    bad = ~np.isfinite(coords).all(axis=1)
    _ = shapely.has_z(geoms).any()
    geoms = shapely.force_2d(geoms)
    family = {"Polygon": "polygon", "MultiPolygon": "polygon"}
    types = pd.Series(shapely.get_type_id(geoms)).map({3: "Polygon", 6: "MultiPolygon"})
    families = set(types.map(lambda t: family.get(t, "other")))
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    assert not missing.any() and not bad.any() and families == {"polygon"}
    lap("checks: missing/empty, finite coords, Z/force_2d, types")
    out = to_storage(gdf)
    lap("to_crs EPSG:4549 -> EPSG:4326")
    _ = out.total_bounds
    lap("extent check (total_bounds)")
    g = out.geometry.to_numpy()
    invalid = ~shapely.is_valid(g)
    lap(f"is_valid ({int(invalid.sum())} invalid)")
    repaired = shapely.make_valid(g[invalid])
    repaired = np.array([shapely.union_all([p for p in shapely.get_parts(r) if p.geom_type in ("Polygon", "MultiPolygon")])
                         for r in repaired], dtype=object)
    g = g.copy()
    g[invalid] = repaired
    out = out.set_geometry(gpd.GeoSeries(g, index=out.index, crs=out.crs))
    lap("make_valid repair + set_geometry")
    _ = to_metric(out).area
    lap("apply_mapping's area_m2: to_crs back to EPSG:4549 + area")
    return steps


def worker_overhead(big: bytes) -> None:
    """What reading an upload in a worker (read_upload_isolated) costs on top of reading it in the process."""
    t0 = time.perf_counter()
    first = warm_up()
    print("Upload worker (gis.sandbox: forkserver with geopandas/GDAL/openpyxl/importers preloaded, limits set per worker)")
    print(f"  first use: forkserver start + one empty worker {first:.2f} s (once per server process; "
          f"{time.perf_counter() - t0:.2f} s measured around it)")
    small = load_park_data().parcels.to_json().encode()
    limits = WorkerLimits(memory_mb=4096, cpu_s=600, wall_s=600)
    inproc, totals, starts, transfers = [], [], [], []
    for _ in range(SMALL_RUNS):
        t0 = time.perf_counter()
        read_upload("parcels.geojson", small)
        inproc.append(time.perf_counter() - t0)
        report = run_in_worker(read_upload, ("parcels.geojson", small), limits=limits)
        assert report.error is None, report.error
        totals.append(report.total_s)
        starts.append(report.start_s)
        transfers.append(report.total_s - report.start_s - report.run_s)
    n_small = len(read_upload("parcels.geojson", small).gdf)
    print(f"  bundled parcels ({n_small} features, {len(small) / 1024:.0f} KB GeoJSON), n={SMALL_RUNS}:")
    print(f"    in the process (read_upload)          {stats_ms(inproc)}")
    print(f"    in a worker (read_upload_isolated)    {stats_ms(totals)}")
    print(f"      of which starting the worker        {stats_ms(starts)}")
    print(f"      of which sending the result back    {stats_ms(transfers)}")
    print(f"    overhead per upload: {statistics.median(totals) - statistics.median(inproc):+.3f} s median "
          f"(reference: the read itself {statistics.median(inproc):.3f} s)")
    inproc_big, reports = [], []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        read_upload(FILENAME, big, expect="polygon", limits=LIMITS)
        inproc_big.append(time.perf_counter() - t0)
        rss_parent = rss_now_mb()
        report = run_in_worker(read_upload, (FILENAME, big), {"expect": "polygon", "limits": LIMITS}, limits=limits)
        assert report.error is None, report.error
        reports.append((report, rss_now_mb() - rss_parent))
    totals = [r.total_s for r, _ in reports]
    print(f"  {N_PARCELS:,}-parcel GeoPackage ({len(big) / 2**20:.0f} MB), n={RUNS}:")
    print(f"    in the process (read_upload)          {stats_s(inproc_big)}")
    print(f"    in a worker (read_upload_isolated)    {stats_s(totals)}")
    print(f"      starting the worker                 {stats_ms([r.start_s for r, _ in reports])}")
    print(f"      reading in the worker               {stats_s([r.run_s for r, _ in reports])}")
    print(f"      sending the layer back (pickle)     {stats_s([r.total_s - r.start_s - r.run_s for r, _ in reports])}")
    print(f"    overhead: {statistics.median(totals) - statistics.median(inproc_big):+.2f} s median "
          f"({(statistics.median(totals) / statistics.median(inproc_big) - 1) * 100:+.0f} % of the read); worker peak "
          f"RSS above its start {max(r.peak_rss_mb for r, _ in reports):.0f} MB (limit {SETTINGS.parse_memory_mb:.0f} "
          f"MB); the parent holds the result: +{statistics.median(d for _, d in reports):.0f} MB resident")


def reference(path: str) -> gpd.GeoDataFrame:
    """Plain geopandas: read the file and reproject, no checks."""
    return gpd.read_file(path).to_crs(4326)


def unsampled_payload(layer: gpd.GeoDataFrame) -> str:
    """compact_layers without display_sample: layer_payload + CompactLayers, as compact_layers does for WGS84."""
    strings = StringTable()
    payload = [layer_payload(get_spec("parcels"), layer, lang="zh", strings=strings)]
    return CompactLayers(payload, strings, decimals=SETTINGS.display_decimals).payload


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / FILENAME)
        t0 = time.perf_counter()
        child = multiprocessing.get_context("fork").Process(target=build_file, args=(path,))
        child.start()
        child.join()
        if child.exitcode != 0:
            sys.exit(f"building {path} failed (exit code {child.exitcode})")
        build_s = time.perf_counter() - t0
        data = Path(path).read_bytes()
        n_file = pyogrio.read_info(path)["features"]
        print(f"Import: GeoPackage of {n_file:,} synthetic parcels, {len(data) / 2**20:.1f} MB (rotated rectangles "
              f"{AREA_M2[0]:,.0f}-{AREA_M2[1]:,.0f} m2 with {4 + EXTRA_VERTICES[0]}-{4 + EXTRA_VERTICES[1]} vertices, "
              f"centred in the district, {N_INVALID} bow-ties; id, 名称, 用途, 面积 + 4 text columns; EPSG:4549 with "
              f"spatial index; written by pyogrio in a child process in {build_s:.1f} s, not measured)")
        rss_before = rss_mb()

        # 1. read_upload + apply_mapping, as the import page runs them.
        reads, maps, totals, rss_runs = [], [], [], []
        for _ in range(RUNS):
            layer = None  # the previous run's layer is not held during the next one
            read_s, map_s, layer = import_layer(data)
            reads.append(read_s)
            maps.append(map_s)
            totals.append(read_s + map_s)
            rss_runs.append(rss_mb())
        total_med = statistics.median(totals)
        print(f"  read_upload (read, checks, repair, to EPSG:4326)  {stats_s(reads)}  (n={RUNS})")
        print(f"  apply_mapping(guess_mapping)                      {stats_s(maps)}  (n={RUNS})")
        print(f"  total                                             {stats_s(totals)}  (n={RUNS})  "
              f"goal < {GOAL_IMPORT_S:.0f} s median: {met(total_med < GOAL_IMPORT_S)}")
        print(f"  imported: {len(layer):,} features, {int(layer.geometry.geom_type.eq('MultiPolygon').sum())} "
              f"MultiPolygon(s) from the repaired bow-ties, {layer['id'].nunique():,} unique ids")
        layer = None
        tracemalloc.start()
        import_layer(data)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"  peak memory of one import (tracemalloc; Python/numpy only, GDAL/GEOS heap not traced): "
              f"{peak / 2**20:.1f} MB")
        print(f"  process max RSS: {rss_before:.1f} MB before the imports (file bytes held; the file was built in a "
              f"child process), {rss_runs[0]:.1f} MB after one import (+{rss_runs[0] - rss_before:.0f} MB), "
              f"{rss_runs[-1]:.1f} MB after {RUNS}")

        steps = breakdown(data)
        print(f"  breakdown, one run with timers around the same steps done outside the functions "
              f"(sum {sum(s for _, s in steps):.3f} s vs. total median {total_med:.3f} s; the rest of apply_mapping, "
              "text columns and duplicate ids, is the difference):")
        for name, sec in steps:
            print(f"    {name:<56} {sec:7.3f} s")

        # 2. Plain reference: read_file + to_crs, no checks.
        ref_times, _ = timed(lambda: reference(path), RUNS)
        ref_med = statistics.median(ref_times)
        print("Reference: gpd.read_file(path).to_crs(4326), no checks, no mapping")
        print(f"  read_file+to_crs                                  {stats_s(ref_times)}  (n={RUNS})")
        print(f"  import total / reference: {total_med / ref_med:.2f}x ({total_med - ref_med:+.2f} s for the temp copy, "
              "checks, repair and mapping)")

        # 3. The upload worker.
        worker_overhead(data)

    # 4. Map payload of the imported layer.
    _, _, layer = import_layer(data)
    data = None
    spec = get_spec("parcels")
    t0 = time.perf_counter()
    payload = compact_layers([(spec, layer)], lang="zh").payload
    sampled_s = time.perf_counter() - t0
    shown = len(display_sample(layer))
    t0 = time.perf_counter()
    part = unsampled_payload(layer.iloc[:N_SLICE])
    slice_s = time.perf_counter() - t0
    factor = len(layer) / N_SLICE
    full = len(part.encode("utf-8")) * factor
    print(f"Map payload of the imported layer (compact_layers, zh; max_display_features {SETTINGS.max_display_features:,})")
    print(f"  sampled (as the app sends it): {shown:,} of {len(layer):,} features shown, "
          f"{mb(len(payload.encode('utf-8')))}, built in {sampled_s:.2f} s")
    print(f"  not sampled (estimate): {N_SLICE:,}-feature slice {mb(len(part.encode('utf-8')))} in {slice_s:.2f} s, "
          f"extrapolated x{factor:g} to {len(layer):,} features: {mb(int(full))} (linear extrapolation, not measured; "
          f"repeated strings are sent once, so the whole layer would be at most about this), ~{slice_s * factor:.0f} s to build")
    print(f"  process max RSS: {rss_mb():.1f} MB")


if __name__ == "__main__":
    main()
