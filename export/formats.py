"""Write layers for other tools: GeoJSON, GeoPackage, zipped Shapefile, KML, DXF, CSV, XLSX, in a chosen CRS.

What a colleague's GIS, CAD or spreadsheet receives is safe and unambiguous:

- Spreadsheets never get a formula, and what a colleague sees is the text as it was. XLSX text cells are string
  cells (type ``s``), which Excel, WPS and LibreOffice never evaluate: no prefix, the cell shows ``=A1`` as typed.
  A CSV has no cell types, so a text cell starting with ``= + - @``, tab or CR (OWASP's list) must be changed: the
  UTF-8 CSV puts an invisible ZERO WIDTH SPACE (U+200B) in front — not a formula start, not whitespace (Excel,
  LibreOffice's "trim spaces" and pandas' ``strip`` keep it, where a leading space or tab would be trimmed and the
  formula armed again), and not shown. The GB18030 CSV (for Chinese Excel, which decodes a CSV as GBK) uses
  OWASP's single quote: GBK has no invisible character, and U+200B would become a 4-byte GB18030 sequence that
  Excel shows as two stray characters. ``fields.csv`` in a Shapefile zip keeps the quote (the importer removes it).
  Numbers stay numbers (negative ones included).
- CSV comes in two encodings, and says which in the name: UTF-8 with a BOM (WPS, Excel 2016+, LibreOffice, any
  GIS) and GB18030 (``…_GB18030.csv``; double-click in a Chinese Excel; GB18030 is GBK for every character GBK
  has, and holds every other one too).
- Shapefile field names are cut by bytes in the target encoding to readable, unique names, written
  to ``fields.csv`` (read back by the importer); several layers give one flat zip.
- GeoPackages are version 1.2 whose only tables are the data layers (``ogr2ogr in.gpkg out.geojson`` needs no
  layer name for one layer); the export's metadata is GeoPackage metadata (``gpkg_metadata``, GDAL's dataset and
  layer metadata: ``ogrinfo`` shows it, QGIS shows it in the layer properties).
- GCJ-02 exports carry a named custom CRS ("GCJ-02 — AMap/Tencent, shifted from WGS 84"), never
  EPSG:4326, in the GeoPackage and the ``.prj``, and say so in the file name and the metadata.
- DXF is R2004 with ``$DWGCODEPAGE = ANSI_936`` and GBK text (what GDAL/QGIS and AutoCAD both decode),
  text in a style with the GB big font ``gbcbig.shx``.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import ezdxf
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.crs import shift_geometries, to_storage
from gis.errors import ExportError
from text.clip import truncate_to_bytes
from text.clock import beijing_today

#: Name and definitions of the CRS written for GCJ-02 data. GCJ-02 is no EPSG system and no datum PROJ can
#: transform: it is written as an engineering CRS (WKT1: LOCAL_CS), so GDAL/QGIS/PROJ refuse to "transform" it to
#: WGS 84 (a look-alike geographic CRS on the WGS 84 ellipsoid was transformed as a no-op: 480 m off, then
#: labelled WGS 84). ASCII only: QGIS showed "?" for a dash.
GCJ02_NAME = "GCJ-02 (AMap/Tencent) - NOT WGS 84, about 500 m off in Shanghai"
GCJ02_MARK = "GCJ-02 (AMap/Tencent; NOT WGS 84)"
_GCJ02_DATUM = "GCJ-02 obfuscated datum (no transformation to WGS 84 exists)"
GCJ02_WKT2 = (
    'ENGCRS["' + GCJ02_NAME + '",EDATUM["' + _GCJ02_DATUM + '"],CS[Cartesian,2],'
    'AXIS["easting (GCJ-02 longitude)",east,ORDER[1],LENGTHUNIT["degree",0.0174532925199433]],'
    'AXIS["northing (GCJ-02 latitude)",north,ORDER[2],LENGTHUNIT["degree",0.0174532925199433]]]'
)
GCJ02_PRJ = (
    'LOCAL_CS["' + GCJ02_NAME + '",LOCAL_DATUM["' + _GCJ02_DATUM + '",32767],'
    'UNIT["Degree",0.0174532925199433],AXIS["Easting",EAST],AXIS["Northing",NORTH]]'
)

#: Target coordinate systems: id -> (EPSG code of the coordinates' frame, datum shift, label).
TARGETS: dict[str, tuple[str, str, str]] = {
    "wgs84": ("EPSG:4326", "wgs84", "WGS 84 (EPSG:4326)"),
    "cgcs2000": ("EPSG:4490", "wgs84", "CGCS2000 geographic (EPSG:4490)"),
    "cgcs2000_gk120": ("EPSG:4549", "wgs84", "CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549)"),
    "gcj02": ("EPSG:4326", "gcj02", GCJ02_NAME),
}
#: What each target adds to a file name, so a GCJ-02 file is never mistaken for WGS 84.
FILE_TAGS = {
    "wgs84": "wgs84",
    "cgcs2000": "cgcs2000",
    "cgcs2000_gk120": "cgcs2000_gk120",
    "gcj02": "GCJ-02_AMap_not_WGS84",
}
FORMATS = ("geojson", "gpkg", "shp", "kml", "dxf", "csv_wkt", "csv_xy")
MIME = {
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "shp": "application/zip",
    "kml": "application/vnd.google-earth.kml+xml",
    "dxf": "image/vnd.dxf",
    "csv_wkt": "text/csv",
    "csv_xy": "text/csv",
    "zip": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SHAPEFILE_ENCODINGS = {"UTF-8": "UTF-8", "GBK": "GBK", "GB18030": "GB18030"}
#: Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: CSV encodings offered: name -> Python codec (UTF-8 gets a BOM so Excel detects it). GBK is taken as GB18030.
CSV_ENCODINGS = {"UTF-8": "utf-8-sig", "GB18030": "gb18030"}
#: The formula guard put before a CSV text cell that starts like a formula, per CSV encoding (see the module text).
CSV_GUARD = {"UTF-8": "\u200b", "GB18030": "'"}
#: The DXF text style: a GB SHX font with the GB big font for Chinese glyphs (ships with AutoCAD).
DXF_STYLE = "PUTUO_CJK"
DXF_FONT, DXF_BIGFONT = "gbenor.shx", "gbcbig.shx"
#: The TrueType style beside it (宋体 SimSun ships with every Chinese Windows) and the XDATA application name.
DXF_TTF_STYLE, DXF_TTF_FONT, DXF_TTF_FAMILY = "PUTUO_CJK_TTF", "simsun.ttc", "SimSun"
DXF_APPID = "PUTUO"
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CAD_FORBIDDEN = re.compile(r'[<>/\\":;?*|=`\x00-\x1f]')


@dataclass(frozen=True)
class ExportMeta:
    """What every export carries: title, sources, accuracy note, date, CRS (filled in per export)."""

    title: str
    source: str = "Putuo Park Planner demonstration data (see the source field of each feature)"
    accuracy: str = "demonstration data: schematic outlines, not official boundaries"
    exported: str = ""

    def lines(self, crs_label: str) -> list[str]:
        return [
            f"title: {self.title}",
            f"source: {self.source}",
            f"accuracy: {self.accuracy}",
            f"exported: {self.exported or beijing_today()}",
            f"crs: {crs_label}",
        ]


def _check_target(target: str) -> None:
    if target not in TARGETS:
        raise ExportError("exp_unknown_target", target=str(target), expected=list(TARGETS))


def to_target(gdf: gpd.GeoDataFrame, target: str) -> gpd.GeoDataFrame:
    """A copy of ``gdf`` in the target CRS (GCJ-02: shifted lon/lat and a ``_crs`` attribute on every feature
    saying so, for formats that cannot declare it; the CRS object still says EPSG:4326, the writers below label
    it as GCJ-02)."""
    _check_target(target)
    epsg, datum, _ = TARGETS[target]
    out = to_storage(gdf)
    if datum == "gcj02":
        out = shift_geometries(out, source="wgs84", target="gcj02")
        out["_crs"] = GCJ02_MARK
    return out.to_crs(epsg)


def _file_crs(target: str) -> Any:
    """The CRS written into a file for ``target``: the EPSG code, or the named GCJ-02 definition."""
    return GCJ02_WKT2 if target == "gcj02" else TARGETS[target][0]


def _without_collections(geoms: np.ndarray) -> np.ndarray:
    """Geometry collections (a repair can make one of a self-crossing polygon) as the multi-part geometry of their
    highest family (polygons over lines over points), which every format can write; other geometries unchanged."""
    out = geoms.copy()
    for i in np.flatnonzero(shapely.get_type_id(geoms) == shapely.GeometryType.GEOMETRYCOLLECTION):
        parts = shapely.get_parts(geoms[i])
        kinds = shapely.get_type_id(parts)
        for family, multi in (
            (shapely.GeometryType.POLYGON, shapely.multipolygons),
            (shapely.GeometryType.LINESTRING, shapely.multilinestrings),
            (shapely.GeometryType.POINT, shapely.multipoints),
        ):
            chosen = parts[kinds == family]
            if len(chosen):
                out[i] = multi(chosen)
                break
    return out


def _plain(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Columns every driver can write, the index dropped: lists become '; '-joined text, object columns of
    booleans become a boolean column (not the text 'True'), other objects text; geometry collections become the
    multi-part geometry of their main family (:func:`_without_collections`)."""
    out = gdf.reset_index(drop=True)
    out[out.geometry.name] = _without_collections(out.geometry.to_numpy())
    for col in out.columns:
        if col == out.geometry.name or out[col].dtype != object:
            continue
        values = out[col].dropna()
        if len(values) and values.map(lambda v: isinstance(v, (bool, np.bool_))).all():
            out[col] = out[col].astype("boolean")
        else:
            out[col] = out[col].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return out


