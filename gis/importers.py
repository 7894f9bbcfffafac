"""Read the files officials have (GeoJSON, Shapefile zip, GeoPackage, KML/KMZ, DXF, CSV/XLSX) safely into EPSG:4326.

Every failure raises a subclass of :class:`ImportFailure` (a ValueError) whose message names the file and
the problem; nothing is written outside a private temporary folder; archives are read in place
(/vsizip/), never extracted, after their member names and sizes have been checked.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely

from gis.crs import shift_geometries, to_storage
from gis.errors import (CoordinateError, CRSUnknownError, EmptyFileError, FileTooLargeError,
                        GeometryError, ReadError, SchemaError, UnsafeArchiveError,
                        UnsupportedFormatError)
from gis.settings import SETTINGS






















# DXF text is UTF-8 from every CAD tool of the last decade; closed polylines are the parcels' outlines.
pyogrio.set_gdal_config_options({"DXF_ENCODING": "UTF-8", "DXF_CLOSED_LINE_AS_POLYGON": "TRUE"})

SUFFIXES = {".geojson", ".json", ".gpkg", ".zip", ".kml", ".kmz", ".dxf", ".csv", ".xlsx"}
SHANGHAI = (120.8, 30.6, 122.2, 31.9)
MAX_ZIP_MEMBERS = 200
MAX_RATIO = 100.0

#: Datums of the lon/lat choices; "gcj02"/"bd09" are converted to WGS84 on import.
LONLAT_CHOICES = {"EPSG:4326": "wgs84", "EPSG:4490": "wgs84", "GCJ-02": "gcj02", "BD-09": "bd09"}
#: Projected systems recognised from coordinate ranges (x range, y range): code, label.
PROJECTED_GUESSES = [
    ((400_000, 800_000), (3_300_000, 3_600_000), "EPSG:4549", "CGCS2000 / 3-degree GK CM 120E"),
    ((200_000, 450_000), (3_300_000, 3_600_000), "EPSG:4550", "CGCS2000 / 3-degree GK CM 123E (= 6-degree CM 123E)"),
    ((40_400_000, 40_800_000), (3_300_000, 3_600_000), "EPSG:4528", "CGCS2000 / 3-degree GK zone 40 (zone prefix)"),
    ((41_200_000, 41_450_000), (3_300_000, 3_600_000), "EPSG:4529", "CGCS2000 / 3-degree GK zone 41 (zone prefix)"),
    ((21_200_000, 21_450_000), (3_300_000, 3_600_000), "EPSG:4499", "CGCS2000 / 6-degree GK zone 21 (zone prefix)"),
]
X_NAMES = ("lon", "lng", "longitude", "经度", "x", "东坐标", "easting")
Y_NAMES = ("lat", "latitude", "纬度", "y", "北坐标", "northing")


@dataclass(frozen=True)
class Limits:
    max_mb: float = SETTINGS.max_upload_mb
    max_unzipped_mb: float = 10 * SETTINGS.max_upload_mb
    max_features: int = 500_000


@dataclass
class ImportResult:
    """A layer read from a file, in EPSG:4326, with what was detected and every repair made."""

    gdf: gpd.GeoDataFrame
    source_crs: str
    crs_how: str                      # "file", "guessed", "chosen"
    encoding: str
    layer: str
    layers: list[str]
    notes: list[str] = field(default_factory=list)
    crs_candidates: list[tuple[str, str]] = field(default_factory=list)

    @property
    def geometry_types(self) -> dict[str, int]:
        return self.gdf.geometry.geom_type.value_counts().to_dict()


def file_signature(columns: list[str], layer_kind: str) -> str:
    """A stable key for 'this kind of file' (its sorted column names and the target layer)."""
    return hashlib.sha1(json.dumps([layer_kind, sorted(map(str, columns))], ensure_ascii=False).encode()).hexdigest()[:16]


# --- archive and size safety -------------------------------------------------------------------------
def check_zip(filename: str, data: bytes, *, limits: Limits) -> list[str]:
    """Check a zip before anything reads it; return its member names.

    Refuses members whose path is absolute or leaves the archive (``..``), more than 200 members, a
    total uncompressed size over the limit, or a compression ratio over 100 (a zip bomb).
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise ReadError(f"{filename}: not a readable zip archive ({exc}).") from exc
    if len(infos) > MAX_ZIP_MEMBERS:
        raise UnsafeArchiveError(f"{filename}: {len(infos)} files in the archive; at most {MAX_ZIP_MEMBERS} are accepted.")
    total = 0
    for info in infos:
        p = PurePosixPath(info.filename.replace("\\", "/"))
        if p.is_absolute() or ".." in p.parts or re.match(r"^[A-Za-z]:", info.filename):
            raise UnsafeArchiveError(f"{filename}: member {info.filename!r} points outside the archive; refused.")
        total += info.file_size
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1_000_000:
            raise UnsafeArchiveError(f"{filename}: member {info.filename!r} expands {info.file_size / info.compress_size:.0f}"
                                     f" times ({info.file_size / 1e6:.0f} MB); refused as a possible zip bomb.")
    if total > limits.max_unzipped_mb * 1024 * 1024:
        raise UnsafeArchiveError(f"{filename}: {total / 1024 / 1024:.0f} MB once unpacked, over the "
                                 f"{limits.max_unzipped_mb:g} MB limit.")
    return [i.filename for i in infos]


