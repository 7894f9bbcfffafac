"""Import of a 200,000-parcel GeoPackage vs. read_file + to_crs, the upload worker's overhead, the imported layer's
map tiles; ``--million``: a 10^6-parcel GeoPackage, this importer beside an older one (``--before REV``), hot spots.

    .venv/bin/python bench/bench_import.py [--million [--before REV|none]]

``--before`` (default: the importer before the Arrow read, commit ``BEFORE_REV``) takes that commit's ``gis/``
with ``git archive`` into a temporary folder and runs the same import with it in its own process, in the same
run as the current importer: before/after medians on the same machine under the same load.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: ``--child GIS_ROOT FILE RUNS``: one import run set in this process with ``gis`` taken from GIS_ROOT.
CHILD_ROOT = sys.argv[sys.argv.index("--child") + 1] if "--child" in sys.argv else None
sys.path.insert(0, str(ROOT))
if CHILD_ROOT:
    sys.path.insert(0, CHILD_ROOT)
import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyogrio  # noqa: E402
import shapely  # noqa: E402
from benchutil import met, random_points, rectangle_shapes, rss_mb, stats_ms, stats_s, timed  # noqa: E402

from gis.crs import METRIC_CRS, to_storage  # noqa: E402
from gis.datasets import load_park_data  # noqa: E402
from gis.scoring import Context  # noqa: E402
from ingest.mapping import apply_mapping, guess_mapping  # noqa: E402
from ingest.model import Limits  # noqa: E402
from ingest.readers import read_upload  # noqa: E402

N_PARCELS = 200_000
N_INVALID = 50
RUNS = 3
SMALL_RUNS = 15
SEED = 20240607
AREA_M2 = (100.0, 1_000.0)
EXTRA_VERTICES = (1, 8)  # on the rectangle's edges: 5-12 distinct vertices per parcel
GOAL_IMPORT_S = 20.0
LIMITS = Limits(max_mb=200, max_features=500_000)
FILENAME = "parcels.gpkg"
#: The importer before this session's speedups (Arrow read, text mapping in one pass, area measured once).
BEFORE_REV = "ca4f3f2"

ROADS = (
    "真北路",
    "曹杨路",
    "武宁路",
    "中山北路",
    "金沙江路",
    "桃浦路",
    "祁连山南路",
    "长寿路",
    "宜川路",
    "光新路",
    "大渡河路",
    "怒江北路",
    "铜川路",
    "交通路",
    "岚皋路",
    "绥德路",
    "古浪路",
    "新村路",
    "真南路",
    "同普路",
)
USES = (
    "工业用地",
    "仓储用地",
    "商业用地",
    "商务办公用地",
    "研发用地",
    "住宅用地",
    "公共绿地",
    "教育科研用地",
    "交通设施用地",
    "市政公用设施用地",
)
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
    frame = pd.DataFrame(
        {
            "id": [f"PT-{i:06d}" for i in range(n)],
            "名称": [f"普陀区{ROADS[r]}{k}号地块" for r, k in zip(road, num)],
            "用途": uses,
            "面积": np.round(area, 2),
            "规划用途": np.array(PLANNED)[rng.integers(0, len(PLANNED), n)],
            "权属单位": np.array(OWNERS)[rng.integers(0, len(OWNERS), n)],
            "坐落": [f"{ROADS[r]}{k}号" for r, k in zip(road, num)],
        }
    )
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=METRIC_CRS)


def build_file(path: str, n: int = N_PARCELS) -> None:
    """Child process: build the parcels and write the GeoPackage (kept out of the parent's max RSS)."""
    ctx = Context.from_park_data(load_park_data())
    pyogrio.write_dataframe(synthetic_parcels(ctx.district, n), path, layer="parcels", driver="GPKG")


def import_layer(data: bytes, limits: Limits = LIMITS) -> tuple[float, float, gpd.GeoDataFrame]:
    """read_upload and apply_mapping as the import page calls them: seconds of each, and the mapped layer."""
    t0 = time.perf_counter()
    result = read_upload(FILENAME, data, expect="polygon", limits=limits)
    t1 = time.perf_counter()
    layer = apply_mapping(
        result, guess_mapping(list(result.gdf.columns), "parcels"), layer_kind="parcels", source_note="bench"
    )
    return t1 - t0, time.perf_counter() - t1, layer


def breakdown(data: bytes) -> list[tuple[str, float]]:
    """The main steps of read_upload + apply_mapping redone outside the functions, each timed (one run)."""
    steps, clock = [], time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        steps.append((name, now - clock))
        clock = now

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.gpkg"
        path.write_bytes(data)
        info = pyogrio.read_info(str(path))
        lap("write the bytes to a temp file + read_info")
        gdf = gpd.read_file(str(path), engine="pyogrio", use_arrow=True)
        lap("gpd.read_file (pyogrio, Arrow)")
    geoms = gdf.geometry.to_numpy()  # the checks of ingest.clean._clean, in its order
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    coords = shapely.get_coordinates(geoms, include_z=False)
    bad = ~np.isfinite(coords).all(axis=1)
    _ = shapely.has_z(geoms).any()
    kinds = set(shapely.get_type_id(geoms).tolist())
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    assert not missing.any() and not bad.any() and kinds <= {3, 6} and info["features"] == len(gdf)
    lap("checks: missing/empty, finite coords, Z, types")
    area = shapely.area(geoms)
    lap("area in EPSG:4549 (before reprojection)")
    out = to_storage(gdf)
    lap("to_crs EPSG:4549 -> EPSG:4326")
    _ = out.total_bounds
    lap("extent check (total_bounds)")
    g = out.geometry.to_numpy()
    invalid = ~shapely.is_valid(g)
    lap(f"is_valid ({int(invalid.sum())} invalid)")
    repaired = shapely.make_valid(g[invalid])
    polygonal = ("Polygon", "MultiPolygon")
    repaired = np.array(
        [shapely.union_all([p for p in shapely.get_parts(r) if p.geom_type in polygonal]) for r in repaired],
        dtype=object,
    )
    g = g.copy()
    g[invalid] = repaired
    out = out.set_geometry(gpd.GeoSeries(g, index=out.index, crs=out.crs))
    lap("make_valid repair + set_geometry")
    texts = {c: gdf[c].str.strip().fillna("") for c in ("id", "名称", "用途", "规划用途")}
    _ = pd.Series(np.round(area, 1)), texts["id"].duplicated().any()
    lap("apply_mapping: text columns, area_m2, duplicate ids")
    return steps


def reference(path: str) -> gpd.GeoDataFrame:
    """Plain geopandas: read the file and reproject, no checks."""
    return gpd.read_file(path).to_crs(4326)


def rss_now_mb() -> float:
    """The process's resident memory now (MB)."""
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS")) / 1024


def worker_overhead(big: bytes, n_big: int) -> None:
    """What reading an upload in a worker (as read_upload_isolated does) costs on top of reading it in the process."""
    from gis.settings import SETTINGS
    from ingest.sandbox import WorkerLimits, run_in_worker, warm_up

    t0 = time.perf_counter()
    first = warm_up()
    print(
        "Upload worker (ingest.sandbox: forkserver with geopandas/GDAL/openpyxl/readers preloaded, limits set per "
        "worker; the app reads every upload this way)"
    )
    print(
        f"  first use: forkserver start + one empty worker {first:.2f} s (once per server process, in the "
        f"background at start; {time.perf_counter() - t0:.2f} s measured around it)"
    )
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
    print(f"    in a worker                           {stats_ms(totals)}")
    print(f"      of which starting the worker        {stats_ms(starts)}")
    print(f"      of which sending the result back    {stats_ms(transfers)}")
    print(
        f"    overhead per upload: {(statistics.median(totals) - statistics.median(inproc)) * 1000:+.0f} ms median "
        f"(reference: the read itself {statistics.median(inproc) * 1000:.0f} ms)"
    )
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
    print(f"  {n_big:,}-parcel GeoPackage ({len(big) / 2**20:.0f} MB), n={RUNS}:")
    print(f"    in the process (read_upload)          {stats_s(inproc_big)}")
    print(f"    in a worker                           {stats_s(totals)}")
    print(f"      starting the worker                 {stats_ms([r.start_s for r, _ in reports])}")
    print(f"      reading in the worker               {stats_s([r.run_s for r, _ in reports])}")
    print(f"      sending the layer back (pickle)     {stats_s([r.total_s - r.start_s - r.run_s for r, _ in reports])}")
    print(
        f"    overhead: {statistics.median(totals) - statistics.median(inproc_big):+.2f} s median "
        f"({(statistics.median(totals) / statistics.median(inproc_big) - 1) * 100:+.0f} % of the read); worker peak "
        f"RSS above its start {max(r.peak_rss_mb for r, _ in reports):.0f} MB (default limit "
        f"{SETTINGS.parse_memory_mb:.0f} MB); the parent holds the result: "
        f"+{statistics.median(d for _, d in reports):.0f} MB resident"
    )


def map_tiles(layer: gpd.GeoDataFrame) -> None:
    """The imported layer on the map: above planner.tiles.TILE_THRESHOLD features it is drawn from vector tiles."""
    from planner.tiles import TILE_THRESHOLD
    from tiles.vector import VectorTiles, tile_of

    wgs = layer.to_crs("EPSG:4326")
    t0 = time.perf_counter()
    eng = VectorTiles(wgs, id_field="id")
    index_s = time.perf_counter() - t0
    lon, lat = (float(v) for v in shapely.centroid(shapely.box(*wgs.total_bounds)).coords[0])
    print(f"Map of the imported layer ({len(layer):,} features > {TILE_THRESHOLD:,}: vector tiles, tiles.vector)")
    print(f"  tile index built in {index_s:.2f} s (once per layer, when the preview map first shows it)")
    for z in (13, 15, 17):
        cx, cy = tile_of(lon, lat, z)
        keys = [(z, cx + dx, cy + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
        times, sizes = [], []
        for key in keys:
            t0 = time.perf_counter()
            sizes.append(len(eng.tile(*key)))
            times.append(time.perf_counter() - t0)
        print(f"  z{z}: 3x3 tiles at the centre, first build {stats_ms(times)}; {sum(sizes) / 1024:,.0f} KB together")


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
        print(
            f"Import: GeoPackage of {n_file:,} synthetic parcels, {len(data) / 2**20:.1f} MB (rotated rectangles "
            f"{AREA_M2[0]:,.0f}-{AREA_M2[1]:,.0f} m2 with {4 + EXTRA_VERTICES[0]}-{4 + EXTRA_VERTICES[1]} vertices, "
            f"centred in the district, {N_INVALID} bow-ties; id, 名称, 用途, 面积 + 4 text columns; EPSG:4549 with "
            f"spatial index; written by pyogrio in a child process in {build_s:.1f} s, not measured)"
        )
        rss_before = rss_mb()

        # 1. read_upload + apply_mapping, as the import page runs them (in the process: the worker is part 3).
        reads, maps, totals, rss_runs = [], [], [], []
        layer = None
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
        print(
            f"  total                                             {stats_s(totals)}  (n={RUNS})  "
            f"goal < {GOAL_IMPORT_S:.0f} s median: {met(total_med < GOAL_IMPORT_S)}"
        )
        print(
            f"  imported: {len(layer):,} features, {int(layer.geometry.geom_type.eq('MultiPolygon').sum())} "
            f"MultiPolygon(s) from the repaired bow-ties, {layer['id'].nunique():,} unique ids"
        )
        tracemalloc.start()
        import_layer(data)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"  peak memory of one import (tracemalloc; Python/numpy only, GDAL/GEOS/Arrow heap not traced): "
            f"{peak / 2**20:.1f} MB"
        )
        print(
            f"  process max RSS: {rss_before:.1f} MB before the imports (file bytes held; the file was built in a "
            f"child process), {rss_runs[0]:.1f} MB after one import (+{rss_runs[0] - rss_before:.0f} MB), "
            f"{rss_runs[-1]:.1f} MB after {RUNS}"
        )

        steps = breakdown(data)
        print(
            f"  breakdown, one run with timers around the same steps done outside the functions "
            f"(sum {sum(s for _, s in steps):.3f} s vs. total median {total_med:.3f} s):"
        )
        for name, sec in steps:
            print(f"    {name:<56} {sec:7.3f} s")

        # 2. Plain reference: read_file + to_crs, no checks.
        ref_times, _ = timed(lambda: reference(path), RUNS)
        ref_med = statistics.median(ref_times)
        print("Reference: gpd.read_file(path).to_crs(4326), no checks, no mapping")
        print(f"  read_file+to_crs                                  {stats_s(ref_times)}  (n={RUNS})")
        print(
            f"  import total / reference: {total_med / ref_med:.2f}x ({total_med - ref_med:+.2f} s for the temp "
            "copy, checks, repair and mapping)"
        )

        # 3. The upload worker.
        worker_overhead(data, n_file)

    # 4. The imported layer on the map.
    data = None
    map_tiles(layer)
    print(f"  process max RSS: {rss_mb():.1f} MB")


N_MILLION = 1_000_000
GOAL_MILLION_S = 30.0
MILLION_RUNS = 3
#: Limits raised for the 10^6-parcel file, as an operator would (gis.settings.Settings.from_env).
LIMITS_MILLION = Limits(max_mb=1024, max_unzipped_mb=4096, max_features=1_500_000)


def child_runs(path: str, runs: int) -> None:
    """``--child``: ``runs`` imports of the file with the ``gis`` on sys.path; one JSON line of timings."""
    data = Path(path).read_bytes()
    rows = []
    for _ in range(runs):
        c0 = time.process_time()
        read_s, map_s, layer = import_layer(data, LIMITS_MILLION)
        rows.append(
            {
                "read": read_s,
                "map": map_s,
                "cpu": time.process_time() - c0,
                "n": len(layer),
                "area": float(layer["area_m2"].sum()),
            }
        )
        layer = None
    print(json.dumps({"runs": rows, "rss": rss_mb(), "load": os.getloadavg()[0]}))


def run_child(gis_root: str, path: str, runs: int) -> dict:
    """The import in a fresh interpreter with ``gis`` from ``gis_root`` (its peak RSS is its own)."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", gis_root, path, str(runs)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if out.returncode != 0:
        sys.exit(f"the import run with {gis_root} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def before_tree(rev: str, into: Path) -> str | None:
    """``gis/`` of commit ``rev`` extracted into ``into`` (None when the commit is not in this clone)."""
    archive = subprocess.run(["git", "archive", rev, "gis"], cwd=ROOT, capture_output=True, check=False)
    if archive.returncode != 0:
        return None
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return str(into)


def print_runs(label: str, result: dict) -> tuple[float, float]:
    runs = result["runs"]
    totals = [r["read"] + r["map"] for r in runs]
    print(f"  {label}")
    print(f"    read_upload                                     {stats_s([r['read'] for r in runs])}")
    print(f"    apply_mapping(guess_mapping)                    {stats_s([r['map'] for r in runs])}")
    print(f"    total                                           {stats_s(totals)}  (n={len(runs)})")
    cpu = statistics.median(r["cpu"] for r in runs)
    print(
        f"    CPU time of the importing process               median {cpu:7.3f} s"
        f"  (its own work, whatever the machine's load; load average {result['load']:.1f})"
    )
    print(
        f"    {runs[0]['n']:,} features imported, area_m2 sum {runs[0]['area']:,.1f} m2; process peak RSS "
        f"{result['rss']:.0f} MB"
    )
    return statistics.median(totals), statistics.median(r["cpu"] for r in runs)


def hot_spots(path: str) -> None:
    """One import under cProfile: where the time goes now."""
    import cProfile
    import pstats

    data = Path(path).read_bytes()
    profile = cProfile.Profile()
    profile.enable()
    import_layer(data, LIMITS_MILLION)
    profile.disable()
    print("  hot spots of one import now (cProfile, internal time, top 10):")
    stats = pstats.Stats(profile)
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:10]  # type: ignore[attr-defined]
    for (file, line, func), (_, calls, tottime, _, _) in rows:
        where = f"{Path(file).name}:{line}({func})" if line else func
        print(f"    {tottime:7.2f} s  {calls:>9,} calls  {where}")


def million_worker(path: str) -> None:
    """The 10^6-parcel read as the app runs it: in an upload worker, with the limits an operator must raise."""
    from ingest.sandbox import WorkerLimits, run_in_worker, warm_up

    warm_up()
    limits = WorkerLimits(memory_mb=16_384, cpu_s=900, wall_s=900)
    data = Path(path).read_bytes()
    report = run_in_worker(
        read_upload, (FILENAME, data), {"expect": "polygon", "limits": LIMITS_MILLION}, limits=limits
    )
    assert report.error is None, report.error
    back_s = report.total_s - report.start_s - report.run_s
    print(
        f"  in an upload worker (as the app reads it): {report.total_s:.1f} s = start {report.start_s * 1000:.0f} ms "
        f"+ read {report.run_s:.1f} s + sending the layer back {back_s:.1f} s;"
        f" {report.cpu_s:.1f} CPU s; worker peak RSS above its start {report.peak_rss_mb:,.0f} MB (n=1). The app's "
        f"defaults refuse this file: raise STREAMLIT_SERVER_MAX_UPLOAD_SIZE, PUTUO_MAX_IMPORT_FEATURES, "
        f"PUTUO_PARSE_MEMORY_MB/_CPU_S/_WALL_S above these numbers (gis/settings.py)"
    )


def million(before: str | None) -> None:
    """Import of a 1,000,000-parcel GeoPackage (goal <= 30 s), now and with an older importer, in one run."""
    ctx = multiprocessing.get_context("fork")
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / FILENAME)
        t0 = time.perf_counter()
        child = ctx.Process(target=build_file, args=(path, N_MILLION))
        child.start()
        child.join()
        if child.exitcode != 0:
            sys.exit(f"building {path} failed (exit code {child.exitcode})")
        print(
            f"Import of {N_MILLION:,} synthetic parcels: GeoPackage {Path(path).stat().st_size / 2**20:.0f} MB "
            f"(as above, {N_INVALID} bow-ties; written in a child process in {time.perf_counter() - t0:.0f} s, "
            f"not measured); limits raised to {LIMITS_MILLION.max_features:,} features, "
            f"{LIMITS_MILLION.max_mb:g} MB; "
            f"each importer in its own process, {MILLION_RUNS} runs, alternating"
        )
        old_root = before_tree(before, Path(tmp) / "before") if before else None
        if before and old_root is None:
            print(f"  (commit {before} is not in this clone: no before/after comparison)")
        now_runs: list[dict] = []
        old_runs: list[dict] = []
        for _ in range(MILLION_RUNS):  # alternate, so a change of load hits both alike
            now_runs.append(run_child(str(ROOT), path, 1))
            if old_root:
                old_runs.append(run_child(old_root, path, 1))

        def merged(results: list[dict]) -> dict:
            return {
                "runs": [r["runs"][0] for r in results],
                "rss": max(r["rss"] for r in results),
                "load": statistics.median(r["load"] for r in results),
            }

        now_wall, now_cpu = print_runs("now (this checkout)", merged(now_runs))
        print(
            f"    goal <= {GOAL_MILLION_S:.0f} s median: {met(now_wall <= GOAL_MILLION_S)} (wall), "
            f"{met(now_cpu <= GOAL_MILLION_S)} (CPU)"
        )
        if old_runs:
            old_wall, old_cpu = print_runs(f"before (gis/ of commit {before})", merged(old_runs))
            print(
                f"  before -> now: total median {old_wall:.2f} s -> {now_wall:.2f} s ({old_wall / now_wall:.1f}x), "
                f"CPU median {old_cpu:.2f} s -> {now_cpu:.2f} s ({old_cpu / now_cpu:.1f}x)"
            )
        hot_spots(path)
        million_worker(path)
        ref_times, _ = timed(lambda: reference(path), 2)
        print(
            f"Reference: gpd.read_file(path).to_crs(4326), no checks: {stats_s(ref_times)}  (n=2); "
            f"import now / reference {now_wall / statistics.median(ref_times):.2f}x"
        )


if __name__ == "__main__":
    args = sys.argv[1:]
    if CHILD_ROOT:
        i = args.index("--child")
        child_runs(args[i + 2], int(args[i + 3]))
    elif "--million" in args:
        rev = args[args.index("--before") + 1] if "--before" in args else BEFORE_REV
        million(None if rev.lower() == "none" else rev)
    else:
        main()
