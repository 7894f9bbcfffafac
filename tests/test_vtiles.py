"""Vector tiles (tiles/vector.py): tile bounds and precision, empty tiles, request validation, cache, clicks, values."""

from __future__ import annotations

import builtins

import geopandas as gpd
import mapbox_vector_tile
import numpy as np
import pyproj
import pytest
import shapely

from gis.errors import CRSError, DataValidationError, TileRequestError
from tiles.cache import BoundedCache
from tiles.vector import (
    BUFFER,
    CELLS,
    DOTS,
    EMPTY_TILE,
    EXTENT,
    POLYGONS,
    VectorTiles,
    class_codes,
    metres_per_px,
    parse_tile_path,
    tile_bounds_m,
    tile_of,
)

TO_MERC = pyproj.Transformer.from_crs(4326, 3857, always_xy=True)
TO_LONLAT = pyproj.Transformer.from_crs(3857, 4326, always_xy=True)
Z = 16
TX, TY = tile_of(121.39, 31.25, Z)  # a street-zoom tile in Putuo


def lonlat(geom: shapely.Geometry) -> shapely.Geometry:
    """A Web Mercator (EPSG:3857) geometry in lon/lat, by pyproj (independent of the module's formulas)."""
    return shapely.transform(geom, lambda c: np.column_stack(TO_LONLAT.transform(c[:, 0], c[:, 1])))


def in_tile(fx0: float, fy0: float, fx1: float, fy1: float, z: int = Z, x: int = TX, y: int = TY) -> shapely.Polygon:
    """A rectangle given as fractions of tile z/x/y (0-1, y down), in Web Mercator metres."""
    minx, miny, maxx, maxy = tile_bounds_m(z, x, y)
    w = maxx - minx
    return shapely.box(minx + fx0 * w, maxy - fy1 * w, minx + fx1 * w, maxy - fy0 * w)


def layer(merc_geoms: list, ids: list[str] | None = None) -> gpd.GeoDataFrame:
    ids = ids or [f"F{i}" for i in range(len(merc_geoms))]
    return gpd.GeoDataFrame({"id": ids}, geometry=[lonlat(g) for g in merc_geoms], crs="EPSG:4326")


def decode(data: bytes) -> dict:
    return mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})


def tile_units(merc: shapely.Geometry, z: int = Z, x: int = TX, y: int = TY) -> shapely.Geometry:
    minx, _, maxx, maxy = tile_bounds_m(z, x, y)
    s = EXTENT / (maxx - minx)
    return shapely.transform(merc, lambda c: np.column_stack([(c[:, 0] - minx) * s, (maxy - c[:, 1]) * s]))


def decoded_polygons(data: bytes) -> dict[int, shapely.Geometry]:
    out = {}
    for f in decode(data).get(POLYGONS, {}).get("features", []):
        out[f["id"]] = shapely.geometry.shape(f["geometry"])
    return out


# --- request validation --------------------------------------------------------------------------------------
def test_parse_tile_path_accepts_canonical_integers():
    assert parse_tile_path("0", "0", "0") == (0, 0, 0)
    assert parse_tile_path("15", "27411", "13378") == (15, 27411, 13378)
    assert parse_tile_path("22", "4194303", "0") == (22, 4194303, 0)


