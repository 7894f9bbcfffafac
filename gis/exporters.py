"""Write layers for other tools: GeoJSON, GeoPackage, zipped Shapefile, KML, DXF, CSV, XLSX, in a chosen CRS."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import ezdxf
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.crs import shift_geometries, to_storage
from gis.errors import ExportError

#: Target coordinate systems: id -> (EPSG code written into the file, datum shift, label).
TARGETS: dict[str, tuple[str, str, str]] = {
    "wgs84": ("EPSG:4326", "wgs84", "WGS 84 (EPSG:4326)"),
    "cgcs2000": ("EPSG:4490", "wgs84", "CGCS2000 geographic (EPSG:4490)"),
    "cgcs2000_gk120": ("EPSG:4549", "wgs84", "CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549)"),
    "gcj02": ("EPSG:4326", "gcj02", "GCJ-02 (AMap/Tencent; lon/lat shifted from WGS 84, labelled EPSG:4326)"),
}
FORMATS = ("geojson", "gpkg", "shp", "kml", "dxf", "csv_wkt", "csv_xy")
MIME = {"geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3", "shp": "application/zip",
        "kml": "application/vnd.google-earth.kml+xml", "dxf": "image/vnd.dxf", "csv_wkt": "text/csv",
        "csv_xy": "text/csv", "zip": "application/zip"}




@dataclass(frozen=True)
class ExportMeta:
    """What every export carries: title, sources, accuracy note, date, CRS (filled in per export)."""

    title: str
    source: str = "Putuo Park Planner demonstration data (see the source field of each feature)"
    accuracy: str = "demonstration data: schematic outlines, not official boundaries"
    exported: str = ""

    def lines(self, crs_label: str) -> list[str]:
        return [f"title: {self.title}", f"source: {self.source}", f"accuracy: {self.accuracy}",
                f"exported: {self.exported or date.today().isoformat()}", f"crs: {crs_label}"]


def to_target(gdf: gpd.GeoDataFrame, target: str) -> gpd.GeoDataFrame:
    """A copy of ``gdf`` in the target CRS (GCJ-02: shifted lon/lat labelled EPSG:4326)."""
    if target not in TARGETS:
        raise ExportError(f"Unknown target CRS {target!r}; expected one of {', '.join(TARGETS)}.")
    epsg, datum, _ = TARGETS[target]
    out = to_storage(gdf)
    if datum != "wgs84":
        out = shift_geometries(out, source="wgs84", target=datum)
    return out.to_crs(epsg)


def _plain(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Lists and other objects become text, so every driver can write the columns; the index is dropped."""
    out = gdf.reset_index(drop=True)
    for col in out.columns:
        if col != out.geometry.name and out[col].dtype == object:
            out[col] = out[col].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return out


def shapefile_field_names(columns: list[str]) -> dict[str, str]:
    """Map column names to unique Shapefile (dBASE) names of at most 10 characters.

    Names are cut to 10 characters (ASCII letters, digits and ``_``; others become ``_``); a clash
    keeps the first 8 characters and appends ``_2``, ``_3``… The mapping is written to ``fields.csv``
    inside the zip so the receiver can restore the full names.
    """
    mapping, used = {}, set()
    for col in columns:
        base = re.sub(r"[^A-Za-z0-9_]", "_", col)[:10] or "field"
        name, k = base, 2
        while name.lower() in used:
            name = f"{base[:8]}_{k}"
            k += 1
        used.add(name.lower())
        mapping[col] = name
    return mapping


def _write_vector(gdf: gpd.GeoDataFrame, path: Path, driver: str, **kw) -> None:
    _plain(gdf).to_file(path, driver=driver, engine="pyogrio", **kw)