def fit_encoding(text: str, *, encoding: str) -> str:
    """``text`` with every character ``encoding`` cannot hold replaced by its compatibility form when that fits
    (``m²`` -> ``m2`` in GBK, full-width digits kept), else by ``?`` — never silently dropped."""
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for c in text:
        try:
            c.encode(encoding)
            out.append(c)
        except UnicodeEncodeError:
            alt = unicodedata.normalize("NFKC", c)
            try:
                alt.encode(encoding)
                out.append(alt)
            except UnicodeEncodeError:
                out.append("?")
    return "".join(out)


def shapefile_field_names(columns: list[str], *, encoding: str = "UTF-8") -> dict[str, str]:
    """Map column names to unique, readable Shapefile (dBASE) names of at most 10 bytes in ``encoding``.

    Characters the encoding cannot hold, spaces and punctuation become ``_`` (never two in a row, none at
    the ends); Chinese stays Chinese (``规划用途说明`` -> ``规划用`` in UTF-8, ``规划用途说`` in GBK).
    A clash keeps as much of the name as fits before ``_2``, ``_3``… The mapping goes into ``fields.csv``.
    """
    codec = SHAPEFILE_ENCODINGS.get(encoding.upper(), encoding)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for col in columns:
        chars = [c if (c.isalnum() or c == "_") and c.encode(codec, "replace") != b"?" else "_" for c in str(col)]
        base = re.sub(r"_+", "_", "".join(chars)).strip("_") or "field"
        if base[0].isdigit():
            base = "f" + base
        name = truncate_to_bytes(base, encoding=codec, limit=10).rstrip("_") or "field"
        k = 2
        while name.lower() in used:
            suffix = f"_{k}"
            name = truncate_to_bytes(base, encoding=codec, limit=10 - len(suffix)).rstrip("_") + suffix
            k += 1
        used.add(name.lower())
        mapping[str(col)] = name
    return mapping


