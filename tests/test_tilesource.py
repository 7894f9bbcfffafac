"""Local tile packages: MBTiles (TMS rows) and z/x/y folders, strict tile keys, no escape from the root, mosaics."""

import io
import math
import sqlite3

import numpy as np
import pytest
from PIL import Image

from gis.errors import TileError
from tiles.sources import MAX_ZOOM, TileSource, check_tile_key, media_type, mosaic, parse_tile_key

#: Putuo, lon/lat.
LON, LAT = 121.395, 31.255


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def colour(z: int, x: int, y: int) -> tuple[int, int, int]:
    """A colour that encodes the tile it is drawn on."""
    return (x * 37) % 256, (y * 53) % 256, z * 16


def tile_bytes(z: int, x: int, y: int, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (256, 256), colour(z, x, y)).save(buf, format=fmt)
    return buf.getvalue()


def tiles_around(z: int, radius: int = 2):
    cx, cy = tile_of(LON, LAT, z)
    return [(z, x, y) for x in range(cx - radius, cx + radius + 1) for y in range(cy - radius, cy + radius + 1)]


def make_mbtiles(path, zooms=(11, 12, 13), *, fmt="png", meta_extra=None):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    conn.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
    meta = {
        "name": "测试底图",
        "format": fmt,
        "bounds": "121.30,31.19,121.48,31.33",
        "minzoom": str(min(zooms)),
        "maxzoom": str(max(zooms)),
        "attribution": '<a href="https://example.org">© 测绘院</a>',
    }
    meta.update(meta_extra or {})
    conn.executemany("INSERT INTO metadata VALUES (?, ?)", list(meta.items()))
    for z in zooms:
        for _, x, y in tiles_around(z):
            conn.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, 2**z - 1 - y, tile_bytes(z, x, y)))
    conn.commit()
    conn.close()
    return path


@pytest.fixture
def mbtiles(tmp_path):
    return make_mbtiles(tmp_path / "putuo.mbtiles")


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "tiles"
    for z, x, y in tiles_around(12):
        (root / str(z) / str(x)).mkdir(parents=True, exist_ok=True)
        (root / str(z) / str(x) / f"{y}.jpg").write_bytes(tile_bytes(z, x, y, "JPEG"))
    (root / "metadata.json").write_text('{"attribution": "© Bureau tiles", "name": "bureau"}', encoding="utf-8")
    return root


def decoded(data: bytes) -> tuple[int, int, int]:
    return Image.open(io.BytesIO(data)).convert("RGB").getpixel((128, 128))


def test_mbtiles_metadata_and_tiles_with_tms_rows(mbtiles):
    with TileSource.open(mbtiles) as src:
        m = src.metadata
        assert (m.format, m.min_zoom, m.max_zoom, m.name) == ("png", 11, 13, "测试底图")
        assert m.bounds == (121.30, 31.19, 121.48, 31.33) and m.attribution == "© 测绘院"  # HTML removed
        x, y = tile_of(LON, LAT, 12)
        data = src.tile(12, x, y)
        assert media_type(data) == "image/png" and decoded(data) == colour(12, x, y)  # XYZ y, not the TMS row
        assert src.tile(12, x + 10, y) is None and src.tile(5, 0, 0) is None


def test_folder_of_jpeg_tiles(folder):
    src = TileSource.open(folder)
    assert (src.metadata.format, src.metadata.min_zoom, src.metadata.max_zoom) == ("jpg", 12, 12)
    assert src.metadata.attribution == "© Bureau tiles"
    w, s, e, n = src.metadata.bounds
    assert w < LON < e and s < LAT < n  # bounds from the tiles when metadata.json has none
    x, y = tile_of(LON, LAT, 12)
    data = src.tile(12, x, y)
    assert media_type(data) == "image/jpeg"
    assert np.allclose(decoded(data), colour(12, x, y), atol=3)


def test_a_link_leaving_the_folder_is_refused(folder, tmp_path):
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(tile_bytes(0, 0, 0, "JPEG"))
    x, y = tile_of(LON, LAT, 12)
    (folder / "12" / str(x) / f"{y + 9}.jpg").symlink_to(outside)
    (folder / "12" / str(x + 9)).symlink_to(tmp_path)  # a whole column pointing out of the package
    src = TileSource.open(folder)
    assert src.tile(12, x, y + 9) is None and src.tile(12, x + 9, 0) is None
    assert src.tile(12, x, y) is not None