def geojson_bytes(gdf: gpd.GeoDataFrame, *, meta: ExportMeta | None = None, target: str = "wgs84") -> bytes:
    """GeoJSON in the target CRS (RFC 7946 when WGS 84), with a ``metadata`` member."""
    out = to_target(gdf, target)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "layer.geojson"
        options = {"RFC7946": "YES"} if TARGETS[target][0] == "EPSG:4326" else {}
        _write_vector(out, path, "GeoJSON", layer_options=options)
        doc = json.loads(path.read_text(encoding="utf-8"))
    if meta is not None:
        doc["metadata"] = dict(line.split(": ", 1) for line in meta.lines(TARGETS[target][2]))
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def gpkg_bytes(layers: dict[str, gpd.GeoDataFrame], *, meta: ExportMeta | None = None, target: str | None = None) -> bytes:
    """One GeoPackage holding every (name -> layer), in ``target`` (default: each layer's own CRS), with an
    ``export_metadata`` attribute table."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "layers.gpkg"
        for name, gdf in layers.items():
            _write_vector(to_target(gdf, target) if target else gdf, path, "GPKG", layer=name)
        if meta is not None:
            label = TARGETS[target][2] if target else "as each layer"
            with sqlite3.connect(path) as con:
                con.execute("CREATE TABLE export_metadata (key TEXT PRIMARY KEY, value TEXT)")
                con.executemany("INSERT INTO export_metadata VALUES (?, ?)",
                                [tuple(line.split(": ", 1)) for line in meta.lines(label)])
                con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier) "
                            "VALUES ('export_metadata', 'attributes', 'export_metadata')")
        return path.read_bytes()


def shapefile_zip_bytes(gdf: gpd.GeoDataFrame, *, name: str, target: str = "wgs84", encoding: str = "UTF-8",
                        meta: ExportMeta | None = None) -> bytes:
    """A zipped Shapefile (.shp .shx .dbf .prj .cpg) with ``fields.csv`` (name mapping) and ``metadata.txt``."""
    if encoding.upper() not in ("UTF-8", "GBK", "GB18030"):
        raise ExportError(f"Unsupported Shapefile encoding {encoding!r}; expected UTF-8, GBK or GB18030.")
    out = _plain(to_target(gdf, target))
    mapping = shapefile_field_names([c for c in out.columns if c != out.geometry.name])
    out = out.rename(columns=mapping)
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        path = Path(tmp) / f"{name}.shp"
        out.to_file(path, driver="ESRI Shapefile", engine="pyogrio", encoding=encoding)
        for f in sorted(Path(tmp).iterdir()):
            zf.write(f, f.name)
        zf.writestr("fields.csv", "shapefile_field,full_name\n" + "".join(f"{v},{k}\n" for k, v in mapping.items()))
        if meta is not None:
            zf.writestr("metadata.txt", "\n".join(meta.lines(TARGETS[target][2]) + [f"encoding: {encoding}"]) + "\n")
    return buf.getvalue()


def kml_bytes(gdf: gpd.GeoDataFrame, *, name_field: str = "name_zh", meta: ExportMeta | None = None,
              target: str = "wgs84") -> bytes:
    """KML (always lon/lat; ``gcj02`` shifts it for AMap) with placemark names and a document description."""
    if TARGETS[target][0] != "EPSG:4326":
        raise ExportError(f"KML is lon/lat only; choose wgs84 or gcj02, not {target!r}.")
    out = to_target(gdf, target)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "layer.kml"
        options = {"NameField": name_field} if name_field in out.columns else {}
        _write_vector(out, path, "KML", dataset_options=options)
        text = path.read_text(encoding="utf-8")
    if meta is not None:
        from xml.sax.saxutils import escape

        desc = escape("\n".join(meta.lines(TARGETS[target][2])))
        text = re.sub(r"(<Document[^>]*>)", rf"\1<description>{desc}</description>", text, count=1)
    return text.encode("utf-8")


def dxf_bytes(layers: dict[str, gpd.GeoDataFrame], *, name_field: str = "name_zh", target: str = "cgcs2000_gk120",
              meta: ExportMeta | None = None, text_height: float | None = None) -> bytes:
    """A DXF (R2018, UTF-8) for CAD users: one CAD layer per feature class, polygons as closed
    polylines, points as POINTs, each feature's name as a TEXT entity; metadata on a METADATA layer."""
    doc = ezdxf.new("R2018", setup=True)
    projected = not gpd.GeoSeries([], crs=TARGETS[target][0]).crs.is_geographic
    doc.header["$INSUNITS"] = 6 if projected else 0  # metres, or unitless degrees
    height = text_height or (20.0 if projected else 0.0002)
    msp = doc.modelspace()
    for i, (layer_name, gdf) in enumerate(layers.items()):
        out = to_target(gdf, target)
        doc.layers.add(layer_name, color=(i % 6) + 1)
        for geom, label in zip(out.geometry, out[name_field] if name_field in out.columns else [None] * len(out)):
            if geom is None or geom.is_empty:
                continue
            for part in shapely.get_parts(geom):
                if part.geom_type == "Point":
                    msp.add_point((part.x, part.y), dxfattribs={"layer": layer_name})
                elif part.geom_type == "Polygon":
                    for ring in [part.exterior, *part.interiors]:
                        msp.add_lwpolyline(np.asarray(ring.coords)[:, :2].tolist(), close=True,
                                           dxfattribs={"layer": layer_name})
                elif part.geom_type == "LineString":
                    msp.add_lwpolyline(np.asarray(part.coords)[:, :2].tolist(), dxfattribs={"layer": layer_name})
            if label is not None and not (isinstance(label, float) and np.isnan(label)):
                p = geom.representative_point()
                msp.add_text(str(label), height=height, dxfattribs={"layer": layer_name}).set_placement((p.x, p.y))
    if meta is not None:
        doc.layers.add("METADATA", color=7)
        x0, y0 = (0.0, 0.0)
        if layers:
            bounds = np.array([to_target(g, target).total_bounds for g in layers.values()])
            x0, y0 = bounds[:, 0].min(), bounds[:, 1].min() - 5 * height
        for k, line in enumerate(meta.lines(TARGETS[target][2])):
            msp.add_text(line, height=height, dxfattribs={"layer": "METADATA"}).set_placement((x0, y0 - 1.5 * k * height))
    stream = io.StringIO()
    doc.write(stream)
    return stream.getvalue().encode("utf-8")


