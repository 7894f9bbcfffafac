"""Raster criteria and the suitability surface: zonal means against brute force, nodata, GeoTIFF output."""

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from rasterio.io import MemoryFile
from rasterio.transform import from_origin

from gis.raster import (
    RasterError,
    colour,
    geotiff_bytes,
    normalise_raster_values,
    suitability_surface,
    surface_geotiff,
    surface_overlay,
    zonal_mean,
)
from gis.scoring import Context
from tests.conftest import PUTUO_X as X0
from tests.conftest import PUTUO_Y as Y0


def squares(*specs, crs="EPSG:4549"):
    return gpd.GeoDataFrame(
        geometry=[shapely.box(X0 + x, Y0 + y, X0 + x + s, Y0 + y + s) for x, y, s in specs],
        index=[7, 8, 9][: len(specs)],
        crs=crs,
    )


def test_zonal_mean_aligned_grid_with_nodata():
    # 10 m pixels starting at (X0, Y0 + 1000); value = column index. A 100 m square at x 100..200 covers
    # columns 10..19 -> mean 14.5. Nodata in column 10 -> mean of 11..19 = 15.
    arr = np.tile(np.arange(100, dtype=float), (100, 1))
    tf = from_origin(X0, Y0 + 1000, 10, 10)
    gdf = squares((100, 500, 100))
    assert zonal_mean(gdf, geotiff_bytes(arr, transform=tf, crs="EPSG:4549")).iloc[0] == pytest.approx(14.5)
    arr[:, 10] = -9999
    z = zonal_mean(gdf, geotiff_bytes(arr, transform=tf, crs="EPSG:4549", nodata=-9999))
    assert z.iloc[0] == pytest.approx(15.0)
    assert list(z.index) == [7]


def test_zonal_mean_in_a_reprojected_raster_matches_brute_force():
    # Raster in lon/lat (EPSG:4326), 0.0002 deg pixels, value = 3*row + col; parcels given in EPSG:4549.
    lon0, lat0, px = 121.380, 31.262, 0.0002
    rows, cols = np.mgrid[0:100, 0:120]
    arr = (3 * rows + cols).astype(float)
    tif = geotiff_bytes(arr, transform=from_origin(lon0, lat0, px, px), crs="EPSG:4326")
    gdf = squares((0, 0, 300), (250, -400, 700))  # they overlap: shared pixels count for both
    z = zonal_mean(gdf, tif)
    # brute force: pixel centres that fall inside each parcel (reprojected to lon/lat)
    xs = lon0 + (cols + 0.5) * px
    ys = lat0 - (rows + 0.5) * px
    for geom, got in zip(gdf.to_crs("EPSG:4326").geometry, z):
        inside = shapely.contains_xy(geom, xs, ys)
        assert inside.sum() > 20
        assert got == pytest.approx(arr[inside].mean(), rel=1e-9)


def test_parcel_smaller_than_a_pixel_and_outside_raster():
    arr = np.arange(16, dtype=float).reshape(4, 4)
    tif = geotiff_bytes(arr, transform=from_origin(X0, Y0 + 400, 100, 100), crs="EPSG:4549")
    gdf = squares((120, 320, 10), (5000, 5000, 50))  # tiny parcel inside pixel (row 0, col 1); one far away
    z = zonal_mean(gdf, tif)
    assert z.iloc[0] == 1.0 and np.isnan(z.iloc[1])


def test_raster_errors():
    arr = np.ones((5, 5))
    with MemoryFile() as mem:
        with mem.open(driver="GTiff", width=5, height=5, count=1, dtype="float32") as dst:
            dst.write(arr.astype("float32"), 1)
        no_crs = mem.read()
    with pytest.raises(RasterError, match="no CRS"):
        zonal_mean(squares((0, 0, 10)), no_crs)
    with pytest.raises(RasterError, match="Cannot read"):
        zonal_mean(squares((0, 0, 10)), b"not a tiff at all")
    tif = geotiff_bytes(arr, transform=from_origin(X0, Y0, 1, 1), crs="EPSG:4549")
    with pytest.raises(RasterError, match="band 2"):
        zonal_mean(squares((0, 0, 10)), tif, band=2)


def test_normalise_raster_direction():
    import pandas as pd

    v = pd.Series([10.0, 20.0, np.nan, 30.0])
    assert normalise_raster_values(v, higher_is_better=True).tolist() == [0.0, 0.5, 0.0, 1.0]
    assert normalise_raster_values(v, higher_is_better=False).tolist() == [1.0, 0.5, 0.0, 0.0]
    flat = pd.Series([7.0, 7.0, np.nan])
    for direction in (True, False):
        assert normalise_raster_values(flat, higher_is_better=direction).tolist() == [1.0, 1.0, 0.0]