def _dbf_encoding(zf_bytes: bytes, members: list[str]) -> str | None:
    """For a zipped Shapefile without .cpg: UTF-8 if the .dbf decodes as UTF-8, else GB18030 (GBK)."""
    if any(m.lower().endswith(".cpg") for m in members):
        return None
    dbf = next((m for m in members if m.lower().endswith(".dbf")), None)
    if dbf is None:
        return None
    raw = zipfile.ZipFile(io.BytesIO(zf_bytes)).read(dbf)
    header = int.from_bytes(raw[8:10], "little") if len(raw) > 10 else 0
    body = raw[header:]
    if not any(b >= 0x80 for b in body):
        return None
    try:
        body.decode("utf-8")
        return "UTF-8"
    except UnicodeDecodeError:
        return "GB18030"


# --- CRS ---------------------------------------------------------------------------------------------
def guess_crs(x: np.ndarray, y: np.ndarray) -> list[tuple[str, str]]:
    """Candidate CRSs for coordinates with none declared, most likely first: (code, why)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return []
    mx, my = float(np.median(x[ok])), float(np.median(y[ok]))
    x0, y0, x1, y1 = SHANGHAI
    if x0 <= mx <= x1 and y0 <= my <= y1:
        return [("EPSG:4326", "lon/lat in Shanghai: WGS84 (or CGCS2000, GCJ-02, BD-09 — choose if you know)"),
                ("EPSG:4490", "CGCS2000 lon/lat"), ("GCJ-02", "AMap/Tencent lon/lat"), ("BD-09", "Baidu lon/lat")]
    if x0 <= my <= x1 and y0 <= mx <= y1:
        return [("SWAP", "lat/lon order: the first coordinate looks like a latitude")]
    return [(code, f"{label}: x ≈ {mx:,.0f}, y ≈ {my:,.0f}") for (xr, yr, code, label) in PROJECTED_GUESSES
            if xr[0] <= mx <= xr[1] and yr[0] <= my <= yr[1]]


def _to_wgs84(gdf: gpd.GeoDataFrame, crs: str, filename: str) -> gpd.GeoDataFrame:
    """Reproject/shift a layer whose coordinates are in ``crs`` (EPSG code, PROJ string, GCJ-02, BD-09)."""
    if crs == "SWAP":
        swapped = gdf.set_geometry(shapely.transform(gdf.geometry.to_numpy(), lambda c: c[:, ::-1]), crs=None)
        return swapped.set_crs("EPSG:4326", allow_override=True)
    if crs in LONLAT_CHOICES:
        out = gdf.set_crs("EPSG:4326", allow_override=True)
        datum = LONLAT_CHOICES[crs]
        return out if datum == "wgs84" else shift_geometries(out, source=datum, target="wgs84")
    try:
        parsed = pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError as exc:
        raise CRSUnknownError(f"{filename}: {crs!r} is not a coordinate system pyproj understands ({exc}). "
                              "Expected an EPSG code such as EPSG:4549 or a PROJ string.") from exc
    return to_storage(gdf.set_crs(parsed, allow_override=True))


# --- reading -----------------------------------------------------------------------------------------
def _read_table(filename: str, path: Path, suffix: str, xy: tuple[str, str] | None) -> tuple[gpd.GeoDataFrame, str]:
    if suffix == ".xlsx":
        try:
            df = pd.read_excel(path)
        except Exception as exc:  # openpyxl raises many types for broken files
            raise ReadError(f"{filename}: cannot be read as an Excel workbook ({exc}).") from exc
        encoding = "xlsx"
    else:
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ReadError(f"{filename}: the text is neither UTF-8 nor GBK/GB18030.")
        try:
            df = pd.read_csv(io.StringIO(text))
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise ReadError(f"{filename}: not a readable CSV table ({exc}).") from exc
    if df.empty:
        raise EmptyFileError(f"{filename}: the table has no rows.")
    if "wkt" in {c.lower() for c in df.columns} and xy is None:
        col = next(c for c in df.columns if c.lower() == "wkt")
        try:
            geoms = shapely.from_wkt(df[col].astype(str).to_numpy())
        except shapely.errors.GEOSException as exc:
            raise ReadError(f"{filename}: column {col!r} holds text that is not WKT ({exc}).") from exc
        return gpd.GeoDataFrame(df.drop(columns=[col]), geometry=geoms), encoding
    if xy is None:
        lower = {str(c).strip().lower(): c for c in df.columns}
        xcol = next((lower[n] for n in X_NAMES if n in lower), None)
        ycol = next((lower[n] for n in Y_NAMES if n in lower), None)
        if xcol is None or ycol is None:
            raise SchemaError(f"{filename}: no coordinate columns found. Expected lon/lat (经度/纬度) or x/y columns, "
                              f"or a wkt column; the table has {list(df.columns)}.")
        xy = (xcol, ycol)
    x = pd.to_numeric(df[xy[0]], errors="coerce").to_numpy(float)
    y = pd.to_numeric(df[xy[1]], errors="coerce").to_numpy(float)
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(x, y)), encoding


def read_upload(filename: str, data: bytes, *, layer: str | None = None, crs: str | None = None,
                xy: tuple[str, str] | None = None, expect: str = "polygon", limits: Limits = Limits()) -> ImportResult:
    """Read one uploaded file into EPSG:4326, checking everything on the way.

    Parameters
    ----------
    layer : str, optional
        Which layer of a multi-layer file (GeoPackage, KML); default the first.
    crs : str, optional
        Overrides the file's CRS or the guess: an EPSG code, a PROJ string, ``GCJ-02``, ``BD-09``
        or ``SWAP`` (the file has lat/lon order).
    xy : (str, str), optional
        The x/lon and y/lat columns of a CSV/XLSX (detected when omitted).
    expect : {"polygon", "point", "any"}
        Geometry family the target layer needs.
    """
    name = Path(filename).name
    suffix = "".join(Path(name).suffixes[-2:]).lower() if name.lower().endswith(".shp.zip") else Path(name).suffix.lower()
    suffix = ".zip" if suffix == ".shp.zip" else suffix
    if suffix not in SUFFIXES:
        raise UnsupportedFormatError(f"{name}: unsupported file type {suffix or '(none)'}. Expected one of "
                                     f"{', '.join(sorted(SUFFIXES))}.")
    if len(data) > limits.max_mb * 1024 * 1024:
        raise FileTooLargeError(f"{name}: {len(data) / 1024 / 1024:.1f} MB is over the {limits.max_mb:g} MB limit.")
    if not data:
        raise EmptyFileError(f"{name}: the file is empty (0 bytes).")
    notes: list[str] = []
    encoding = "UTF-8"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        source = str(path)
        read_kw: dict = {}
        if suffix in (".zip", ".kmz"):
            members = check_zip(name, data, limits=limits)
            if suffix == ".kmz":
                kml = next((m for m in members if m.lower().endswith(".kml")), None)
                if kml is None:
                    raise ReadError(f"{name}: a KMZ must contain a .kml file; found {members}.")
                source = f"/vsizip/{path}/{kml}"
            else:
                shp = [m for m in members if m.lower().endswith(".shp")]
                if len(shp) != 1:
                    raise ReadError(f"{name}: a zipped Shapefile must hold exactly one .shp; found {shp or 'none'}.")
                source = f"/vsizip/{path}/{shp[0]}"
                detected = _dbf_encoding(data, members)
                if detected:
                    read_kw["encoding"] = detected
                    encoding = detected
                    notes.append(f"no .cpg in the archive: attribute text decoded as {detected}")
                else:
                    cpg = next((m for m in members if m.lower().endswith(".cpg")), None)
                    if cpg:
                        encoding = zipfile.ZipFile(io.BytesIO(data)).read(cpg).decode("ascii", "replace").strip()
        if suffix in (".csv", ".xlsx"):
            gdf, encoding = _read_table(name, path, suffix, xy)
            layers, layer_name = [name], name
        else:
            try:
                layers = [str(n) for n, _ in pyogrio.list_layers(source)]
                if not layers:
                    raise EmptyFileError(f"{name}: the file holds no layer.")
                layer_name = layer if layer is not None else layers[0]
                if layer_name not in layers:
                    raise SchemaError(f"{name}: no layer {layer_name!r}; the file has {layers}.")
                gdf = gpd.read_file(source, layer=layer_name, engine="pyogrio", **read_kw)
            except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError,
                    pyogrio.errors.GeometryError, pyogrio.errors.CRSError, UnicodeDecodeError) as exc:
                raise ReadError(f"{name}: cannot be read ({str(exc).splitlines()[0][:200]}). The file may be "
                                "truncated or not what its name says.") from exc
    if gdf.empty:
        raise EmptyFileError(f"{name}: the layer {layer_name!r} has no features.")
    if len(gdf) > limits.max_features:
        raise FileTooLargeError(f"{name}: {len(gdf):,} features; at most {limits.max_features:,} are accepted.")
    return _clean(name, gdf, crs=crs, expect=expect, encoding=encoding, layer=layer_name, layers=layers, notes=notes)


def _clean(name: str, gdf: gpd.GeoDataFrame, *, crs, expect, encoding, layer, layers, notes) -> ImportResult:
    geoms = gdf.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.all():
        raise GeometryError(f"{name}: no feature has a geometry (the file may be truncated or damaged).")
    if missing.any():
        notes.append(f"{int(missing.sum())} feature(s) without geometry dropped (rows {list(np.flatnonzero(missing)[:10])})")
        gdf = gdf[~missing]
        geoms = gdf.geometry.to_numpy()
    coords = shapely.get_coordinates(geoms, include_z=False)
    bad = ~np.isfinite(coords).all(axis=1)
    if bad.any():
        rows = np.unique(shapely.get_coordinates(geoms, return_index=True)[1][bad])
        raise CoordinateError(f"{name}: NaN or infinite coordinates in {len(rows)} feature(s) "
                              f"(rows {list(rows[:10])}). Fix them in the source file.")
    if shapely.has_z(geoms).any():
        notes.append("3D (Z) coordinates dropped: the app works in 2D")
        geoms = shapely.force_2d(geoms)
    type_names = np.array(["Point", "LineString", "LinearRing", "Polygon", "MultiPoint", "MultiLineString",
                           "MultiPolygon", "GeometryCollection"])
    family_of = np.array(["point", "line", "line", "polygon", "point", "line", "polygon", "other"])
    ids, counts = np.unique(shapely.get_type_id(geoms), return_counts=True)
    types = dict(zip(type_names[ids], counts.tolist()))
    families = set(family_of[ids])
    if len(families) > 1:
        raise GeometryError(f"{name}: mixed geometry types {types}; one layer must hold "
                            "one kind (polygons, points or lines). Split the file.")
    if expect != "any" and families != {expect}:
        raise GeometryError(f"{name}: geometry type {sorted(types)}; this layer needs {expect}s.")
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    # CRS: from the file, the user's choice, or a guess
    candidates: list[tuple[str, str]] = []
    if crs is not None:
        how, source_crs = "chosen", crs
    elif gdf.crs is not None:
        how, source_crs = "file", gdf.crs.to_string()
    else:
        candidates = guess_crs(coords[:, 0], coords[:, 1])
        if not candidates:
            raise CRSUnknownError(f"{name}: no coordinate system in the file and none fits coordinates around "
                                  f"x ≈ {np.median(coords[:, 0]):,.0f}, y ≈ {np.median(coords[:, 1]):,.0f}. "
                                  "Choose one (EPSG code or PROJ string) and import again.")
        how, source_crs = "guessed", candidates[0][0]
        notes.append(f"no CRS in the file: guessed {source_crs} ({candidates[0][1]}); confirm or choose another")
    out = _to_wgs84(gdf, source_crs, name) if how != "file" else to_storage(gdf)
    x0, y0, x1, y1 = out.total_bounds
    sx0, sy0, sx1, sy1 = SHANGHAI
    if not (sx0 <= x0 and x1 <= sx1 and sy0 <= y0 and y1 <= sy1):
        far = ~out.geometry.intersects(shapely.box(*SHANGHAI))
        raise CoordinateError(f"{name}: {int(far.sum())} feature(s) lie outside Shanghai once read as {source_crs} "
                              f"(extent {x0:.3f},{y0:.3f} – {x1:.3f},{y1:.3f}). Is the CRS right, or are lat/lon swapped?")
    # repair invalid polygons, and say which
    g = out.geometry.to_numpy()
    invalid = ~shapely.is_valid(g)
    if invalid.any():
        repaired = shapely.make_valid(g[invalid])
        if expect == "polygon":
            repaired = np.array([shapely.union_all([p for p in shapely.get_parts(r) if p.geom_type in ("Polygon", "MultiPolygon")])
                                 for r in repaired], dtype=object)
        dead = shapely.is_empty(repaired)
        if dead.any():
            raise GeometryError(f"{name}: {int(dead.sum())} invalid geometr(y/ies) cannot be repaired into {expect}s "
                                f"(rows {list(np.flatnonzero(invalid)[dead][:10])}).")
        g = g.copy()
        g[invalid] = repaired
        out = out.set_geometry(gpd.GeoSeries(g, index=out.index, crs=out.crs))
        notes.append(f"{int(invalid.sum())} invalid geometr(y/ies) repaired with make_valid "
                     f"(rows {list(np.flatnonzero(invalid)[:10])})")
    return ImportResult(gdf=out, source_crs=source_crs, crs_how=how, encoding=encoding, layer=layer, layers=layers,
                        notes=notes, crs_candidates=candidates)


# --- mapping to the app's schema ---------------------------------------------------------------------
TARGET_FIELDS = {
    "subparks": ["id", "name_zh", "name_en", "cluster", "industries_zh"],
    "parcels": ["id", "name_zh", "current_use", "intended_use", "plot_ratio"],
    "buildings": ["id", "name_zh", "kind", "subpark_id"],
}
REQUIRED = {"subparks": ["id", "name_zh", "cluster"], "parcels": ["id", "name_zh"], "buildings": ["id", "name_zh"]}
SYNONYMS = {
    "id": ["id", "编号", "代码", "code", "fid", "objectid", "parcel_id", "地块编号"],
    "name_zh": ["name_zh", "名称", "name", "子园名称", "地块名称", "名字", "title"],
    "name_en": ["name_en", "english", "英文名称", "name_eng"],
    "cluster": ["cluster", "区块", "组团", "block"],
    "industries_zh": ["industries_zh", "产业定位", "industry", "产业"],
    "current_use": ["current_use", "现状用途", "用途", "use", "landuse"],
    "intended_use": ["intended_use", "拟引入产业", "规划用途"],
    "plot_ratio": ["plot_ratio", "容积率", "far"],
    "kind": ["kind", "类型", "type"],
    "subpark_id": ["subpark_id", "所属子园", "子园编号"],
}


def guess_mapping(columns: list[str], layer_kind: str) -> dict[str, str | None]:
    """For each target field, the file column that most likely holds it (or None)."""
    lower = {str(c).strip().lower(): c for c in columns}
    return {f: next((lower[s.lower()] for s in SYNONYMS.get(f, [f]) if s.lower() in lower), None)
            for f in TARGET_FIELDS[layer_kind]}


def apply_mapping(result: ImportResult, mapping: dict[str, str | None], *, layer_kind: str,
                  source_note: str) -> gpd.GeoDataFrame:
    """The imported layer with the app's column names; ids must be unique; ``source``/``accuracy`` set."""
    missing = [f for f in REQUIRED[layer_kind] if not mapping.get(f) and f != "id"]
    if missing:
        raise SchemaError(f"Map the column(s) for {missing}: they are required for {layer_kind}.")
    src = result.gdf
    out = gpd.GeoDataFrame(index=src.index, geometry=src.geometry, crs=src.crs)
    for f in TARGET_FIELDS[layer_kind]:
        col = mapping.get(f)
        out[f] = src[col].astype(str).str.strip() if col else ""
    if not mapping.get("id"):
        out["id"] = [f"I{i + 1:04d}" for i in range(len(out))]
    dup = out["id"][out["id"].duplicated()].unique()
    if len(dup):
        raise SchemaError(f"Duplicate ids in column {mapping.get('id')!r}: {list(dup[:10])}. Each feature needs its own id.")
    if layer_kind == "subparks":
        bad = sorted(set(out["cluster"]) - {"north", "south"})
        if bad:
            repl = {"北": "north", "北区块": "north", "南": "south", "南区块": "south"}
            out["cluster"] = out["cluster"].map(lambda c: repl.get(c, c))
            bad = sorted(set(out["cluster"]) - {"north", "south"})
            if bad:
                raise SchemaError(f"Cluster values {bad} are not north/south (北/南).")
    if layer_kind in ("subparks", "parcels") and "name_en" not in out:
        out["name_en"] = out["name_zh"]
    if "name_en" in out and (out["name_en"] == "").all():
        out["name_en"] = out["name_zh"]
    out["source"] = source_note
    out["accuracy"] = "as supplied in the imported file"
    if layer_kind == "parcels":
        from gis.crs import to_metric

        out["area_m2"] = to_metric(out).area.round(1).to_numpy()
        ratio = pd.to_numeric(out["plot_ratio"], errors="coerce")
        out["plot_ratio"] = ratio
        out["potential_floor_area_m2"] = (out["area_m2"] * ratio).round(0)
        out["current_use_zh"] = out["current_use_en"] = out["current_use"]
        out["status"] = ""
    from gis.datasets import LAYER_FILES

    for col in LAYER_FILES[layer_kind][2]:  # every schema column exists, empty when the file has none
        if col not in out:
            out[col] = None if col.endswith(("_m2", "_km2")) else ""
    return out.reset_index(drop=True)


