"""Every layer export the app offers, opened again as a colleague's software opens it: GDAL (pyogrio) for the GIS
formats and CSV, ezdxf for DXF, openpyxl and GDAL for XLSX — CRS identity (GCJ-02 never reads as EPSG:4326 nor
transforms as a no-op), feature counts, attributes (Chinese intact), XLSX header detection, extents.

The combinations are the export page's (planner.export_jobs: layers x formats x coordinate systems x encodings) on
small layers (3 features each), plus XLSX as ``gis convert`` writes it."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import ezdxf
import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pyproj
import pytest
import shapely

from export.formats import GCJ02_NAME, TARGETS, to_target, xlsx_layer_bytes
from gis.errors import ExportError
from gis.scenario import Scenario
from planner import export_jobs as jobs

N = 3  # features per layer: small and fast, still more than one
#: The layer sets exported: every layer alone, and one set of three (one file or one zip of files).
SETS = [(lid,) for lid in jobs.EXPORT_LAYERS] + [("subparks", "stations", "roads")]
#: Where an exported lon/lat or metre coordinate may lie from the expected one (rounding of the writers).
TOL = {"deg": 1e-6, "m": 0.01}


@pytest.fixture(scope="module")
def layers(ds, ev, scores) -> dict[str, gpd.GeoDataFrame]:
    scenario = Scenario(name="北扩方案", author="tester", parcels=("P056", "P031"))
    full = jobs.layers_for_export(ds, ev, scores, scenario)
    return {lid: gdf.head(N).reset_index(drop=True) for lid, gdf in full.items()}


def _name_field(gdf: gpd.GeoDataFrame) -> str | None:
    return "name_zh" if "name_zh" in gdf.columns else None


def _files(raw: bytes, name: str, tmp: Path) -> list[Path]:
    """The files a download holds (a zip of GeoJSON/KML/CSV files unpacked; a Shapefile zip kept whole)."""
    path = tmp / name
    path.write_bytes(raw)
    if name.endswith(".zip") and not name.endswith(".shp.zip"):
        with zipfile.ZipFile(path) as zf:
            zf.extractall(tmp / "unzipped")
            return sorted((tmp / "unzipped") / n for n in zf.namelist())
    return [path]


def _check_crs(crs: pyproj.CRS | None, target: str) -> None:
    """The file's CRS is the target's; a GCJ-02 file's is not EPSG:4326 and cannot be transformed to it."""
    assert crs is not None
    if target == "gcj02":
        assert crs.to_epsg() is None and crs.name == GCJ02_NAME
        with pytest.raises(pyproj.exceptions.ProjError):  # PROJ refuses: never a silent no-op
            pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(121.4, 31.25, errcheck=True)
    else:
        assert crs.to_epsg() == int(TARGETS[target][0].split(":")[1])


def _check_features(back: gpd.GeoDataFrame, source: gpd.GeoDataFrame, target: str, *, geometry: bool = True):
    """Count, Chinese names and the extent (against the source in the target's coordinates)."""
    assert len(back) == len(source)
    if _name_field(source) and "name_zh" in back.columns:
        assert back["name_zh"].tolist() == source["name_zh"].tolist()  # Chinese intact, same order
    if geometry:
        want = to_target(source, target)
        tol = TOL["m"] if not want.crs.is_geographic else TOL["deg"]
        assert np.allclose(back.total_bounds, want.total_bounds, atol=tol), (back.total_bounds, want.total_bounds)


def _combos():
    for chosen in SETS:
        for fmt in jobs.formats():
            for target in jobs.targets():
                for encoding in jobs.encodings(fmt):
                    yield pytest.param(
                        chosen, fmt, target, encoding, id=f"{'+'.join(chosen)}-{fmt}-{target}-{encoding}"
                    )


@pytest.mark.parametrize(("chosen", "fmt", "target", "encoding"), list(_combos()))
def test_every_export_opens_with_the_right_crs_counts_names_and_extent(layers, chosen, fmt, target, encoding, tmp_path):
    picked = {lid: layers[lid] for lid in chosen}
    if fmt == "kml" and TARGETS[target][0] != "EPSG:4326":
        with pytest.raises(ExportError, match="KML"):  # KML is lon/lat WGS 84 (or GCJ-02 for AMap) only
            jobs.export(picked, fmt=fmt, target=target, encoding=encoding, lang="en")
        return
    raw, name, _ = jobs.export(picked, fmt=fmt, target=target, encoding=encoding, lang="en")
    assert ("GCJ-02" in name) == (target == "gcj02")  # a GCJ-02 file always says so in its name
    files = _files(raw, name, tmp_path)
    if fmt == "dxf":
        _check_dxf(files[0], picked, target)
    elif fmt == "gpkg":
        assert [n for n, _ in pyogrio.list_layers(files[0])] == list(picked)  # data only: ogr2ogr needs no name
        for lid, gdf in picked.items():
            back = pyogrio.read_dataframe(files[0], layer=lid)
            _check_crs(back.crs, target)
            _check_features(back, gdf, target)
    elif fmt == "shp":
        for lid, gdf in picked.items():
            back = pyogrio.read_dataframe(f"/vsizip/{files[0]}/{lid}.shp", encoding=encoding)
            _check_crs(back.crs, target)
            _check_features(back, gdf, target)
    elif fmt in ("geojson", "kml"):
        assert len(files) == len(picked)
        for lid, gdf in picked.items():
            path = files[0] if len(files) == 1 else next(f for f in files if f.stem == lid)
            back = pyogrio.read_dataframe(path)
            assert back.crs.to_epsg() == int(TARGETS[target][0].split(":")[1])  # GeoJSON/KML declare no other
            _check_features(back, gdf, target)
            if target == "gcj02":  # cannot declare it: marked in every feature and the file's metadata
                assert back["_crs"].str.contains("GCJ-02").all()
                text = path.read_text(encoding="utf-8")
                assert "GCJ-02" in (json.loads(text)["coordinate_system"] if fmt == "geojson" else text[:2000])
    else:
        assert len(files) == len(picked)
        for lid, gdf in picked.items():
            path = files[0] if len(files) == 1 else next(f for f in files if f.stem == lid)
            _check_csv(path, gdf, target, fmt=fmt, encoding=encoding)