def test_surface_geotiff_and_overlay(data):
    ctx = Context.from_park_data(data)
    s = suitability_surface(ctx, {"adjacency": 2, "layout": 1, "transit": 1, "size": 5}, cell_m=100)
    assert s.weights == pytest.approx({"adjacency": 0.5, "layout": 0.25, "transit": 0.25})
    assert np.nanmin(s.score) >= 0 and np.nanmax(s.score) <= 1
    assert np.isnan(s.score).any() and (~np.isnan(s.score)).sum() * 100 * 100 == pytest.approx(55.2e6, rel=0.03)
    with MemoryFile(surface_geotiff(s)) as mem, mem.open() as ds:
        assert ds.crs.to_epsg() == 4549 and ds.nodata == 255 and ds.dtypes[0] == "uint8"
        assert ds.res == (100.0, 100.0)
        assert ds.colormap(1)[100][:3] == tuple(colour(np.array([1.0]))[0][:3])
        band = ds.read(1)
        assert set(np.unique(band)) <= set(range(101)) | {255}
    rgba, bounds = surface_overlay(s)
    (south, west), (north, east) = bounds
    assert 121.3 < west < east < 121.5 and 31.2 < south < north < 31.32
    assert rgba.shape[-1] == 4 and (rgba[..., 3] == 0).any()


def test_surface_needs_a_location_weight(data):
    from gis.scoring import ScoringError

    with pytest.raises(ScoringError, match="adjacency, layout or transit"):
        suitability_surface(Context.from_park_data(data), {"size": 1})


def test_colour_ramp_endpoints():
    c = colour(np.array([0.0, 1.0, np.nan]))
    assert tuple(c[0][:3]) == (215, 48, 39) and tuple(c[1][:3]) == (26, 152, 80) and c[2][3] == 0
    assert rasterio.__version__ >= "1.4"


def _vrt_reading(path) -> bytes:
    """A VRT (it could be named .tif) whose raw band reads the bytes of ``path`` as pixels."""
    return (
        f'<VRTDataset rasterXSize="8" rasterYSize="1"><SRS>EPSG:4549</SRS>'
        f"<GeoTransform>{X0}, 100, 0, {Y0 + 100}, 0, -100</GeoTransform>"
        f'<VRTRasterBand dataType="Byte" band="1" subClass="VRTRawRasterBand">'
        f'<SourceFilename relativetoVRT="0">{path}</SourceFilename>'
        f"<ImageOffset>0</ImageOffset><PixelOffset>1</PixelOffset><LineOffset>8</LineOffset>"
        f"</VRTRasterBand></VRTDataset>"
    ).encode()


@pytest.mark.parametrize("kind", ["raw_vrt", "wms", "vsicurl_vrt"])
def test_a_tif_that_is_really_a_description_is_refused_unread(tmp_path, kind):
    """Only GeoTIFF is opened: a VRT named .tif must not read a server file, a WMS/vsicurl one must not fetch."""
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"SECRET_KEY=abcdefgh")
    payload = {
        "raw_vrt": _vrt_reading(secret),
        "wms": b'<GDAL_WMS><Service name="TMS"><ServerUrl>http://127.0.0.1:9/${z}/${x}/${y}.png</ServerUrl>'
        b"</Service><DataWindow><UpperLeftX>-20037508.34</UpperLeftX><UpperLeftY>20037508.34</UpperLeftY>"
        b"<LowerRightX>20037508.34</LowerRightX><LowerRightY>-20037508.34</LowerRightY><TileLevel>18"
        b"</TileLevel><TileCountX>1</TileCountX><TileCountY>1</TileCountY><YOrigin>top</YOrigin>"
        b"</DataWindow><Projection>EPSG:3857</Projection></GDAL_WMS>",
        "vsicurl_vrt": _vrt_reading("/vsicurl/http://127.0.0.1:9/secret"),
    }[kind]
    parcels = squares((0, 0, 100), (300, 0, 100))
    for raster in (payload, _write(tmp_path / "criterion.tif", payload)):
        with pytest.raises(RasterError) as refused:
            zonal_mean(parcels, raster)
        assert refused.value.code == "raster_not_geotiff"
        assert "GeoTIFF" in refused.value.text("zh") and "Rasterio" not in refused.value.text("zh")


def _write(path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize("dtype", ["int16", "uint8"])
def test_integer_rasters_with_nodata_are_read(dtype):
    """A DEM in int16 (or a class raster in uint8) with a nodata value: nodata pixels do not count."""
    nodata = -9999 if dtype == "int16" else 255
    arr = np.array([[10, 20], [nodata, 40]], dtype=dtype)
    with MemoryFile() as mem:
        with mem.open(
            driver="GTiff",
            width=2,
            height=2,
            count=1,
            dtype=dtype,
            crs="EPSG:4549",
            nodata=nodata,
            transform=from_origin(X0, Y0 + 200, 100, 100),
        ) as dst:
            dst.write(arr, 1)
        tif = mem.read()
    z = zonal_mean(squares((0, 0, 200)), tif)
    assert z.iloc[0] == pytest.approx((10 + 20 + 40) / 3)


def test_a_raster_in_a_local_crs_is_refused_with_its_name():
    with MemoryFile() as mem:
        with mem.open(
            driver="GTiff",
            width=2,
            height=2,
            count=1,
            dtype="float32",
            transform=from_origin(0, 200, 100, 100),
            crs='LOCAL_CS["site grid",UNIT["metre",1]]',
        ) as dst:
            dst.write(np.ones((2, 2), dtype="float32"), 1)
        tif = mem.read()
    with pytest.raises(RasterError) as refused:
        zonal_mean(squares((0, 0, 10)), tif)
    assert refused.value.code == "raster_crs_unusable" and "site grid" in refused.value.text("en")