@pytest.mark.parametrize(
    "z, x, y",
    [
        ("", "0", "0"),
        ("-1", "0", "0"),
        ("+1", "0", "0"),
        (" 1", "0", "0"),
        ("1 ", "0", "0"),
        ("1\n", "0", "0"),
        ("\t1", "0", "0"),
        ("01", "0", "0"),
        ("1.0", "0", "0"),
        ("1e3", "0", "0"),
        ("0x1", "0", "0"),
        ("١", "0", "0"),
        ("２", "0", "0"),
        ("²", "0", "0"),
        ("1_0", "0", "0"),
        ("23", "0", "0"),
        ("99", "0", "0"),
        ("1", "2", "0"),
        ("1", "0", "2"),
        ("0", "1", "0"),
        ("22", "4194304", "0"),
        ("3", "-0", "0"),
        ("99999999999999999999999999", "0", "0"),
        ("1", "9" * 5000, "0"),
        ("NaN", "0", "0"),
        ("inf", "0", "0"),
        ("..", "0", "0"),
        ("1", "..", "0"),
        ("1", "0", "../../etc/passwd"),
        ("1", "0", "%2e%2e"),
        ("1", "0", "0.mvt"),
        ("1", "0/0", "0"),
        ("1", "0\\0", "0"),
        ("1", "0\x00", "0"),
        (None, "0", "0"),
        (1, "0", "0"),
        (b"1", "0", "0"),
    ],
)
def test_parse_tile_path_refuses(z, x, y):
    with pytest.raises(TileRequestError) as err:
        parse_tile_path(z, x, y)
    for lang in ("zh", "en"):
        text = err.value.text(lang)
        assert text and "Traceback" not in text and "{" not in text
        assert "9" * 100 not in text  # a long value is described, never echoed


def test_tile_refuses_bad_integers():
    vt = VectorTiles(layer([in_tile(0.4, 0.4, 0.6, 0.6)]))
    for bad in ((23, 0, 0), (-1, 0, 0), (1, 2, 0), (1, 0, -1), (True, 0, 0), (1.0, 0, 0), (2, 0, 4)):
        with pytest.raises(TileRequestError):
            vt.tile(*bad)


def test_tiles_never_touch_the_file_system(monkeypatch):
    vt = VectorTiles(layer([in_tile(0.4, 0.4, 0.6, 0.6)]))

    def no_files(*args, **kwargs):
        raise AssertionError(f"a file was opened: {args!r}")

    monkeypatch.setattr(builtins, "open", no_files)
    assert vt.tile(Z, TX, TY)
    assert vt.tile(Z, TX + 5, TY) == EMPTY_TILE
    with pytest.raises(TileRequestError):
        vt.tile(*parse_tile_path("16", "..", "0"))