def _check_csv(path: Path, source: gpd.GeoDataFrame, target: str, *, fmt: str, encoding: str) -> None:
    raw = path.read_bytes()
    if encoding == "GB18030":
        assert not raw.startswith(b"\xef\xbb\xbf")
        frame = pd.read_csv(io.BytesIO(raw), encoding="gb18030", dtype=str, keep_default_na=False)
        assert len(frame) == len(source) and (frame["_crs"] == TARGETS[target][2]).all()
        if "name_zh" in source.columns:
            assert frame["name_zh"].tolist() == source["name_zh"].astype(str).tolist()
        return
    assert raw.startswith(b"\xef\xbb\xbf")
    options = (
        {"GEOM_POSSIBLE_NAMES": "wkt", "KEEP_GEOM_COLUMNS": "NO"}
        if fmt == "csv_wkt"
        else {"X_POSSIBLE_NAMES": "x", "Y_POSSIBLE_NAMES": "y", "KEEP_GEOM_COLUMNS": "NO"}
    )
    back = pyogrio.read_dataframe(path, **options)  # GDAL's CSV driver, as QGIS adds a delimited text layer
    assert (back["_crs"] == TARGETS[target][2]).all()  # the CRS in every row (a CSV has nowhere else)
    if target == "gcj02":
        assert back["_crs"].str.contains("NOT WGS 84").all()
    _check_features(back, source, target, geometry=fmt == "csv_wkt")
    if fmt == "csv_xy":
        pts = to_target(source, target).geometry.representative_point()
        tol = TOL["deg"] if TARGETS[target][0] != "EPSG:4549" else TOL["m"]
        assert np.allclose(back.geometry.x, pts.x, atol=tol) and np.allclose(back.geometry.y, pts.y, atol=tol)


def _check_dxf(path: Path, picked: dict[str, gpd.GeoDataFrame], target: str) -> None:
    doc = ezdxf.readfile(path)
    assert doc.header.custom_vars.get("CRS") == TARGETS[target][2]
    msp = doc.modelspace()
    for lid, gdf in picked.items():
        ids = set()
        for e in msp.query(f'POINT LWPOLYLINE[layer=="{lid}"]'):
            xdata = dict(item[1].split("=", 1) for item in e.get_xdata("PUTUO"))
            ids.add(xdata["id"])
            if "name_zh" in gdf.columns:
                assert xdata["name_zh"] in set(gdf["name_zh"])  # Chinese attributes intact (GBK)
        assert ids == set(gdf["id"].astype(str))  # every feature, with its attributes
    bounds = np.array([to_target(g, target).total_bounds for g in picked.values()])
    lo, hi = bounds[:, :2].min(axis=0), bounds[:, 2:].max(axis=0)
    ext_min, ext_max = np.array(doc.header["$EXTMIN"][:2]), np.array(doc.header["$EXTMAX"][:2])
    assert (ext_min <= lo + 1e-9).all() and (ext_max >= hi - 1e-9).all()  # opens on the data, no zoom needed
    assert ((ext_max - ext_min) < 3 * (hi - lo).max() + 1).all()  # and not on ±1e20
    back = pyogrio.read_dataframe(path)  # GDAL's DXF reader: GBK names decoded
    names = {n for lid, g in picked.items() if "name_zh" in g.columns for n in g["name_zh"]}
    assert names <= set(back["Text"].dropna())


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("lid", ["subparks", "roads", "metro_lines", "stations", "parcels"])
def test_xlsx_opens_with_its_header_recognised_and_text_cells(layers, lid, target, tmp_path):
    path = tmp_path / f"{lid}.xlsx"
    gdf = layers[lid].copy()
    if "name_en" in gdf.columns:
        gdf.loc[0, "name_en"] = '=HYPERLINK("http://x")'  # a formula-looking text: kept as text, no prefix
    path.write_bytes(xlsx_layer_bytes(gdf, target=target, sheet=lid))
    back = pyogrio.read_dataframe(path)  # GDAL/QGIS: the header is detected (never Field1…FieldN)
    assert not [c for c in back.columns if c.startswith("Field")]
    assert list(back.columns)[: len(gdf.columns) - 1] == [c for c in gdf.columns if c != "geometry"]
    assert len(back) == len(gdf) and (back["_crs"] == TARGETS[target][2]).all()
    if "name_zh" in gdf.columns:
        assert back["name_zh"].tolist() == gdf["name_zh"].tolist()
    wkt = gpd.GeoSeries(shapely.from_wkt(back["wkt"]))
    want = to_target(gdf, target)
    tol = TOL["deg"] if want.crs.is_geographic else TOL["m"]
    assert np.allclose(wkt.total_bounds, want.total_bounds, atol=tol)
    ws = openpyxl.load_workbook(path).active
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    if "name_en" in gdf.columns:
        cell = ws.cell(row=2, column=list(gdf.columns).index("name_en") + 1)
        assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s" and not cell.quotePrefix
    assert all(ws.column_dimensions[c].width >= 8 for c in "AB")