@pytest.mark.parametrize("key", [("12", "3411", "1711"), ("0", "0", "0.png"), ("12", "0", "4095.jpg")])
def test_parse_tile_key_accepts_plain_digits(key):
    z, x, y = parse_tile_key(*key)
    assert all(type(v) is int for v in (z, x, y)) and z in (0, 12)


@pytest.mark.parametrize(
    "key",
    [
        ("-1", "0", "0"),
        ("+1", "0", "0"),
        (" 1", "0", "0"),
        ("1e3", "0", "0"),
        ("../12", "0", "0"),
        ("12", "..", "0"),
        ("１２", "0", "0"),
        ("١", "0", "0"),
        ("0x1", "0", "0"),
        ("1.5", "0", "0"),
        ("", "0", "0"),
        ("12", "4096", "0"),
        ("25", "0", "0"),
        ("12", "0", "0.gif"),
        ("12", "0", "0/../../x"),
        (None, "0", "0"),
        ("1" * 40, "0", "0"),
    ],
)
def test_parse_tile_key_refuses_everything_else(key):
    with pytest.raises(TileError) as err:
        parse_tile_key(*key)
    assert err.value.code == "tile_bad_key" and str(MAX_ZOOM) in str(err.value)


@pytest.mark.parametrize("key", [(True, 0, 0), (12.0, 0, 0), ("12", 0, 0), (12, -1, 0), (12, 0, 4096), (-1, 0, 0)])
def test_check_tile_key_wants_ints_in_range(key, mbtiles):
    with pytest.raises(TileError):
        check_tile_key(*key)
    with TileSource.open(mbtiles) as src, pytest.raises(TileError):
        src.tile(*key)


def test_packages_that_cannot_be_used_are_refused_with_a_clear_message(tmp_path):
    with pytest.raises(TileError, match="not found"):
        TileSource.open(tmp_path / "missing.mbtiles")
    junk = tmp_path / "junk.mbtiles"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(TileError) as err:
        TileSource.open(junk)
    assert err.value.code == "tile_package_unreadable" and "junk.mbtiles" in str(err.value)
    vector = make_mbtiles(tmp_path / "vector.mbtiles", zooms=(12,), fmt="pbf")
    with pytest.raises(TileError, match="PNG or JPEG"):
        TileSource.open(vector)
    (tmp_path / "empty").mkdir()
    with pytest.raises(TileError):
        TileSource.open(tmp_path / "empty")


def test_mosaic_reprojects_tiles_to_the_map_grid(mbtiles):
    import pyproj

    to_m = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True)
    cx, cy = to_m.transform(LON, LAT)
    extent = (cx - 3000, cy - 2000, cx + 3000, cy + 2000)
    with TileSource.open(mbtiles) as src:
        m = mosaic(src, extent_m=extent, width_px=600, height_px=400, zoom=12)
    assert m.rgba.shape == (400, 600, 4) and m.zoom == 12 and m.attribution == "© 测绘院"
    centre = tuple(int(v) for v in m.rgba[200, 300, :3])
    assert centre == colour(12, *tile_of(LON, LAT, 12)) and m.rgba[200, 300, 3] == 255
    # a point 2.5 km west lies in the tile it should
    lon, lat = pyproj.Transformer.from_crs("EPSG:4549", "EPSG:4326", always_xy=True).transform(cx - 2500, cy)
    assert tuple(int(v) for v in m.rgba[200, 50, :3]) == colour(12, *tile_of(lon, lat, 12))


def test_mosaic_zoom_and_limits(mbtiles):
    extent = (620_000.0, 3_450_000.0, 645_000.0, 3_470_000.0)
    with TileSource.open(mbtiles) as src:
        auto = mosaic(src, extent_m=extent, width_px=2000, height_px=1600)
        assert auto.zoom == 13  # the finest the package has for this size
        assert auto.rgba[..., 3].min() == 0  # outside the package: transparent
        with pytest.raises(TileError) as err:
            mosaic(src, extent_m=extent, width_px=2000, height_px=1600, zoom=13, max_tiles=4)
        assert err.value.code == "tile_too_many"
        assert mosaic(src, extent_m=(0.0, 0.0, 1000.0, 1000.0), width_px=10, height_px=10) is None  # no tiles there
