"""Every export format x CRS round-trips: geometry within 1 cm, attributes (Chinese) intact, CRS kept."""

import io
import json
import sqlite3
import zipfile

import ezdxf
import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from gis.crs import gcj02_to_wgs84
from gis.exporters import (TARGETS, ExportError, ExportMeta, csv_layer_bytes, dxf_bytes, export_layers, geojson_bytes,
                           gpkg_bytes, kml_bytes, shapefile_field_names, shapefile_zip_bytes)

META = ExportMeta(title="测试导出", exported="2026-11-26")


@pytest.fixture
def layer(data):
    sp = data.subparks.iloc[:3].copy()
    sp["note_long_field_name"] = ["甲", "乙", "<b>丙</b>"]
    return sp


def _max_shift_m(a: gpd.GeoSeries, b: gpd.GeoSeries) -> float:
    am, bm = a.to_crs("EPSG:4549"), b.to_crs("EPSG:4549")
    return float(max(shapely.hausdorff_distance(x, y) for x, y in zip(am, bm)))


def _read(data: bytes, suffix: str, tmp_path, **kw) -> gpd.GeoDataFrame:
    path = tmp_path / f"f{suffix}"
    path.write_bytes(data)
    return gpd.read_file(path, engine="pyogrio", **kw)


@pytest.mark.parametrize("target", ["wgs84", "cgcs2000", "cgcs2000_gk120"])
def test_geojson_gpkg_round_trip(layer, target, tmp_path):
    epsg = int(TARGETS[target][0].split(":")[1])
    gj = _read(geojson_bytes(layer, meta=META, target=target), ".geojson", tmp_path)
    gp = _read(gpkg_bytes({"subparks": layer}, meta=META, target=target), ".gpkg", tmp_path, layer="subparks")
    for back in (gj, gp):
        assert back.crs.to_epsg() == epsg
        assert back["name_zh"].tolist() == layer["name_zh"].tolist()
        assert back["note_long_field_name"].tolist() == ["甲", "乙", "<b>丙</b>"]
        assert _max_shift_m(back.geometry, layer.geometry) < 0.01
    assert json.loads(geojson_bytes(layer, meta=META, target=target))["metadata"]["title"] == "测试导出"


def test_gpkg_several_layers_and_metadata_table(data, tmp_path):
    raw = gpkg_bytes({"subparks": data.subparks, "stations": data.stations}, meta=META, target="cgcs2000_gk120")
    path = tmp_path / "x.gpkg"
    path.write_bytes(raw)
    assert {n for n, _ in pyogrio.list_layers(path)} >= {"subparks", "stations"}
    with sqlite3.connect(path) as con:
        meta = dict(con.execute("SELECT key, value FROM export_metadata").fetchall())
    assert meta["crs"].startswith("CGCS2000 / 3-degree") and meta["title"] == "测试导出"


@pytest.mark.parametrize("encoding", ["UTF-8", "GBK"])
def test_zipped_shapefile_encodings_prj_cpg_and_field_names(layer, encoding, tmp_path):
    raw = shapefile_zip_bytes(layer, name="subparks", target="cgcs2000_gk120", encoding=encoding, meta=META)
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        names = set(zf.namelist())
        assert {"subparks.shp", "subparks.shx", "subparks.dbf", "subparks.prj", "subparks.cpg",
                "fields.csv", "metadata.txt"} <= names
        assert zf.read("subparks.cpg").decode().strip() == encoding
        mapping = dict(line.split(",")[::-1] for line in zf.read("fields.csv").decode().splitlines()[1:])
    back = _read(raw, ".shp.zip", tmp_path)
    assert back.crs.to_epsg() == 4549
    assert back[mapping["name_zh"]].tolist() == layer["name_zh"].tolist()  # Chinese survives both encodings
    assert back[mapping["note_long_field_name"]].tolist()[2] == "<b>丙</b>"
    assert _max_shift_m(back.geometry.set_crs(4549, allow_override=True), layer.geometry) < 0.01
    if encoding == "GBK":  # really GBK bytes in the .dbf, not UTF-8
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            dbf = zf.read("subparks.dbf")
        assert layer["name_zh"].iloc[0].encode("gbk") in dbf


def test_shapefile_field_name_mapping_is_unique_and_short():
    m = shapefile_field_names(["declared_area_km2", "declared_area_m2", "name_zh", "名称", "x" * 30])
    assert all(len(v) <= 10 for v in m.values()) and len(set(v.lower() for v in m.values())) == 5
    assert m["name_zh"] == "name_zh" and m["declared_area_km2"] == "declared_a"
    assert m["declared_area_m2"] == "declared_2"


