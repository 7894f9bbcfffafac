"""Vector tiles (tiles/vector.py) on 1,000,000 and 200,000 parcels: index, tile times, bytes per view, cache, values,
encoders, vs folium's default GeoJSON embedding of the same layer (``--quick``: 200,000 parcels only)."""

from __future__ import annotations

import math
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import numpy as np
from benchutil import PUTUO_BBOX, city_parcels, mb, met, rss_mb

from gis.settings import SETTINGS
from tiles.cache import BoundedCache
from tiles.vector import VectorTiles, _merc_x, _merc_y, class_codes, metres_per_px, tile_bounds_m, tile_of

SIZES = (1_000_000, 200_000)
SEED = 20261127
VIEW_PX = (1280, 720)
VIEW_ZOOMS = (12, 14, 16, 17)
STREET_ZOOMS = (15, 16, 17)
LOW_ZOOMS = (11, 12, 13)
TILES_PER_ZOOM = 40
INDEX_RUNS = 3
FOLIUM_SLICE = 20_000
GOAL_TILE_MS = 150.0
GOAL_VIEW_MB = 5.0
GOAL_FIRST_VIEW_MB = 2.0
KB = 1024


def current_rss_mb() -> float:
    """Resident memory of this process right now (MB; Linux /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def ms(values: list[float]) -> str:
    v = [t * 1000 for t in values]
    return f"median {statistics.median(v):7.1f} ms  p95 {pct(v, 95):7.1f} ms  max {max(v):7.1f} ms"


def view_tiles(lon: float, lat: float, z: int, size: tuple[int, int] = VIEW_PX) -> list[tuple[int, int, int]]:
    """The tiles a Leaflet map of ``size`` px centred at (lon, lat) shows at zoom z."""
    world = 256 * 2**z
    half = math.pi * 6378137.0
    px = (float(_merc_x(lon)) + half) / (2 * half) * world
    py = (half - float(_merc_y(lat))) / (2 * half) * world
    x0, x1 = int((px - size[0] / 2) // 256), int((px + size[0] / 2 - 1) // 256)
    y0, y1 = int((py - size[1] / 2) // 256), int((py + size[1] / 2 - 1) // 256)
    return [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def random_tiles(z: int, n: int, rng: np.random.Generator) -> list[tuple[int, int, int]]:
    """n tiles at zoom z under random points of the parcels' box."""
    lon = rng.uniform(PUTUO_BBOX[0], PUTUO_BBOX[2], n)
    lat = rng.uniform(PUTUO_BBOX[1], PUTUO_BBOX[3], n)
    return [(z, *tile_of(a, b, z)) for a, b in zip(lon, lat)]