def _write_vector(gdf: gpd.GeoDataFrame, path: Path, driver: str, **kw: Any) -> None:
    _plain(gdf).to_file(path, driver=driver, engine="pyogrio", **kw)


def _safe_layer_name(name: str) -> str:
    """A layer name for inside a file: the caller's id, without control characters, at most 60 characters."""
    text = "".join(c for c in str(name) if ord(c) >= 32).strip()[:60] or "putuo"
    # GeoPackage reserves names starting with "gpkg" (GDAL refuses them); SQLite reserves "sqlite_"
    return f"layer_{text}"[:60] if text.lower().startswith(("gpkg", "sqlite_")) else text


def geojson_bytes(
    gdf: gpd.GeoDataFrame, *, meta: ExportMeta | None = None, target: str = "wgs84", name: str = "putuo"
) -> bytes:
    """GeoJSON in the target CRS (RFC 7946 when lon/lat), named ``name``, with a ``metadata`` member.

    GCJ-02: RFC 7946 has no CRS member, so a ``coordinate_system`` member names GCJ-02 (and the file name
    chosen by :func:`export_layers` says so).
    """
    out = to_target(gdf, target)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.geojson"
        options = {"RFC7946": "YES"} if TARGETS[target][0] == "EPSG:4326" else {}
        _write_vector(out, path, "GeoJSON", layer=_safe_layer_name(name), layer_options=options)
        doc = json.loads(path.read_text(encoding="utf-8"))
    if target == "gcj02":
        doc["coordinate_system"] = TARGETS[target][2]
    if meta is not None:
        doc["metadata"] = dict(line.split(": ", 1) for line in meta.lines(TARGETS[target][2]))
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def gpkg_bytes(
    layers: dict[str, gpd.GeoDataFrame], *, meta: ExportMeta | None = None, target: str | None = None
) -> bytes:
    """One GeoPackage 1.2 holding every (name -> layer), in ``target`` (default: each layer's own CRS), and
    nothing else: the layers are its only tables, in the order given. The metadata (title, source, accuracy,
    date, CRS) is GeoPackage metadata of the file and of each layer (``gpkg_metadata``; GDAL's
    ``dataset_metadata``/``layer_metadata``, ``ogrinfo`` prints it) and the layer description in gpkg_contents.
    GCJ-02 layers carry the named GCJ-02 CRS."""
    if target is not None:
        _check_target(target)
    label = TARGETS[target][2] if target else "as each layer"
    info = dict(line.split(": ", 1) for line in meta.lines(label)) if meta is not None else {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "layers.gpkg"
        for k, (name, gdf) in enumerate(layers.items()):
            out = to_target(gdf, target) if target else gdf
            if target == "gcj02":
                out = out.set_crs(GCJ02_WKT2, allow_override=True)
            extra: dict[str, Any] = {}
            if info:
                extra["layer_metadata"] = {**info, "DESCRIPTION": f"{info['title']} ({info['crs']})"}
                if k == 0:
                    extra["dataset_metadata"] = info
            _write_vector(out, path, "GPKG", layer=_safe_layer_name(name), dataset_options={"VERSION": "1.2"}, **extra)
        return path.read_bytes()


def _fields_csv(rows: list[tuple[str, str, str]]) -> bytes:
    """``fields.csv``: layer, shapefile field, full name (formula-safe with ``'``, which the importer removes;
    UTF-8 with BOM)."""
    frame = _neutralise_frame(pd.DataFrame(rows, columns=["layer", "shapefile_field", "full_name"]), guard="'")
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _shapefile_files(
    gdf: gpd.GeoDataFrame, *, name: str, target: str, encoding: str
) -> tuple[dict[str, bytes], dict[str, str]]:
    """The files of one Shapefile (name.shp/.shx/.dbf/.prj/.cpg) and its field-name mapping."""
    codec = SHAPEFILE_ENCODINGS.get(encoding.upper())
    if codec is None:
        raise ExportError("exp_bad_encoding", encoding=str(encoding), expected=list(SHAPEFILE_ENCODINGS))
    out = _plain(to_target(gdf, target))
    mapping = shapefile_field_names([c for c in out.columns if c != out.geometry.name], encoding=codec)
    out = out.rename(columns=mapping)
    if codec != "UTF-8":  # GDAL drops what the code page cannot hold (m² -> m): keep a readable stand-in
        for col in out.columns:
            if col != out.geometry.name and not pd.api.types.is_numeric_dtype(out[col]):
                out[col] = out[col].map(lambda v: fit_encoding(v, encoding=codec) if isinstance(v, str) else v)
    stem = _safe_file_stem(name)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{stem}.shp"
        out.to_file(path, driver="ESRI Shapefile", engine="pyogrio", encoding=codec)
        if target == "gcj02":
            (Path(tmp) / f"{stem}.prj").write_text(GCJ02_PRJ, encoding="utf-8")
        files = {f.name: f.read_bytes() for f in sorted(Path(tmp).iterdir())}
    return files, mapping


def _safe_file_stem(name: str) -> str:
    """A file name stem from a layer id: letters, digits, CJK, '_' and '-' only."""
    stem = re.sub(r"[^\w\-]+", "_", str(name), flags=re.UNICODE).strip("_")
    return stem[:60] or "layer"


def shapefile_zip_bytes(
    gdf: gpd.GeoDataFrame, *, name: str, target: str = "wgs84", encoding: str = "UTF-8", meta: ExportMeta | None = None
) -> bytes:
    """A zipped Shapefile (.shp .shx .dbf .prj .cpg) with ``fields.csv`` (name mapping) and ``metadata.txt``."""
    return shapefiles_zip_bytes({name: gdf}, target=target, encoding=encoding, meta=meta)


def shapefiles_zip_bytes(
    layers: dict[str, gpd.GeoDataFrame],
    *,
    target: str = "wgs84",
    encoding: str = "UTF-8",
    meta: ExportMeta | None = None,
) -> bytes:
    """Several Shapefiles in one flat zip (each layer's files side by side, no zip inside the zip), with one
    ``fields.csv`` (layer, shapefile_field, full_name) and one ``metadata.txt``."""
    _check_target(target)
    rows: list[tuple[str, str, str]] = []
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, gdf in layers.items():
            files, mapping = _shapefile_files(gdf, name=name, target=target, encoding=encoding)
            for fname, data in files.items():
                zf.writestr(fname, data)
            rows += [(_safe_file_stem(name), short, full) for full, short in mapping.items()]
        zf.writestr("fields.csv", _fields_csv(rows))
        if meta is not None:
            text = "\n".join(meta.lines(TARGETS[target][2]) + [f"encoding: {encoding}"]) + "\n"
            zf.writestr("metadata.txt", text.encode("utf-8"))
    return buf.getvalue()


def kml_bytes(
    gdf: gpd.GeoDataFrame,
    *,
    name_field: str = "name_zh",
    meta: ExportMeta | None = None,
    target: str = "wgs84",
    name: str = "putuo",
) -> bytes:
    """KML (always lon/lat; ``gcj02`` shifts it for AMap) with placemark names, the layer named ``name``
    and a document description (metadata, and the GCJ-02 warning when shifted)."""
    _check_target(target)
    if TARGETS[target][0] != "EPSG:4326":
        raise ExportError("exp_kml_lonlat", target=target)
    out = to_target(gdf, target)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.kml"
        options = {"NameField": name_field} if name_field in out.columns else {}
        _write_vector(out, path, "KML", layer=_safe_layer_name(name), dataset_options=options)
        text = path.read_text(encoding="utf-8")
    if meta is not None or target == "gcj02":
        from xml.sax.saxutils import escape

        lines = meta.lines(TARGETS[target][2]) if meta is not None else [f"crs: {TARGETS[target][2]}"]
        desc = escape("\n".join(lines))
        text = re.sub(r"(<Document[^>]*>)", lambda m: f"{m.group(1)}<description>{desc}</description>", text, count=1)
    return text.encode("utf-8")


def _cad_text(value: Any) -> str | None:
    """Text for a DXF entity: no line breaks or control characters; characters beyond the BMP as '?'."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = " ".join(str(value).split())
    return "".join(c if ord(c) <= 0xFFFF and ord(c) >= 32 else "?" for c in text) or None


def _cad_layer_name(name: str) -> str:
    return _CAD_FORBIDDEN.sub("_", str(name)).strip()[:255] or "layer"


def dxf_bytes(
    layers: dict[str, gpd.GeoDataFrame],
    *,
    name_field: str = "name_zh",
    target: str = "cgcs2000_gk120",
    meta: ExportMeta | None = None,
    text_height: float | None = None,
    layer_names: Mapping[str, str] | None = None,
) -> bytes:
    """A DXF for CAD users: one CAD layer per feature class, polygons as closed polylines, points as POINTs drawn
    as a circle with a cross, each feature's name as a TEXT entity and all its attributes as XDATA; metadata on a
    METADATA layer and the coordinate system in the header.

    Written as DXF R2004 with ``$DWGCODEPAGE = ANSI_936`` and the text in GBK: the declared code page is
    the real one, so GDAL/QGIS, AutoCAD and ezdxf all read 桃浦智创城 (R2007+ files are UTF-8, which
    AutoCAD reads but GDAL decodes by the code page, showing mojibake). Text uses the style
    ``PUTUO_CJK`` (``gbenor.shx`` + big font ``gbcbig.shx``), also the drawing's default text style; the style
    ``PUTUO_CJK_TTF`` (SimSun, a TrueType font every Chinese Windows has) is there for a CAD without those SHX
    fonts. ``$EXTMIN``/``$EXTMAX`` and the limits are the data's extent and the drawing opens on it, so no
    zoom-extents is needed. Each geometry carries XDATA of the application ``PUTUO``: one ``field=value``
    string per attribute (GBK, at most 255 bytes each).

    Parameters
    ----------
    layer_names : mapping, optional
        CAD layer name per layer id (e.g. Chinese names ``{"subparks": "子园"}``); default the ids.
    """
    _check_target(target)
    doc = ezdxf.new("R2004", setup=True)
    doc.encoding = "gbk"  # ezdxf writes $DWGCODEPAGE = ANSI_936 and encodes the text in GBK
    style = doc.styles.add(DXF_STYLE, font=DXF_FONT)
    style.dxf.bigfont = DXF_BIGFONT
    doc.styles.add(DXF_TTF_STYLE, font=DXF_TTF_FONT).set_extended_font_data(family=DXF_TTF_FAMILY)
    doc.header["$TEXTSTYLE"] = DXF_STYLE
    doc.appids.add(DXF_APPID)
    projected = not gpd.GeoSeries([], crs=TARGETS[target][0]).crs.is_geographic
    doc.header["$INSUNITS"] = 6 if projected else 0  # metres, or unitless degrees
    height = text_height or (20.0 if projected else 0.0002)
    doc.header["$PDMODE"], doc.header["$PDSIZE"] = 34, height * 0.6  # a point shows as a circle with a cross
    doc.header.custom_vars.append("CRS", TARGETS[target][2])
    msp = doc.modelspace()
    targeted = {layer_id: to_target(gdf, target) for layer_id, gdf in layers.items()}
    for i, (layer_id, out) in enumerate(targeted.items()):
        cad_layer = _cad_layer_name((layer_names or {}).get(layer_id, layer_id))
        if cad_layer not in doc.layers:
            doc.layers.add(cad_layer, color=(i % 6) + 1)
        _dxf_layer(msp, out, cad_layer=cad_layer, name_field=name_field, height=height)
    bounds = np.array([g.total_bounds for g in targeted.values() if len(g)]).reshape(-1, 4)
    if meta is not None:
        _dxf_metadata(doc, meta, target=target, height=height, bounds=bounds)
    if len(bounds):
        _dxf_extent(doc, bounds, margin=2 * height)
    stream = io.StringIO()
    doc.write(stream)
    return doc.encode(stream.getvalue())  # GBK, as declared; characters beyond GBK as DXF \U+nnnn escapes


def _dxf_layer(msp: Any, gdf: gpd.GeoDataFrame, *, cad_layer: str, name_field: str, height: float) -> None:
    """One feature class on one CAD layer: geometries with their attributes as XDATA, names as TEXT."""
    attrs = {"layer": cad_layer}
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    for row in gdf.itertuples(index=False):
        geom = getattr(row, gdf.geometry.name)
        if geom is None or geom.is_empty:
            continue
        xdata = _dxf_xdata(dict(zip(columns, row)))
        for part in shapely.get_parts(geom):
            if part.geom_type == "Point":
                entities = [msp.add_point((part.x, part.y), dxfattribs=attrs)]
            elif part.geom_type == "Polygon":
                entities = [
                    msp.add_lwpolyline(np.asarray(ring.coords)[:, :2].tolist(), close=True, dxfattribs=attrs)
                    for ring in [part.exterior, *part.interiors]
                ]
            elif part.geom_type == "LineString":
                entities = [msp.add_lwpolyline(np.asarray(part.coords)[:, :2].tolist(), dxfattribs=attrs)]
            else:
                entities = []
            for entity in entities:
                entity.set_xdata(DXF_APPID, xdata)
        text = _cad_text(dict(zip(columns, row)).get(name_field))
        if text is not None:
            p = geom.representative_point()
            msp.add_text(text, height=height, dxfattribs={**attrs, "style": DXF_STYLE}).set_placement((p.x, p.y))


def _dxf_xdata(values: Mapping[str, Any]) -> list[tuple[int, str]]:
    """A feature's attributes as XDATA strings ``field=value`` (GBK, ≤ 255 bytes each, 16 KB in all)."""
    out: list[tuple[int, str]] = []
    total = 0
    for key, value in values.items():
        text = _cad_text(value)
        if text is None:
            continue
        item = truncate_to_bytes(f"{_cad_text(key)}={text}", encoding="gbk", limit=250)
        total += len(item.encode("gbk", errors="replace")) + 4
        if total > 15_000:
            break
        out.append((1000, item))
    return out


def _dxf_metadata(doc: Any, meta: ExportMeta, *, target: str, height: float, bounds: np.ndarray) -> None:
    """The export's metadata as TEXT lines on the METADATA layer, below the data."""
    doc.layers.add("METADATA", color=7)
    x0, y0 = (bounds[:, 0].min(), bounds[:, 1].min() - 5 * height) if len(bounds) else (0.0, 0.0)
    for k, line in enumerate(meta.lines(TARGETS[target][2])):
        doc.modelspace().add_text(
            _cad_text(line) or "", height=height, dxfattribs={"layer": "METADATA", "style": DXF_STYLE}
        ).set_placement((x0, y0 - 1.5 * k * height))


def _dxf_extent(doc: Any, bounds: np.ndarray, *, margin: float) -> None:
    """$EXTMIN/$EXTMAX and the limits around the data, and the drawing opened on it (no zoom-extents needed)."""
    x0, y0 = bounds[:, 0].min() - margin, bounds[:, 1].min() - 12 * margin
    x1, y1 = bounds[:, 2].max() + margin, bounds[:, 3].max() + margin
    msp = doc.modelspace()  # ezdxf writes the header's extents and limits from the model space's on save
    msp.dxf.extmin, msp.dxf.extmax = (x0, y0, 0.0), (x1, y1, 0.0)
    msp.dxf.limmin, msp.dxf.limmax = (x0, y0), (x1, y1)
    doc.set_modelspace_vport(height=(y1 - y0) * 1.05, center=((x0 + x1) / 2, (y0 + y1) / 2))


# --- spreadsheets: never a formula ------------------------------------------------------------------------------
def neutralise_cell(value: Any, *, guard: str = "'") -> Any:
    """A text cell that a spreadsheet would run as a formula gets ``guard`` in front (default OWASP's single
    quote; the UTF-8 CSV uses an invisible U+200B, see :data:`CSV_GUARD`).

    Only text is changed: numbers (negative ones too), booleans and dates are returned as they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return guard + value
    return value


def _neutralise_frame(df: pd.DataFrame, *, guard: str) -> pd.DataFrame:
    out = pd.DataFrame(df).copy()
    out.columns = [neutralise_cell(str(c), guard=guard) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(lambda v: neutralise_cell(v, guard=guard)).astype(object)
    return out


def csv_encoding(encoding: str) -> str:
    """The CSV encoding name (``UTF-8`` or ``GB18030``) for what a user chose; GBK (and CP936) mean GB18030.
    Raises ExportError for anything else."""
    key = str(encoding).upper().replace("_", "-")
    key = {"UTF8": "UTF-8", "GBK": "GB18030", "CP936": "GB18030"}.get(key, key)
    if key not in CSV_ENCODINGS:
        raise ExportError("exp_bad_encoding", encoding=str(encoding)[:40], expected=list(CSV_ENCODINGS))
    return key


def csv_bytes(df: pd.DataFrame, *, encoding: str = "UTF-8") -> bytes:
    """CSV with CRLF line ends in UTF-8 with a BOM (Excel 2016+, WPS, LibreOffice) or GB18030 (a Chinese Excel's
    double-click). Text cells that start like a formula (``= + - @``, tab, CR), the header too, get the
    encoding's guard (:data:`CSV_GUARD`: an invisible U+200B in UTF-8, ``'`` in GB18030), and any cell holding a
    line break is quoted (a bare CR would otherwise start a new row, and a formula, inside the cell)."""
    key = csv_encoding(encoding)
    frame = _neutralise_frame(df, guard=CSV_GUARD[key])
    return frame.to_csv(index=False, lineterminator="\r\n").encode(CSV_ENCODINGS[key])


def _xlsx_value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (list, tuple)):
        value = "; ".join(map(str, value))
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (pd.Timestamp, date)):
        return value.isoformat() if not isinstance(value, pd.Timestamp) else value.to_pydatetime()
    return _ILLEGAL_XLSX.sub("", str(value))


def _display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text[:200])


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def xlsx_bytes(df: pd.DataFrame, *, sheet: str) -> bytes:
    """An Excel workbook with one sheet. Every text cell is a string cell (type ``s``): Excel, WPS and LibreOffice
    show ``=A1`` as typed and never evaluate it, so no prefix is needed (none is shown, none is in the formula
    bar). Numbers and booleans stay numbers and booleans; characters XLSX cannot hold are dropped."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    name = re.sub(r"[\[\]:*?/\\]", "_", str(sheet)).strip("'")[:31] or "Sheet1"
    ws = wb.create_sheet(name)

    def cell(value: Any) -> WriteOnlyCell:
        v = _xlsx_value(value)
        c = WriteOnlyCell(ws, value=v)
        if isinstance(v, str):
            c.data_type = "s"  # openpyxl would make "=…" a formula cell
        return c

    frame = pd.DataFrame(df)
    for k, column in enumerate(frame.columns):  # wide enough for the header and the first rows (CJK counts double)
        sample = [str(column), *map(str, frame[column].head(200).tolist())]
        width = max(_display_width(v) for v in sample)
        ws.column_dimensions[_column_letter(k + 1)].width = min(60, max(8, width + 2))
    ws.append([cell(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        ws.append([cell(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _layer_table(gdf: gpd.GeoDataFrame, *, target: str, geometry: str, meta: ExportMeta | None) -> pd.DataFrame:
    """The attribute table with the geometry as WKT or x/y (point or representative point), ``_crs`` and
    ``_exported`` columns."""
    out = _plain(to_target(gdf, target))
    frame = pd.DataFrame(out.drop(columns=out.geometry.name))
    if geometry == "wkt":
        frame["wkt"] = shapely.to_wkt(out.geometry.to_numpy(), rounding_precision=8 if out.crs.is_geographic else 3)
    elif geometry == "xy":
        pts = out.geometry.representative_point()
        frame["x"], frame["y"] = pts.x.to_numpy(), pts.y.to_numpy()
    else:
        raise ExportError("exp_csv_geometry", geometry=str(geometry))
    frame["_crs"] = TARGETS[target][2]
    frame["_exported"] = meta.exported if meta and meta.exported else beijing_today()
    return frame


def csv_layer_bytes(
    gdf: gpd.GeoDataFrame,
    *,
    target: str = "wgs84",
    geometry: str = "wkt",
    meta: ExportMeta | None = None,
    encoding: str = "UTF-8",
) -> bytes:
    """CSV (UTF-8 with BOM or GB18030, formula-safe: :func:`csv_bytes`) with the geometry as WKT or x/y plus
    ``_crs`` and ``_exported``."""
    return csv_bytes(_layer_table(gdf, target=target, geometry=geometry, meta=meta), encoding=encoding)


def xlsx_layer_bytes(
    gdf: gpd.GeoDataFrame,
    *,
    target: str = "wgs84",
    geometry: str = "wkt",
    meta: ExportMeta | None = None,
    sheet: str = "layer",
) -> bytes:
    """The same table as :func:`csv_layer_bytes` as an Excel workbook (text cells, never formulas).

    ``_exported`` is a real date cell: with it the second row always holds a typed cell under the all-text first
    row, which is how GDAL/QGIS recognise the header (a table of text columns alone opens as Field1…FieldN).
    """
    table = _layer_table(gdf, target=target, geometry=geometry, meta=meta)
    table["_exported"] = pd.to_datetime(table["_exported"], errors="coerce")
    return xlsx_bytes(table, sheet=sheet)


def export_file_name(layers: Mapping[str, Any], *, fmt: str, target: str, encoding: str = "UTF-8") -> str:
    """The download name: ``putuo_<layers>_<crs>.<ext>``; GCJ-02 files say ``GCJ-02_AMap_not_WGS84``, a GB18030
    CSV says ``_GB18030``."""
    _check_target(target)
    stem = f"putuo_{'_'.join(_safe_file_stem(n) for n in layers)}"[:70] + f"_{FILE_TAGS[target]}"
    if fmt.startswith("csv") and csv_encoding(encoding) == "GB18030":
        stem += "_GB18030"
    ext = {
        "geojson": ".geojson",
        "gpkg": ".gpkg",
        "shp": ".shp.zip",
        "kml": ".kml",
        "dxf": ".dxf",
        "csv_wkt": ".csv",
        "csv_xy": ".csv",
    }[fmt]
    if fmt not in ("gpkg", "dxf", "shp") and len(layers) > 1:
        ext = ".zip"
    return stem + ext


def export_layers(
    layers: dict[str, gpd.GeoDataFrame], *, fmt: str, target: str, meta: ExportMeta, encoding: str = "UTF-8"
) -> tuple[bytes, str, str]:
    """Every chosen layer in one download: (bytes, file name, MIME type).

    GeoPackage, DXF and Shapefile (one flat zip) hold several layers; GeoJSON, KML and CSV give one file
    per layer, zipped when there is more than one. ``encoding``: the Shapefile's (UTF-8, GBK, GB18030) or the
    CSV's (UTF-8 with BOM, or GB18030 — GBK means GB18030); other formats are always UTF-8.
    """
    if fmt not in FORMATS:
        raise ExportError("exp_unknown_format", format=str(fmt), expected=list(FORMATS))
    if not layers:
        raise ExportError("exp_no_layer")
    _check_target(target)
    fname = export_file_name(layers, fmt=fmt, target=target, encoding=encoding if fmt.startswith("csv") else "UTF-8")
    if fmt == "gpkg":
        return gpkg_bytes(layers, meta=meta, target=target), fname, MIME["gpkg"]
    if fmt == "dxf":
        return dxf_bytes(layers, target=target, meta=meta), fname, MIME["dxf"]
    if fmt == "shp":
        return shapefiles_zip_bytes(layers, target=target, encoding=encoding, meta=meta), fname, MIME["shp"]
    files = {}
    for name, gdf in layers.items():
        stem = _safe_file_stem(name)
        if fmt == "geojson":
            files[f"{stem}.geojson"] = geojson_bytes(gdf, meta=meta, target=target, name=name)
        elif fmt == "kml":
            files[f"{stem}.kml"] = kml_bytes(gdf, meta=meta, target=target, name=name)
        else:
            files[f"{stem}.csv"] = csv_layer_bytes(
                gdf, target=target, geometry=fmt.split("_")[1], meta=meta, encoding=encoding
            )
    if len(files) == 1:
        return next(iter(files.values())), fname, MIME[fmt]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for inner, data in files.items():
            zf.writestr(inner, data)
    return buf.getvalue(), fname, MIME["zip"]