def diff_layers(current: gpd.GeoDataFrame, new: gpd.GeoDataFrame) -> dict:
    """What replacing ``current`` by ``new`` changes, by id: added, removed, changed (geometry moved
    more than 1 m or name changed), and the total area before/after (km2, EPSG:4549)."""
    from gis.crs import to_metric

    cur = to_metric(current).set_index("id")
    nxt = to_metric(new).set_index("id")
    common_ids = cur.index.intersection(nxt.index)
    moved = [i for i in common_ids if shapely.hausdorff_distance(cur.geometry[i], nxt.geometry[i]) > 1.0
             or str(cur.get("name_zh", pd.Series(dtype=str)).get(i, "")) != str(nxt.get("name_zh", pd.Series(dtype=str)).get(i, ""))]
    area = lambda g: float(g.geometry.area.sum()) / 1e6 if g.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all() else 0.0  # noqa: E731
    return {"added": sorted(set(nxt.index) - set(cur.index)), "removed": sorted(set(cur.index) - set(nxt.index)),
            "changed": sorted(moved), "area_before_km2": area(cur), "area_after_km2": area(nxt)}


def read_uploaded_polygons(filename: str, data: bytes, *, max_mb: float = SETTINGS.max_upload_mb) -> gpd.GeoDataFrame:
    """Polygons of an uploaded file in EPSG:4326 (the parcels page's quick path); raises ImportFailure."""
    return read_upload(filename, data, expect="polygon", limits=Limits(max_mb=max_mb)).gdf