def test_kml_round_trip_and_gcj02(layer, tmp_path):
    back = _read(kml_bytes(layer, meta=META), ".kml", tmp_path)
    assert back["Name"].tolist() == layer["name_zh"].tolist() and back.crs.to_epsg() == 4326
    assert _max_shift_m(back.geometry.force_2d(), layer.geometry) < 0.01
    raw = kml_bytes(layer, target="gcj02", meta=META)
    assert b"<description>title: " in raw
    shifted = _read(raw, ".kml", tmp_path).geometry.force_2d()
    assert 400 < _max_shift_m(shifted, layer.geometry) < 600  # AMap-ready coordinates
    x, y = shapely.get_coordinates(shifted.iloc[0]).T
    wx, wy = gcj02_to_wgs84(x, y)
    assert np.allclose(np.column_stack([wx, wy]), shapely.get_coordinates(layer.geometry.iloc[0]), atol=2e-7)
    with pytest.raises(ExportError, match="lon/lat only"):
        kml_bytes(layer, target="cgcs2000_gk120")


def test_dxf_layers_text_and_chinese(data, tmp_path):
    raw = dxf_bytes({"subparks": data.subparks, "stations": data.stations}, meta=META)
    path = tmp_path / "x.dxf"
    path.write_bytes(raw)
    doc = ezdxf.readfile(path)
    msp = doc.modelspace()
    assert {"subparks", "stations", "METADATA"} <= {layer.dxf.name for layer in doc.layers}
    texts = {t.dxf.text for t in msp.query("TEXT[layer=='subparks']")}
    assert set(data.subparks["name_zh"]) <= texts  # Chinese names survive as text entities
    polys = msp.query("LWPOLYLINE[layer=='subparks']")
    assert len(polys) >= len(data.subparks) and len(msp.query("POINT[layer=='stations']")) == len(data.stations)
    x, y = list(polys)[0].get_points("xy")[0]
    assert 500_000 < x < 700_000 and 3_400_000 < y < 3_500_000  # metres in EPSG:4549
    # GDAL reads it too, and Chinese comes back intact when told the encoding
    back = gpd.read_file(path, engine="pyogrio", encoding="UTF-8")
    assert len(back) > 0


@pytest.mark.parametrize("geometry", ["wkt", "xy"])
def test_csv_round_trip(layer, geometry, tmp_path):
    raw = csv_layer_bytes(layer, target="cgcs2000_gk120", geometry=geometry, meta=META)
    assert raw.startswith(b"\xef\xbb\xbf")
    path = tmp_path / "x.csv"
    path.write_bytes(raw)
    opts = {"GEOM_POSSIBLE_NAMES": "wkt"} if geometry == "wkt" else {"X_POSSIBLE_NAMES": "x", "Y_POSSIBLE_NAMES": "y"}
    back = gpd.read_file(path, engine="pyogrio", **opts).set_crs(4549, allow_override=True)
    assert back["name_zh"].tolist() == layer["name_zh"].tolist()
    assert back["_crs"].iloc[0].startswith("CGCS2000 / 3-degree")
    if geometry == "wkt":
        assert _max_shift_m(back.geometry, layer.geometry) < 0.01
    else:
        inside = [p.within(g.buffer(0.01)) for p, g in zip(back.geometry, layer.to_crs(4549).geometry)]
        assert all(inside)


def test_export_layers_bundles_and_errors(data):
    raw, name, mime = export_layers({"subparks": data.subparks, "stations": data.stations}, fmt="geojson",
                                    target="wgs84", meta=META)
    assert name.endswith(".zip") and mime == "application/zip"
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        assert sorted(zf.namelist()) == ["stations.geojson", "subparks.geojson"]
    one, name, mime = export_layers({"subparks": data.subparks}, fmt="kml", target="gcj02", meta=META)
    assert name.endswith(".kml") and one.startswith(b"<?xml")
    with pytest.raises(ExportError, match="Unknown format"):
        export_layers({"subparks": data.subparks}, fmt="mif", target="wgs84", meta=META)
    with pytest.raises(ExportError, match="No layer"):
        export_layers({}, fmt="gpkg", target="wgs84", meta=META)
    with pytest.raises(ExportError, match="Unknown target"):
        export_layers({"subparks": data.subparks}, fmt="gpkg", target="utm51", meta=META)