def box_tiles(z: int) -> list[tuple[int, int, int]]:
    """Every tile at zoom z meeting the parcels' box."""
    x0, y0 = tile_of(PUTUO_BBOX[0], PUTUO_BBOX[3], z)
    x1, y1 = tile_of(PUTUO_BBOX[2], PUTUO_BBOX[1], z)
    return [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def timed_tiles(engine: VectorTiles, tiles: list[tuple[int, int, int]]) -> tuple[list[float], list[float], list[int]]:
    """Wall seconds, CPU seconds (this process: what a tile costs on a free core) and bytes of each tile."""
    times, cpu, sizes = [], [], []
    for t in tiles:
        t0, c0 = time.perf_counter(), time.process_time()
        sizes.append(len(engine.tile(*t)))
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return times, cpu, sizes


def cpu_ms(values: list[float]) -> str:
    v = [t * 1000 for t in values]
    return f"CPU median {statistics.median(v):6.1f} ms p95 {pct(v, 95):6.1f} ms"


def release_freed_memory() -> None:
    """Give freed heap back to the OS (glibc), so RSS differences measure what is really held."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def run_size(n: int) -> None:
    """Everything measured for one layer size (run in its own process: its peak RSS is its own)."""
    t0 = time.perf_counter()
    gdf = city_parcels(n, seed=SEED)
    gen_s = time.perf_counter() - t0
    cell_m = math.sqrt(111_320 * 0.13 * math.cos(math.radians(31.255)) * 110_570 * 0.09 / n)
    print(
        f"\n== {n:,} generated parcels over {PUTUO_BBOX} (one per ~{cell_m:.0f} m cell of a jittered grid, 35-80 % "
        f"of it, 20 % irregular 7-11-vertex outlines; EPSG:4326; built in {gen_s:.1f} s, not measured)"
    )
    release_freed_memory()
    rss_layer = current_rss_mb()
    print(f"  RSS with the layer loaded: {rss_layer:.0f} MB")

    # 1. Index build.
    times, cpu, held = [], [], []
    for _ in range(INDEX_RUNS):
        release_freed_memory()
        before = current_rss_mb()
        t0, c0 = time.perf_counter(), time.process_time()
        engine = VectorTiles(gdf, cache=BoundedCache(0))
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        release_freed_memory()
        held.append(current_rss_mb() - before)
        del engine
    engine = VectorTiles(gdf, cache=BoundedCache(0))
    print("Index build (STRtree on the lon/lat geometries + per-feature Web Mercator centre/size/area, ids)")
    print(
        f"  {ms(times)}  {cpu_ms(cpu)}  (n={INDEX_RUNS}); the index holds {statistics.median(held):.0f} MB "
        f"(RSS difference); process peak RSS so far {rss_mb():.0f} MB"
    )

    # 2. Tile times, cache off (every tile built).
    rng = np.random.default_rng(SEED)
    print(
        f"Tiles, cache off (built from the index each time): {TILES_PER_ZOOM} random tiles per street zoom, "
        "every tile of the box at low zooms (x3)"
    )
    street, street_cpu = [], []
    for z in STREET_ZOOMS:
        times, cpu, sizes = timed_tiles(engine, random_tiles(z, TILES_PER_ZOOM, rng))
        street += times
        street_cpu += cpu
        print(
            f"  z{z:<2} {ms(times)}  {cpu_ms(cpu)}  bytes median {statistics.median(sizes) / KB:6.1f} KB "
            f"max {max(sizes) / KB:6.1f} KB"
        )
    street_med = statistics.median(street) * 1000
    print(
        f"  street zooms 15-17 together: median {street_med:.1f} ms, p95 {pct(street, 95) * 1000:.1f} ms "
        f"(CPU median {statistics.median(street_cpu) * 1000:.1f} ms)  goal <= {GOAL_TILE_MS:.0f} ms median: "
        f"{met(street_med <= GOAL_TILE_MS)}"
    )
    for z in LOW_ZOOMS:
        tiles = box_tiles(z) * 3
        times, cpu, sizes = timed_tiles(engine, tiles)
        print(
            f"  z{z:<2} {ms(times)}  {cpu_ms(cpu)}  bytes median {statistics.median(sizes) / KB:6.1f} KB "
            f"max {max(sizes) / KB:6.1f} KB  ({len(tiles) // 3} tiles)"
        )

    # 3. Bytes per view and the values payload (cache on, as served).
    engine = VectorTiles(gdf, cache=BoundedCache(64 * 2**20), version="v1")
    classes = class_codes(
        np.array(["fail", "c1", "c2", "c3", "c4", "c5"])[np.arange(n) % 6], ["fail", "c1", "c2", "c3", "c4", "c5"]
    )
    lat0, lon0 = SETTINGS.map_center
    print(
        f"Views of {VIEW_PX[0]}x{VIEW_PX[1]} px centred at {lon0}, {lat0} (first view = the app's start, "
        f"z{SETTINGS.map_zoom}); tiles + values payload; server time cold (tiles built) and warm (from the cache)"
    )
    worst = 0
    for z in (SETTINGS.map_zoom, *VIEW_ZOOMS):
        tiles = view_tiles(lon0, lat0, z)
        t0 = time.perf_counter()
        tile_bytes = sum(len(engine.tile(*t)) for t in tiles)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        value_bytes = sum(len(engine.values(*t, classes)) for t in tiles)
        values_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        for t in tiles:
            engine.tile(*t)
        warm = time.perf_counter() - t0
        total = tile_bytes + value_bytes
        first = z == SETTINGS.map_zoom
        goal = GOAL_FIRST_VIEW_MB if first else GOAL_VIEW_MB
        if not first:
            worst = max(worst, total)
        label = " (first view)" if first else " " * 13
        print(
            f"  z{z:<2}{label} {len(tiles):2d} tiles {mb(tile_bytes):>9} + values {value_bytes / KB:6.1f} KB "
            f"= {mb(total):>9}  goal <= {goal:.0f} MB: {met(total <= goal * 2**20)};  "
            f"cold {cold * 1000:6.0f} ms, values {values_s * 1000:5.1f} ms, warm {warm * 1000:5.1f} ms"
        )
    print(f"  largest view {mb(worst)}; values payload = 1 byte per feature or cell of the view, no geometry")

    # 4. Cache behaviour: panning at street zoom by a quarter of the view, round a square (inside the layer).
    cache = engine.cache
    hits0, misses0 = cache.hits, cache.misses
    lon, lat = lon0, lat0
    step = math.degrees(VIEW_PX[0] / 4 * metres_per_px(16) / 6378137.0)  # degrees of longitude
    updates = []
    for dlon, dlat in [(1, 0)] * 4 + [(0, 1)] * 4 + [(-1, 0)] * 4 + [(0, -1)] * 4:
        lon += dlon * step
        lat += dlat * step * math.cos(math.radians(lat))
        t0 = time.perf_counter()
        for t in view_tiles(lon, lat, 16):
            engine.tile(*t)
            engine.values(*t, classes)
        updates.append(time.perf_counter() - t0)
    print(
        f"Cache (LRU bounded by bytes, budget {mb(cache.max_bytes)}): panning 16 x a quarter view at z16 (a square "
        f"back to the start): view update (tiles + values) "
        f"{ms(updates)}; hits {cache.hits - hits0}, misses {cache.misses - misses0}; holds {len(cache)} "
        f"tiles, {mb(cache.size_bytes)} (<= budget: {met(cache.size_bytes <= cache.max_bytes)})"
    )
    print(f"  process peak RSS: {rss_mb():.0f} MB")

    # 5. References on the same layer, in the same run.
    references(gdf, n)
    print(f"  process peak RSS at the end: {rss_mb():.0f} MB")


def references(gdf, n: int) -> None:
    """folium's default GeoJSON embedding of the same layer (a slice, extrapolated): how the app drew a layer
    before the Leaflet component (folium only in requirements-bench.txt)."""
    import folium

    part = gdf.iloc[:FOLIUM_SLICE]
    t0 = time.perf_counter()
    m = folium.Map(location=SETTINGS.map_center, zoom_start=13, tiles=None)
    folium.GeoJson(part).add_to(m)
    html = m.get_root().render().encode("utf-8")
    took = time.perf_counter() - t0
    factor = n / FOLIUM_SLICE
    print(
        f"Reference: folium's default GeoJSON embedding of every parcel: {FOLIUM_SLICE:,}-parcel slice "
        f"{mb(len(html))} in {took:.2f} s, extrapolated x{factor:g}: ~{mb(int(len(html) * factor))}, "
        f"~{took * factor:.0f} s to build "
        "(linear extrapolation, not measured), all in the first page"
    )


def encoders(n: int = 200_000, repeats: int = 3) -> None:
    """The same street tiles by our numpy encoder, the mapbox-vector-tile package and DuckDB spatial ST_AsMVT.

    The three run in turn on each tile (``repeats`` times), so a change in the machine's load hits all of
    them; CPU time is this process's (DuckDB limited to one thread, as one tile request gets one thread).
    """
    import glob

    import duckdb
    import mapbox_vector_tile
    import pyarrow as pa
    import shapely

    gdf = city_parcels(n, seed=SEED)
    engine = VectorTiles(gdf, cache=BoundedCache(0))
    rng = np.random.default_rng(SEED + 1)
    tiles = random_tiles(16, 20, rng) + random_tiles(15, 10, rng)
    ext = glob.glob(
        str(Path(duckdb.__file__).parent.parent / "duckdb_ext" / "extensions" / "*" / "*" / "spatial.duckdb_extension")
    )
    con = None
    if ext:
        rss0 = current_rss_mb()
        t0 = time.perf_counter()
        con = duckdb.connect(
            config={"autoinstall_known_extensions": False, "autoload_known_extensions": False, "threads": 1}
        )
        con.execute(f"LOAD '{ext[0]}'")
        merc = shapely.transform(
            gdf.geometry.to_numpy(), lambda c: np.column_stack([_merc_x(c[:, 0]), _merc_y(c[:, 1])])
        )
        con.register("src", pa.table({"fi": np.arange(n), "id": gdf["id"].to_numpy(), "wkb": shapely.to_wkb(merc)}))
        con.execute("CREATE TABLE t AS SELECT fi, id, ST_GeomFromWKB(wkb) AS geom FROM src")
        con.execute("CREATE INDEX t_rtree ON t USING RTREE (geom)")
        load_s, load_mb = time.perf_counter() - t0, current_rss_mb() - rss0
    query = (
        "SELECT ST_AsMVT({'geom': ST_AsMVTGeom(geom, ST_Extent(ST_TileEnvelope($1, $2, $3)), 4096, 64, true), "
        "'id': id, 'fi': fi}, 'polygons', 4096, 'geom', 'fi') FROM t "
        "WHERE ST_Intersects(geom, ST_TileEnvelope($1, $2, $3))"
    )

    def ours(z: int, x: int, y: int) -> bytes:
        return engine.tile(z, x, y)

    def package(z: int, x: int, y: int) -> bytes:
        """The same polygons prepared as ours are (clip, simplify, round, orient), encoded by the package."""
        idx = np.sort(engine._candidates(z, x, y, "wgs84"))
        b = tile_bounds_m(z, x, y)
        geoms = engine._tile_geometries(idx, b[0], b[3], 4096 / (b[2] - b[0]), "wgs84")
        features = [
            {"geometry": g, "properties": {"id": fid}, "id": int(i)}
            for g, fid, i in zip(geoms, engine._ids[idx], idx)
            if not g.is_empty
        ]
        return mapbox_vector_tile.encode(
            [{"name": "polygons", "features": features}], default_options={"y_coord_down": True}
        )

    def duck(z: int, x: int, y: int) -> bytes:
        return con.execute(query, [z, x, y]).fetchone()[0] or b""

    ways = {"ours": ours, "mapbox-vector-tile": package}
    if con is not None:
        ways["duckdb"] = duck
    wall: dict[str, list[float]] = {k: [] for k in ways}
    cpu: dict[str, list[float]] = {k: [] for k in ways}
    feats: dict[str, int] = {k: 0 for k in ways}
    for _ in range(repeats):
        for t in tiles:
            for name, fn in ways.items():
                t0, c0 = time.perf_counter(), time.process_time()
                data = fn(*t)
                wall[name].append(time.perf_counter() - t0)
                cpu[name].append(time.process_time() - c0)
                if _ == 0:
                    layer = mapbox_vector_tile.decode(data).get("polygons", {"features": []})
                    feats[name] += len(layer["features"])
    polys = feats["ours"]
    print(
        f"\n== Encoders on the same {len(tiles)} street tiles of {n:,} parcels (z16 x20, z15 x10; {polys:,} "
        f"polygons, ~{polys // len(tiles)} per tile), each tile x{repeats}, the three in turn"
    )
    labels = {
        "ours": "ours (tiles.vector: shapely clip/simplify/round + numpy MVT bytes)",
        "mapbox-vector-tile": "mapbox-vector-tile 2.x (same shapely preparation, its encoder)",
        "duckdb": "DuckDB spatial ST_AsMVT (R-tree, ST_AsMVTGeom, 1 thread)",
    }
    base = sum(cpu["ours"])
    for name in ways:
        per = sum(cpu[name]) / (feats[name] * repeats) * 1e6
        print(
            f"  {labels[name]:<66} wall {ms(wall[name])}; CPU {per:5.1f} us/feature = {sum(cpu[name]) / base:.1f}x ours"
        )
    if con is None:
        print("  DuckDB spatial: duckdb-ext-spatial is not installed (requirements-dev.txt)")
    else:
        print(
            f"  DuckDB first needs the layer loaded into it: {load_s:.1f} s, RSS +{load_mb:.0f} MB (a second copy "
            "of every geometry, 5x more for 10^6 parcels)"
        )


def main() -> None:
    import os

    print(
        "Vector tiles: tiles/vector.py (MVT, extent 4096, buffer 64; polygons / dots / density cells; byte-bounded LRU)"
    )
    print(
        f"  load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: wall times include other "
        "processes' load; CPU times are this process's own work"
    )
    ctx = multiprocessing.get_context("fork")
    for n in SIZES[1:] if "--quick" in sys.argv[1:] else SIZES:
        child = ctx.Process(target=run_size, args=(n,))
        child.start()
        child.join()
        if child.exitcode != 0:
            sys.exit(f"the {n:,}-parcel run failed (exit code {child.exitcode})")
    child = ctx.Process(target=encoders)
    child.start()
    child.join()
    if child.exitcode != 0:
        sys.exit(f"the encoder comparison failed (exit code {child.exitcode})")


if __name__ == "__main__":
    main()