def csv_layer_bytes(gdf: gpd.GeoDataFrame, *, target: str = "wgs84", geometry: str = "wkt",
                    meta: ExportMeta | None = None) -> bytes:
    """CSV (UTF-8 with BOM) with the geometry as WKT or as x/y (point or representative point) columns,
    plus ``_crs`` and ``_exported`` columns."""
    out = _plain(to_target(gdf, target))
    frame = pd.DataFrame(out.drop(columns=out.geometry.name))
    if geometry == "wkt":
        frame["wkt"] = shapely.to_wkt(out.geometry.to_numpy(), rounding_precision=8 if out.crs.is_geographic else 3)
    elif geometry == "xy":
        pts = out.geometry.representative_point()
        frame["x"], frame["y"] = pts.x.to_numpy(), pts.y.to_numpy()
    else:
        raise ExportError(f"CSV geometry must be 'wkt' or 'xy'; received {geometry!r}.")
    frame["_crs"] = TARGETS[target][2]
    frame["_exported"] = (meta.exported if meta and meta.exported else date.today().isoformat())
    return csv_bytes(frame)


def csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a BOM, so Excel opens Chinese text correctly."""
    return df.to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(df: pd.DataFrame, *, sheet: str) -> bytes:
    """An Excel workbook with one sheet (openpyxl)."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        df.to_excel(writer, sheet_name=sheet[:31], index=False)
    return buf.getvalue()


def export_layers(layers: dict[str, gpd.GeoDataFrame], *, fmt: str, target: str, meta: ExportMeta,
                  encoding: str = "UTF-8") -> tuple[bytes, str, str]:
    """Every chosen layer in one download: (bytes, file name, MIME type).

    GeoPackage and DXF hold several layers natively; the other formats give one file per layer, zipped
    when there is more than one.
    """
    if fmt not in FORMATS:
        raise ExportError(f"Unknown format {fmt!r}; expected one of {', '.join(FORMATS)}.")
    if not layers:
        raise ExportError("No layer chosen: pick at least one layer to export.")
    stem = f"putuo_{'_'.join(layers)}_{target}"[:80]
    if fmt == "gpkg":
        return gpkg_bytes(layers, meta=meta, target=target), f"{stem}.gpkg", MIME["gpkg"]
    if fmt == "dxf":
        return dxf_bytes(layers, target=target, meta=meta), f"{stem}.dxf", MIME["dxf"]
    files = {}
    for name, gdf in layers.items():
        if fmt == "geojson":
            files[f"{name}.geojson"] = geojson_bytes(gdf, meta=meta, target=target)
        elif fmt == "shp":
            files[f"{name}.shp.zip"] = shapefile_zip_bytes(gdf, name=name, target=target, encoding=encoding, meta=meta)
        elif fmt == "kml":
            files[f"{name}.kml"] = kml_bytes(gdf, meta=meta, target=target)
        else:
            files[f"{name}.csv"] = csv_layer_bytes(gdf, target=target, geometry=fmt.split("_")[1], meta=meta)
    if len(files) == 1:
        fname, data = next(iter(files.items()))
        return data, f"{stem}{fname[fname.index('.'):]}", MIME[fmt]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for fname, data in files.items():
            zf.writestr(fname, data)
    return buf.getvalue(), f"{stem}.zip", MIME["zip"]
