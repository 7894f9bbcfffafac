"""Uploads are read safely into EPSG:4326; exports produce the bytes their format promises."""

import io
import zipfile

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from export.formats import csv_bytes, geojson_bytes, gpkg_bytes, xlsx_bytes
from gis.errors import DataValidationError
from ingest.readers import read_uploaded_polygons
from tests.conftest import PUTUO_X as X0
from tests.conftest import PUTUO_Y as Y0


@pytest.fixture
def layer_4549():
    return gpd.GeoDataFrame(
        {"name": ["地块甲", "<b>乙</b>"], "use": ["life_health", "rd_services"]},
        geometry=[shapely.box(X0, Y0, X0 + 100, Y0 + 50), shapely.box(X0 + 500, Y0, X0 + 600, Y0 + 80)],
        crs="EPSG:4549",
    )


def _write(gdf, tmp_path, name, **kw):
    path = tmp_path / name
    gdf.to_file(path, engine="pyogrio", **kw)
    return path


def test_geojson_upload_reprojected_to_wgs84(layer_4549, tmp_path):
    data = _write(layer_4549.to_crs("EPSG:4326"), tmp_path, "p.geojson").read_bytes()
    out = read_uploaded_polygons("p.geojson", data)
    assert out.crs.to_epsg() == 4326 and out["name"].tolist() == ["地块甲", "<b>乙</b>"]
    assert out.to_crs("EPSG:4549").area.round(3).tolist() == [5000.0, 8000.0]


def test_gpkg_and_zipped_gbk_shapefile_in_cgcs2000_gk(layer_4549, tmp_path):
    gpkg = _write(layer_4549, tmp_path, "p.gpkg", layer="parcels").read_bytes()
    assert read_uploaded_polygons("p.gpkg", gpkg).to_crs("EPSG:4549").area.sum() == pytest.approx(13_000)
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    layer_4549.to_file(shp_dir / "p.shp", engine="pyogrio", encoding="GBK")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in shp_dir.iterdir():
            zf.write(f, f.name)
    out = read_uploaded_polygons("p.zip", buf.getvalue())
    assert out["name"].tolist()[0] == "地块甲"  # .cpg = GBK honoured
    assert out.to_crs("EPSG:4549").area.sum() == pytest.approx(13_000, rel=1e-6)


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("p.txt", b"hello", "unsupported file type"),
        ("p.geojson", b"", "empty"),
        ("p.geojson", b"{not json", "cannot be read"),
        ("p.geojson", b'{"type":"FeatureCollection","features":[]}', "no features"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(name, data, message):
    with pytest.raises(DataValidationError, match=message):
        read_uploaded_polygons(name, data)


def test_points_and_missing_crs_and_size_limit(tmp_path):
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(121.4, 31.25)], crs="EPSG:4326")
    with pytest.raises(DataValidationError, match="needs polygons"):
        read_uploaded_polygons("p.geojson", _write(pts, tmp_path, "pts.geojson").read_bytes())
    no_crs = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)])
    with pytest.warns(UserWarning, match="crs"):
        _write(no_crs, tmp_path, "nocrs.shp")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for ext in ("shp", "shx", "dbf"):
            zf.write(tmp_path / f"nocrs.{ext}", f"nocrs.{ext}")
    with pytest.raises(DataValidationError, match="no coordinate system"):
        read_uploaded_polygons("nocrs.zip", buf.getvalue())
    with pytest.raises(DataValidationError, match="over the 0.001 MB limit"):
        read_uploaded_polygons("p.geojson", b"x" * 2000, max_mb=0.001)


def test_exports_round_trip(layer_4549, tmp_path):
    gdf = layer_4549.assign(failed=[["min_area"], []])
    gj = geojson_bytes(gdf)
    back = gpd.read_file(io.BytesIO(gj))
    assert back.crs.to_epsg() == 4326 and back["name"].tolist() == ["地块甲", "<b>乙</b>"]
    assert back["failed"].tolist() == ["min_area", ""]
    (tmp_path / "x.gpkg").write_bytes(gpkg_bytes({"a": gdf, "b": gdf.to_crs("EPSG:4326")}))
    assert [n for n, _ in pyogrio.list_layers(tmp_path / "x.gpkg")] == ["a", "b"]
    a = gpd.read_file(tmp_path / "x.gpkg", layer="a")
    assert a.crs.to_epsg() == 4549 and a.geom_equals_exact(gdf.geometry, tolerance=0.01).all()


def test_csv_has_bom_and_xlsx_opens():
    df = pd.DataFrame({"名称": ["地块甲"], "得分": [0.5]})
    raw = csv_bytes(df)
    assert raw.startswith(b"\xef\xbb\xbf") and "地块甲" in raw.decode("utf-8-sig")
    back = pd.read_excel(io.BytesIO(xlsx_bytes(df, sheet="排名")), sheet_name="排名")
    assert back.columns.tolist() == ["名称", "得分"] and back.iloc[0, 0] == "地块甲"