# --- tiles ------------------------------------------------------------------------------------------------------
def test_feature_lands_in_its_tile_within_half_a_pixel():
    merc = shapely.Polygon(tile_units_inverse([(1000.3, 1000.2), (3000.7, 1200.1), (2500.4, 3100.9), (900.6, 2800.5)]))
    vt = VectorTiles(layer([merc], ["A"]))
    polys = decoded_polygons(vt.tile(Z, TX, TY))
    assert list(polys) == [0]
    feat = decode(vt.tile(Z, TX, TY))[POLYGONS]["features"][0]
    assert feat["properties"] == {"id": "A"}
    assert decode(vt.tile(Z, TX, TY))[POLYGONS]["extent"] == EXTENT
    exact = tile_units(merc)
    assert shapely.hausdorff_distance(polys[0], exact) <= 0.55 * EXTENT / 256  # <= 0.55 px
    assert abs(polys[0].area - exact.area) / exact.area < 0.01
    # its neighbours and parents: empty neighbours, present in the parent tile
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        assert vt.tile(Z, TX + dx, TY + dy) == EMPTY_TILE
    assert decoded_polygons(vt.tile(Z - 1, TX // 2, TY // 2))


def tile_units_inverse(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Tile-unit points (y down) of tile Z/TX/TY as Web Mercator metres."""
    minx, _, maxx, maxy = tile_bounds_m(Z, TX, TY)
    s = (maxx - minx) / EXTENT
    return [(minx + px * s, maxy - py * s) for px, py in points]


def test_curved_outline_is_simplified_within_half_a_pixel():
    minx, _, maxx, maxy = tile_bounds_m(Z, TX, TY)
    w = maxx - minx
    t = np.linspace(0, 2 * np.pi, 721)[:-1]
    r = 0.3 * w * (1 + 0.002 * np.sin(40 * t))  # a circle of 77 px radius with 0.15 px wiggles
    circle = shapely.Polygon(np.column_stack([minx + 0.5 * w + r * np.cos(t), maxy - 0.5 * w + r * np.sin(t)]))
    vt = VectorTiles(layer([circle]))
    got = decoded_polygons(vt.tile(Z, TX, TY))[0]
    assert shapely.hausdorff_distance(got, tile_units(circle), densify=0.05) <= 0.55 * EXTENT / 256
    assert 40 < len(got.exterior.coords) < 400  # simplified (720 vertices in), yet still round


def test_feature_across_a_tile_edge_is_clipped_into_both_tiles():
    minx, _, maxx, maxy = tile_bounds_m(Z, TX, TY)
    w = maxx - minx
    merc = shapely.box(maxx - 0.3 * w, maxy - 0.6 * w, maxx + 0.2 * w, maxy - 0.4 * w)  # crosses the east edge
    vt = VectorTiles(layer([merc]))
    left = decoded_polygons(vt.tile(Z, TX, TY))[0]
    right = decoded_polygons(vt.tile(Z, TX + 1, TY))[0]
    for part in (left, right):
        x0, y0, x1, y1 = part.bounds
        assert x0 >= -BUFFER and x1 <= EXTENT + BUFFER and y0 >= -BUFFER and y1 <= EXTENT + BUFFER
    assert left.bounds[2] == EXTENT + BUFFER and right.bounds[0] == -BUFFER
    assert left.bounds[0] == pytest.approx(0.7 * EXTENT, abs=1)
    assert right.bounds[2] == pytest.approx(0.2 * EXTENT, abs=1)


def test_polygon_with_hole_and_multipolygon_round_trip():
    outer = in_tile(0.1, 0.1, 0.5, 0.5)
    hole = in_tile(0.2, 0.2, 0.3, 0.3)
    donut = shapely.Polygon(outer.exterior.coords, [hole.exterior.coords])
    multi = shapely.MultiPolygon([in_tile(0.6, 0.6, 0.7, 0.7), in_tile(0.8, 0.8, 0.9, 0.9)])
    vt = VectorTiles(layer([donut, multi]))
    polys = decoded_polygons(vt.tile(Z, TX, TY))
    assert polys[0].geom_type == "Polygon" and len(polys[0].interiors) == 1
    assert polys[1].geom_type == "MultiPolygon" and len(polys[1].geoms) == 2
    for i, merc in enumerate((donut, multi)):
        assert shapely.hausdorff_distance(polys[i], tile_units(merc)) <= 0.55 * EXTENT / 256
        assert polys[i].is_valid


def test_empty_tile_is_a_constant_and_not_cached():
    vt = VectorTiles(layer([in_tile(0.4, 0.4, 0.6, 0.6)]))
    assert vt.tile(Z, TX + 3, TY + 3) is EMPTY_TILE
    assert vt.tile(0, 0, 0) != EMPTY_TILE  # the world tile holds it
    far = tile_of(-70.0, -30.0, 12)
    assert vt.tile(12, *far) is EMPTY_TILE
    assert vt.values(12, *far, np.ones(1, np.uint8)) == b""
    assert len(vt.cache) == 1


def test_tiny_features_become_dots_never_dropped():
    minx, _, maxx, maxy = tile_bounds_m(Z, TX, TY)
    px = (maxx - minx) / 256
    tiny = [
        shapely.box(minx + k * 20 * px, maxy - 100 * px, minx + k * 20 * px + 0.3 * px, maxy - 99.7 * px)
        for k in range(1, 6)
    ]
    vt = VectorTiles(layer([in_tile(0.5, 0.5, 0.8, 0.8), *tiny]))
    d = decode(vt.tile(Z, TX, TY))
    assert [f["id"] for f in d[POLYGONS]["features"]] == [0]
    assert [f["id"] for f in d[DOTS]["features"]] == [1, 2, 3, 4, 5]
    assert all(f["geometry"]["type"] == "Point" for f in d[DOTS]["features"])
    # at a zoom where they are > 1 px they are polygons
    x2, y2 = tile_of(*TO_LONLAT.transform(*tiny[0].centroid.coords[0]), Z + 3)
    assert 1 in [f["id"] for f in decode(vt.tile(Z + 3, x2, y2))[POLYGONS]["features"]]
    assert vt.polygon_zoom(1) in (Z + 2, Z + 3)


def dense_layer(n: int = 400) -> tuple[gpd.GeoDataFrame, list]:
    """n small squares (0.5 px at Z-3) on a grid inside tile Z/TX/TY plus one large square."""
    rng = np.random.default_rng(3)
    minx, _, maxx, maxy = tile_bounds_m(Z, TX, TY)
    w = maxx - minx
    xs = minx + rng.uniform(0.05, 0.95, n) * w
    ys = maxy - rng.uniform(0.05, 0.95, n) * w
    merc = [shapely.box(x, y, x + 0.01 * w, y + 0.01 * w) for x, y in zip(xs, ys)]
    merc.append(in_tile(0.2, 0.2, 0.9, 0.9))  # 0.7 tile = 22 px at Z-3: stays a polygon
    return layer(merc), merc


def test_dense_tile_counts_every_feature_once_in_cells_and_values_follow_the_tile():
    gdf, merc = dense_layer()
    vt = VectorTiles(gdf, max_features_per_tile=50)
    z = Z - 3
    x, y = TX >> 3, TY >> 3
    d = decode(vt.tile(z, x, y))
    assert [f["id"] for f in d[POLYGONS]["features"]] == [len(merc) - 1]
    cells = d[CELLS]["features"]
    assert sum(f["properties"]["n"] for f in cells) == len(merc) - 1  # every small feature counted once
    assert DOTS not in d
    # independent cell membership from the feature centres
    minx, _, maxx, maxy = tile_bounds_m(z, x, y)
    s = EXTENT / (maxx - minx)
    cell_of = {}
    for i, g in enumerate(merc[:-1]):
        bx0, by0, bx1, by1 = g.bounds
        col, row = int(((bx0 + bx1) / 2 - minx) * s // 64), int((maxy - (by0 + by1) / 2) * s // 64)
        cell_of.setdefault(row * 64 + col, []).append(i)
    assert {f["id"]: f["properties"]["n"] for f in cells} == {k: len(v) for k, v in cell_of.items()}
    for f in cells:
        cx, cy = f["geometry"]["coordinates"]
        assert (int(cy // 64) * 64 + int(cx // 64)) == f["id"]
    classes = np.random.default_rng(5).integers(0, 256, len(merc)).astype(np.uint8)
    vals = np.frombuffer(vt.values(z, x, y, classes), np.uint8)
    assert len(vals) == 1 + len(cells)
    assert len(vals) == 1 + len(cells)
    assert vals[0] == classes[len(merc) - 1]
    assert list(vals[1:]) == [max(classes[cell_of[f["id"]]]) for f in cells]


def test_dense_tiles_count_features_on_their_shared_edge_once():
    minx, _, maxx, maxy = tile_bounds_m(Z, TX, TY)
    w = maxx - minx
    rng = np.random.default_rng(8)
    merc = []  # 200 tiny squares centred within 0.4 m of the edge between tiles TX and TX + 1
    for cy, off in zip(rng.uniform(maxy - 0.9 * w, maxy - 0.1 * w, 200), rng.uniform(-0.4, 0.4, 200)):
        merc.append(shapely.box(maxx + off - 0.05, cy - 0.05, maxx + off + 0.05, cy + 0.05))
    vt = VectorTiles(layer(merc), max_features_per_tile=20)
    counted = 0
    for x in (TX, TX + 1):
        d = decode(vt.tile(Z, x, TY))
        assert POLYGONS not in d and DOTS not in d
        counted += sum(f["properties"]["n"] for f in d[CELLS]["features"])
    assert counted == len(merc)


def test_values_follow_polygons_then_dots():
    minx, _, maxx, maxy = tile_bounds_m(Z, TX, TY)
    px = (maxx - minx) / 256
    merc = [in_tile(0.1 * k, 0.1, 0.1 * k + 0.05, 0.2) for k in range(1, 8)]
    merc.insert(3, shapely.box(minx + 50 * px, maxy - 200 * px, minx + 50.2 * px, maxy - 199.8 * px))  # a dot
    vt = VectorTiles(layer(merc))
    d = decode(vt.tile(Z, TX, TY))
    order = [f["id"] for f in d[POLYGONS]["features"]] + [f["id"] for f in d[DOTS]["features"]]
    assert sorted(order) == list(range(len(merc))) and order[-1] == 3
    classes = (np.arange(len(merc)) * 17 % 256).astype(np.uint8)
    assert list(np.frombuffer(vt.values(Z, TX, TY, classes), np.uint8)) == [classes[i] for i in order]
    with pytest.raises(DataValidationError):
        vt.values(Z, TX, TY, classes[:-1])
    with pytest.raises(DataValidationError):
        vt.values(Z, TX, TY, np.full(len(merc), 300))


def test_every_feature_once_per_tile_on_a_random_layer():
    rng = np.random.default_rng(11)
    minx, miny, maxx, maxy = tile_bounds_m(Z - 2, TX >> 2, TY >> 2)
    w = maxx - minx
    merc = []
    for _ in range(600):
        x, y, s = minx + rng.uniform(0, w), miny + rng.uniform(0, w), rng.uniform(0.0005, 0.05) * w
        merc.append(shapely.box(x, y, x + s, y + s))
    vt = VectorTiles(layer(merc), max_features_per_tile=120)
    centres = np.array([((g.bounds[0] + g.bounds[2]) / 2, (g.bounds[1] + g.bounds[3]) / 2) for g in merc])
    for z in range(Z - 4, Z + 1):
        for x in range((TX >> (Z - z)) - 1, (TX >> (Z - z)) + 6):
            for y in range((TY >> (Z - z)) - 1, (TY >> (Z - z)) + 6):
                b = tile_bounds_m(z, x, y)
                own = {i for i, (cx, cy) in enumerate(centres) if b[0] <= cx < b[2] and b[1] < cy <= b[3]}
                d = decode(vt.tile(z, x, y))
                poly = {f["id"] for f in d.get(POLYGONS, {}).get("features", [])}
                dots = {f["id"] for f in d.get(DOTS, {}).get("features", [])}
                n_cells = sum(f["properties"]["n"] for f in d.get(CELLS, {}).get("features", []))
                assert not poly & dots
                assert len(own - poly - dots) == n_cells, (z, x, y)


def test_gcj02_tiles_and_clicks_follow_the_amap_basemap():
    from gis.crs import shift_points

    merc = in_tile(0.3, 0.3, 0.6, 0.5)
    vt = VectorTiles(layer([merc], ["A"]))
    ll = lonlat(merc)
    x, y = np.asarray(ll.exterior.coords).T
    gx, gy = shift_points(x, y, source="wgs84", target="gcj02")  # ~500 m in Putuo: other tiles at zoom 16
    shifted = shapely.Polygon(np.column_stack(TO_MERC.transform(gx, gy)))
    sx, sy = tile_of(*TO_LONLAT.transform(*shifted.centroid.coords[0]), Z)
    assert (sx, sy) != (TX, TY)
    got = decoded_polygons(vt.tile(Z, sx, sy, datum="gcj02"))[0]
    assert shapely.hausdorff_distance(got, tile_units(shifted, Z, sx, sy)) <= 0.55 * EXTENT / 256
    assert vt.tile(Z, sx, sy) == EMPTY_TILE  # nothing there in WGS84
    c = shapely.centroid(shapely.Polygon(np.column_stack([gx, gy])))
    assert vt.feature_at(c.x, c.y, zoom=17, datum="gcj02") == "A"
    assert vt.feature_at(c.x, c.y, zoom=17) is None
    assert list(np.frombuffer(vt.values(Z, sx, sy, np.array([7], np.uint8), datum="gcj02"), np.uint8)) == [7]
    for bad in ("GCJ02", "", "../wgs84"):
        with pytest.raises(TileRequestError):
            vt.tile(Z, sx, sy, datum=bad)


# --- cache ------------------------------------------------------------------------------------------------------
def test_cache_is_bounded_by_bytes_and_least_recently_used_goes_first():
    gdf, _ = dense_layer(300)
    probe = VectorTiles(gdf, cache=BoundedCache(2**30))
    one = probe.tile(Z, TX, TY)
    size = probe.cache.size_bytes  # the tile states its size (nbytes): its MVT bytes + feature order + overhead
    assert len(one) < size < len(one) + 300 * 8 * 2 + 1000
    budget = size * 10  # a tile fits (at most a quarter of the budget per entry)
    cache = BoundedCache(budget)
    vt = VectorTiles(gdf, cache=cache, version="v1")
    for x in range(TX - 1, TX + 2):  # features only in TX: neighbours hold the buffer parts (small)
        vt.tile(Z, x, TY)
        assert cache.size_bytes <= budget
    centre = TO_LONLAT.transform(*gdf.to_crs(3857).geometry.iloc[0].centroid.coords[0])
    for z in range(Z - 6, Z + 3):
        vt.tile(z, *tile_of(*centre, z))
        assert cache.size_bytes <= budget and len(cache) >= 1
    assert cache.misses >= 3 + 9 - 1  # (the tile of zoom Z was asked for twice)
    assert len(cache) < cache.misses  # the least recently used went
    hits = cache.hits
    vt.tile(Z + 2, *tile_of(*centre, Z + 2))
    assert cache.hits == hits + 1  # the most recent stays


def test_a_tile_over_a_quarter_of_the_budget_is_built_but_not_kept():
    gdf, _ = dense_layer(300)
    probe = VectorTiles(gdf, cache=BoundedCache(2**30))
    one = probe.tile(Z, TX, TY)
    small = BoundedCache(probe.cache.size_bytes * 3)  # a quarter of it is 3/4 of the tile
    vt = VectorTiles(gdf, cache=small)
    assert vt.tile(Z, TX, TY) == one and vt.tile(Z, TX, TY) == one
    assert len(small) == 0 and small.size_bytes == 0 and (small.hits, small.misses) == (0, 2)
    off = BoundedCache(0)  # a zero budget keeps nothing (the benchmarks build every tile)
    assert VectorTiles(gdf, cache=off).tile(Z, TX, TY) == one and len(off) == 0


def test_a_shared_cache_keeps_layers_apart_by_version():
    shared = BoundedCache(2**20)
    a = VectorTiles(layer([in_tile(0.1, 0.1, 0.2, 0.2)]), cache=shared, version="a")
    b = VectorTiles(layer([in_tile(0.6, 0.6, 0.9, 0.9)]), cache=shared, version="b")
    assert a.tile(Z, TX, TY) != b.tile(Z, TX, TY)
    assert len(shared) == 2


# --- clicks -----------------------------------------------------------------------------------------------------
def test_feature_at_picks_the_smallest_containing_then_the_nearest_within_tolerance():
    big = in_tile(0.1, 0.1, 0.9, 0.9)
    small = in_tile(0.4, 0.4, 0.5, 0.5)
    right = in_tile(0.92, 0.1, 0.98, 0.9)
    vt = VectorTiles(layer([big, small, right], ["BIG", "SMALL", "RIGHT"]))

    def at(merc_xy, zoom=17.0, tol=3.0):
        lon, lat = TO_LONLAT.transform(*merc_xy)
        return vt.feature_at(lon, lat, zoom=zoom, tolerance_px=tol)

    assert at(small.centroid.coords[0]) == "SMALL"
    assert at(in_tile(0.2, 0.2, 0.3, 0.3).centroid.coords[0]) == "BIG"
    # in the gap between BIG (ends at 0.9) and RIGHT (starts at 0.92): 0.02 tile = 5 px at Z=16, 10 px at 17
    minx, _, maxx, maxy = tile_bounds_m(Z, TX, TY)
    w = maxx - minx
    near_right = (minx + 0.918 * w, maxy - 0.5 * w)  # 0.002 tile from RIGHT = 1 px at 17
    assert at(near_right) == "RIGHT"
    assert at((minx + 0.91 * w, maxy - 0.5 * w)) is None  # 5 px from each at zoom 17
    assert at((minx + 0.91 * w, maxy - 0.5 * w), zoom=14) in ("BIG", "RIGHT")  # 0.6 px at zoom 14
    assert at((minx + 0.5 * w, maxy - 0.95 * w), zoom=18) is None
    for bad in ((float("nan"), 31.2), (121.4, 95.0), (float("inf"), 0.0)):
        with pytest.raises(TileRequestError):
            vt.feature_at(*bad, zoom=17)
    with pytest.raises(TileRequestError):
        vt.feature_at(121.4, 31.2, zoom=23)


def test_click_at_centroid_at_zoom_17_returns_that_parcel():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from benchutil import city_parcels

    gdf = city_parcels(5_000, seed=7)
    vt = VectorTiles(gdf)
    rng = np.random.default_rng(1)
    for k, i in enumerate(rng.choice(len(gdf), 200, replace=False)):
        p = gdf.geometry.iloc[i].representative_point()
        assert vt.feature_at(p.x, p.y, zoom=17) == gdf["id"].iloc[i]
        assert vt.index_of(gdf["id"].iloc[i]) == i
        if k >= 20:
            continue
        z = vt.polygon_zoom(i)
        x, y = tile_of(p.x, p.y, z)
        assert i in [f["id"] for f in decode(vt.tile(z, x, y))[POLYGONS]["features"]]
    assert vt.index_of("nope") is None


# --- layer checks and helpers -----------------------------------------------------------------------------------
def test_layer_checks():
    gdf = layer([in_tile(0.1, 0.1, 0.2, 0.2)])
    with pytest.raises(CRSError):
        VectorTiles(gdf.to_crs(3857))
    with pytest.raises(CRSError):
        VectorTiles(gdf.set_crs(None, allow_override=True))
    with pytest.raises(DataValidationError):
        VectorTiles(gdf, id_field="code")
    pts = gpd.GeoDataFrame({"id": ["p"]}, geometry=[shapely.Point(121.4, 31.2)], crs=4326)
    with pytest.raises(DataValidationError) as err:
        VectorTiles(pts)
    assert "Point" in err.value.text("en")
    with_missing = gpd.GeoDataFrame(
        {"id": ["a", "b", "c"]}, geometry=[None, gdf.geometry.iloc[0], shapely.Polygon()], crs=4326
    )
    vt = VectorTiles(with_missing)
    assert vt.missing == 2
    assert [f["id"] for f in decode(vt.tile(Z, TX, TY))[POLYGONS]["features"]] == [1]
    assert vt.polygon_zoom(0) is None


def test_class_codes():
    codes = class_codes(["c1", "fail", None, "c5", "other"], ["fail", "c1", "c2", "c3", "c4", "c5"])
    assert codes.dtype == np.uint8
    assert list(codes) == [2, 1, 0, 6, 0]


def test_metres_per_px():
    assert metres_per_px(0) == pytest.approx(156543.03, rel=1e-6)
    assert metres_per_px(17) == pytest.approx(156543.03 / 2**17, rel=1e-6)
