"""Property-based fuzzing (Hypothesis) of the raster criterion and the scenario file readers: whatever the bytes,
``raster_probe``/``zonal_mean`` and ``read_scenario_file`` return a checked result or raise one of the project's own
errors (nothing else escapes: no rasterio, sqlite, JSON or shapely exception, no traceback for the user).

The rasters start from a valid GeoTIFF of every data type GDAL writes, with nodata or not, in a CRS the app meets
(lon/lat, CGCS2000 GK, geocentric, a local one) and then have bytes overwritten or the file cut; the scenario files
start from a valid one whose payloads, versions and ids are replaced by arbitrary JSON or whose bytes are
overwritten. Profiles as in tests/test_fuzz_readers.py (``HYPOTHESIS_PROFILE=long`` for the long run).
"""

from __future__ import annotations

import json
import math
import sqlite3

import numpy as np
import pytest
import rasterio
from hypothesis import given, settings
from hypothesis import strategies as st
from rasterio.io import MemoryFile
from rasterio.transform import from_origin

from gis.errors import PlannerError
from gis.raster import raster_probe, zonal_mean
from gis.scenario import Scenario
from store.transfer import read_scenario_file, write_scenario_file
from tests.test_fuzz_readers import PROFILE

CRSS = ["EPSG:4326", "EPSG:4549", "EPSG:4978", 'LOCAL_CS["local",UNIT["metre",1]]', "EPSG:3857"]
DTYPES = ["uint8", "int16", "uint16", "int32", "float32", "float64"]


@pytest.fixture(scope="module")
def parcels():
    from gis.datasets import load_park_data

    return load_park_data().parcels.head(12)


def _geotiff(values: np.ndarray, *, dtype: str, crs: str, nodata, west: float, north: float, px: float) -> bytes:
    with MemoryFile() as mem:
        with mem.open(
            driver="GTiff",
            width=values.shape[1],
            height=values.shape[0],
            count=1,
            dtype=dtype,
            crs=rasterio.crs.CRS.from_user_input(crs),
            transform=from_origin(west, north, px, px),
            nodata=nodata,
        ) as dst:
            dst.write(values.astype(dtype), 1)
        return mem.read()


@st.composite
def rasters(draw) -> bytes:
    dtype = draw(st.sampled_from(DTYPES))
    crs = draw(st.sampled_from(CRSS))
    h, w = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    integral = dtype[0] in "iu"
    info = np.iinfo(dtype) if integral else np.finfo(dtype)
    special = st.sampled_from([0.0, -1.0, 255.0, -9999.0, 1e30]) if integral else st.sampled_from([math.nan, math.inf])
    values = draw(st.lists(st.one_of(st.floats(-1e6, 1e6), special), min_size=h * w, max_size=h * w))
    arr = np.array(values, dtype=float).reshape(h, w)
    if integral:
        arr = np.clip(np.nan_to_num(arr), info.min, info.max)
    nodata = draw(st.one_of(st.none(), st.sampled_from([0, 255, -9999])))
    if nodata is not None and integral and not info.min <= nodata <= info.max:
        nodata = 0
    metric = crs in ("EPSG:4549", "EPSG:3857") or "LOCAL" in crs
    west = draw(st.floats(620_000, 640_000) if metric else st.floats(121.30, 121.45))
    north = draw(st.floats(3_450_000, 3_470_000) if metric else st.floats(31.20, 31.30))
    px = draw(st.floats(10, 2_000) if metric else st.floats(0.0001, 0.02))
    data = bytearray(_geotiff(arr, dtype=dtype, crs=crs, nodata=nodata, west=west, north=north, px=px))
    for _ in range(draw(st.integers(0, 6))):  # bytes overwritten anywhere: header, tags, strips
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    cut = draw(st.one_of(st.none(), st.integers(0, len(data))))
    return bytes(data[:cut] if cut is not None else data)


@settings(PROFILE)
@given(raster=rasters())
def test_a_raster_criterion_is_a_checked_result_or_a_project_error(parcels, raster):
    try:
        info = raster_probe(parcels, raster, max_pixels=200_000)
        means = zonal_mean(parcels, raster, max_pixels=200_000)
    except PlannerError as exc:
        assert exc.text("zh") and exc.text("en")  # renders in both languages
        assert "Error" not in exc.text("zh")  # no class name inside the Chinese text
        return
    assert 1 <= info.covered <= info.parcels == len(parcels)  # a raster covering no parcel is refused
    assert list(means.index) == list(parcels.index)
    valued = means.to_numpy(dtype=float)
    assert np.isfinite(valued).sum() >= 1 and not np.isinf(valued).any()


def _scenario_file(tmp_path) -> bytes:
    path = tmp_path / "base.gpkg"
    write_scenario_file(path, [Scenario(name="方案一", author="x", parcels=("P001",)), Scenario(name="方案二")])
    return path.read_bytes()


json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.floats(), st.text(max_size=30)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=5)),
    max_leaves=20,
)
FIELDS = ["id", "name", "author", "notes", "parcels", "drawn", "assign", "weights", "created", "updated"]


@st.composite
def scenario_files(draw, base: bytes, folder) -> bytes:
    path = folder / f"f{draw(st.integers(0, 10**9))}.gpkg"
    path.write_bytes(base)
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT fid, payload FROM scenario_versions").fetchall()
        for fid, payload in rows:
            doc = json.loads(payload)
            how = draw(st.sampled_from(["field", "whole", "text", "version", "keep"]))
            if how == "field":
                doc[draw(st.sampled_from([*FIELDS, "extra"]))] = draw(json_value)
                value = json.dumps(doc, allow_nan=True)
            elif how == "whole":
                value = json.dumps(draw(json_value), allow_nan=True)
            elif how == "text":
                value = draw(st.text(max_size=60))
            else:
                value = payload
            con.execute("UPDATE scenario_versions SET payload = ? WHERE fid = ?", (value, fid))
            if how == "version":
                con.execute(
                    "UPDATE scenario_versions SET version = ? WHERE fid = ?",
                    (draw(st.one_of(st.integers(-5, 10**6), st.text(max_size=5))), fid),
                )
        con.commit()
    finally:
        con.close()
    data = bytearray(path.read_bytes())
    for _ in range(draw(st.integers(0, 4))):  # and bytes overwritten anywhere in the database file
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


def test_a_scenario_file_is_a_list_of_checked_scenarios_or_a_project_error(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz_scenarios")
    base = _scenario_file(folder)

    @settings(PROFILE)
    @given(data=scenario_files(base, folder))
    def check(data: bytes) -> None:
        path = folder / "upload.gpkg"
        path.write_bytes(data)
        try:
            found = read_scenario_file(path, label="上传.gpkg")
        except PlannerError as exc:
            assert exc.text("zh") and exc.text("en") and "上传.gpkg" in exc.text("zh") + exc.text("en")
            assert str(folder) not in exc.text("zh") + exc.text("en")  # never the temporary path
            return
        for sc in found:
            assert Scenario.from_json(sc.to_json()) == sc  # what was read passes the payload schema

    check()
