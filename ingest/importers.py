"""Read the files officials have (GeoJSON, Shapefile zip, GeoPackage, KML/KMZ, DXF, CSV/XLSX) safely into EPSG:4326.

Everything a user uploads is treated as hostile:

- Archives (zip, KMZ, XLSX) are read through :class:`ingest.archives.SafeZip`: every byte actually inflated
  is counted against the limits, whatever the archive declares. Members GDAL needs are extracted through
  it into a private temporary folder under names this module chooses; GDAL never opens an archive.
- A file's content is checked against its format before GDAL sees it (a "GeoJSON" must start with ``{``,
  a KML may not declare XML entities, a GeoPackage must be SQLite…), and the driver GDAL picked is checked.
- A coordinate system typed by the user or declared by the file goes through :func:`gis.crs.parse_user_crs`
  rules: nothing that makes PROJ open a file; a declared CRS that cannot or may not be used is refused.
- XLSX is an archive too: rows, cells and columns are counted in the compressed XML before openpyxl reads
  it (read-only, streaming, bounded).
- :func:`read_upload_isolated` runs the whole read in a worker process with memory, CPU and wall-clock
  limits (:mod:`ingest.sandbox`), so a bomb only ever stops its own worker.

Every refusal is an :class:`~gis.errors.ImportFailure` built from a catalogue code; notes are
:class:`~text.messages.Message` objects; messages never show a temporary path, a GDAL build path, a numpy
repr or a number hundreds of digits long.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import math
import re
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely

from gis.crs import (
    METRIC_CRS,
    check_crs_usable,
    crs_text_problem,
    parse_user_crs,
    shift_geometries,
    to_metric,
    to_storage,
)
from gis.errors import (
    CoordinateError,
    CRSError,
    CRSUnknownError,
    EmptyFileError,
    FileTooLargeError,
    GeometryError,
    ImportFailure,
    ReadError,
    SchemaError,
    UnsafeArchiveError,
    UnsafeContentError,
    UnsupportedFormatError,
)
from gis.settings import SETTINGS
from ingest.archives import MB, SafeZip, ZipLimits
from text.clip import clip_text, truncate_to_bytes
from text.messages import Message, msg

SUFFIXES = (".geojson", ".json", ".gpkg", ".zip", ".kml", ".kmz", ".dxf", ".csv", ".xlsx")
SHANGHAI = SETTINGS.shanghai_bbox
#: Formats a zip may hold instead of shapefiles (one file, read as if uploaded on its own).
ZIP_INNER = (".gpkg", ".geojson", ".json", ".kml", ".dxf", ".csv", ".xlsx")
#: GDAL drivers accepted for each format (anything else means the content is not what the name says).
DRIVERS = {"geojson": {"GeoJSON", "GeoJSONSeq", "ESRIJSON", "TopoJSON", "JSONFG"}, "gpkg": {"GPKG"},
           "kml": {"KML", "LIBKML"}, "dxf": {"DXF"}, "shp": {"ESRI Shapefile"}}
FORMAT_LABEL = {"geojson": "GeoJSON", "gpkg": "GeoPackage", "kml": "KML", "kmz": "KMZ", "dxf": "DXF",
                "zip": "zip", "shp": "Shapefile", "csv": "CSV", "xlsx": "Excel (XLSX)"}
#: Columns LIBKML adds to every KML layer; dropped when they are empty.
KML_STANDARD = ("id", "description", "timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude",
                "visibility", "drawOrder", "icon", "snippet")

#: Datums of the lon/lat choices; "gcj02"/"bd09" are converted to WGS84 on import.
LONLAT_CHOICES = {"EPSG:4326": "wgs84", "EPSG:4490": "wgs84", "GCJ-02": "gcj02", "BD-09": "bd09"}
#: Spellings accepted for the special choices (case-insensitive, without spaces).
SPECIAL_CRS = {"gcj-02": "GCJ-02", "gcj02": "GCJ-02", "gcj": "GCJ-02", "amap": "GCJ-02", "bd-09": "BD-09",
               "bd09": "BD-09", "baidu": "BD-09", "swap": "SWAP", "latlon": "SWAP"}
#: Projected systems recognised from coordinate ranges (x range, y range): code, name message.
PROJECTED_GUESSES = [
    ((400_000, 800_000), (3_300_000, 3_600_000), "EPSG:4549", "crs_name_4549"),
    ((200_000, 450_000), (3_300_000, 3_600_000), "EPSG:4550", "crs_name_4550"),
    ((40_400_000, 40_800_000), (3_300_000, 3_600_000), "EPSG:4528", "crs_name_4528"),
    ((41_200_000, 41_450_000), (3_300_000, 3_600_000), "EPSG:4529", "crs_name_4529"),
    ((21_200_000, 21_450_000), (3_300_000, 3_600_000), "EPSG:4499", "crs_name_4499"),
]
X_NAMES = ("lon", "lng", "long", "longitude", "经度", "东经", "x", "x坐标", "东坐标", "横坐标", "easting",
           "point_x", "xcoord", "e")
Y_NAMES = ("lat", "latitude", "纬度", "北纬", "y", "y坐标", "北坐标", "纵坐标", "northing", "point_y", "ycoord", "n")
WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "几何", "图形")
Expect = Literal["polygon", "point", "line", "any"]

#: DXF header code pages -> Python/GDAL encodings (R2007 and later are always UTF-8).
DXF_CODEPAGES = {"ANSI_936": "GB18030", "ANSI_1252": "CP1252", "ANSI_950": "CP950", "ANSI_932": "CP932",
                 "ANSI_949": "CP949", "ANSI_65001": "UTF-8"}
#: .cpg contents -> encoding names GDAL and Python both know.
CPG_ENCODINGS = {"UTF-8": "UTF-8", "UTF8": "UTF-8", "65001": "UTF-8", "GBK": "GB18030", "CP936": "GB18030",
                 "936": "GB18030", "GB2312": "GB18030", "GB18030": "GB18030", "ANSI 936": "GB18030",
                 "1252": "CP1252", "CP1252": "CP1252", "ISO-8859-1": "ISO-8859-1", "LATIN1": "ISO-8859-1",
                 "88591": "ISO-8859-1", "ISO88591": "ISO-8859-1", "BIG5": "CP950", "950": "CP950"}
#: How an encoding named by a .cpg is shown (it is read with the superset of CPG_ENCODINGS).
CPG_LABELS = {"GBK": "GBK", "CP936": "GBK", "936": "GBK", "ANSI 936": "GBK", "GB2312": "GB2312"}
#: dBASE language driver ids of the Chinese code pages (header byte 29).
DBF_LDID_GBK = {0x4D, 0x7A}

#: Formats read through Arrow (the same values as a feature-by-feature read, see :func:`_arrow_read`). The
#: others keep pyogrio's feature-by-feature read: through Arrow a truncated shapefile reads as features without
#: geometry instead of failing, GeoJSON dates come as dates, KML's empty standard fields as text.
ARROW_FORMATS = ("gpkg",)

_GDAL_LOCK = threading.Lock()  # DXF_ENCODING is a process-wide GDAL option: one DXF read at a time


@dataclass(frozen=True)
class Limits:
    """What one upload may make the reader do (defaults: ``SETTINGS``)."""

    max_mb: float = SETTINGS.max_upload_mb
    max_unzipped_mb: float = SETTINGS.max_unzipped_mb
    max_features: int = SETTINGS.max_import_features
    max_members: int = SETTINGS.max_zip_members
    max_ratio: float = SETTINGS.max_zip_ratio
    max_xlsx_ratio: float = SETTINGS.max_xlsx_ratio
    max_rows: int = SETTINGS.max_table_rows
    max_cells: int = SETTINGS.max_table_cells
    max_columns: int = SETTINGS.max_table_columns

    def zip_limits(self, *, ratio: float | None = None) -> ZipLimits:
        return ZipLimits(max_members=self.max_members, max_total_bytes=int(self.max_unzipped_mb * MB),
                         max_ratio=self.max_ratio if ratio is None else ratio)


@dataclass(frozen=True)
class ImportResult:
    """A layer read from a file, in EPSG:4326, with what was detected and every repair made.

    ``crs_how`` is ``"file"`` (declared by the file), ``"guessed"`` (from the coordinates: the user must
    confirm it, see :attr:`needs_confirmation`) or ``"chosen"`` (given by the user). ``layer`` and
    ``layers`` are the names the user knows (file name, shapefile name, GeoPackage layer), never an
    internal name. ``notes`` says what was repaired or assumed.
    """

    gdf: gpd.GeoDataFrame
    source_crs: str
    crs_how: str
    encoding: str
    layer: str
    layers: list[str]
    notes: list[Message] = field(default_factory=list)
    crs_candidates: list[tuple[str, Message]] = field(default_factory=list)
    #: Planar area (m²) of each feature of ``gdf`` in the measuring CRS (EPSG:4549), when the file was already
    #: in it: measured on the file's own coordinates before they were reprojected, so :func:`apply_mapping`
    #: need not reproject the layer back (a million parcels: 3 s). None otherwise. A copy of the result with
    #: another ``gdf`` must leave it out.
    metric_area_m2: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def geometry_types(self) -> dict[str, int]:
        """Geometry type -> number of features (plain ints)."""
        return {str(k): int(v) for k, v in self.gdf.geometry.geom_type.value_counts().items()}

    @property
    def needs_confirmation(self) -> bool:
        """True when the CRS was guessed: ask the user before using the layer."""
        return self.crs_how == "guessed"

    @property
    def columns(self) -> list[str]:
        """The attribute columns (geometry left out)."""
        return [str(c) for c in self.gdf.columns if c != self.gdf.geometry.name]


@dataclass(frozen=True)
class TableInfo:
    """The header of a CSV/XLSX table, for the page's column pickers (see :func:`inspect_table`).

    Attributes
    ----------
    columns : tuple of str
        Column names as text (a numeric or empty header becomes text, e.g. ``2024`` or ``column_3``).
    encoding : str
        ``UTF-8``, ``GB18030`` (GBK), ``UTF-16`` or ``xlsx``.
    x_guess, y_guess : str or None
        The columns recognised as lon/x and lat/y (经度/纬度, 东经/北纬, x/y …).
    wkt_column : str or None
        A column of WKT geometries, when there is one.
    sample_rows : int
        Rows read to build this (at most 20).
    """

    columns: tuple[str, ...]
    encoding: str
    x_guess: str | None
    y_guess: str | None
    wkt_column: str | None
    sample_rows: int


def file_signature(columns: list[str], layer_kind: str) -> str:
    """A stable key for 'this kind of file' (its sorted column names and the target layer)."""
    key = json.dumps([layer_kind, sorted(map(str, columns))], ensure_ascii=False)
    return hashlib.sha1(key.encode()).hexdigest()[:16]


# --- names, numbers and GDAL messages shown to users ----------------------------------------------------------
def display_name(filename: str) -> str:
    """The file's own name as the user knows it: no folders, no control characters, at most 120 characters."""
    base = re.split(r"[\\/]", str(filename or ""))[-1]
    base = "".join(c for c in base if ord(c) >= 32 and c not in "\x7f\u202e\u202d\u200e\u200f").strip()
    return clip_text(base, 120) or "?"


def _suffix(name: str) -> str:
    lower = name.lower()
    if lower.endswith(".shp.zip"):
        return ".zip"
    return PurePosixPath(lower).suffix


def _format_of(name: str) -> str | None:
    suffix = _suffix(name)
    if suffix not in SUFFIXES:
        return None
    return {".json": "geojson", ".geojson": "geojson"}.get(suffix, suffix[1:])


def _num(value: float) -> str:
    """A number for a message: thousands separators, never hundreds of digits, '–' when not finite."""
    value = float(value)
    if not math.isfinite(value):
        return "–"
    if abs(value) >= 1e10:
        return f"{value:.3g}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


def _size_mb(n_bytes: float) -> str:
    """A size in MB for a message: '12.3', or two significant digits below 1 MB ('0.00011')."""
    mb = n_bytes / MB
    return f"{mb:,.1f}" if mb >= 1 else f"{mb:.2g}"


def _names(values: Sequence[Any], *, limit: int = 20) -> list[str]:
    """Column or layer names for a message (joined with the language's list separator), at most ``limit``."""
    out = [clip_text(str(v), 40) for v in values[:limit]]
    return out + ["…"] if len(values) > limit else out


def _rows(indices: Iterable[int], *, limit: int = 10) -> str:
    """Feature/row numbers for a message, counted from 1 ('3, 7, 12, …')."""
    items = [int(i) + 1 for i in indices]
    text = ", ".join(str(i) for i in items[:limit])
    return text + (", …" if len(items) > limit else "")


_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][\w.+~@%=-]+){2,}[\\/]?")


def _reason(exc: BaseException, *, name: str, work: Path | None = None) -> str:
    """GDAL's (or a library's) first line, with our temp paths replaced by the file's name and any other
    path removed (no /tmp/…, no /opt/vcpkg/…), cut at a word boundary."""
    text = " ".join(str(exc).splitlines()[:1]) or type(exc).__name__
    if work is not None:
        for folder in {str(work.resolve()), str(work)}:
            text = text.replace(folder + "/", "").replace(folder, "")
    text = re.sub(r"\b(?:layer\d+|data|doc)\.(?:shp|dbf|shx|prj|geojson|gpkg|kml|dxf)\b", name, text)
    text = _PATH.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" :,'\"")
    return clip_text(text, 160) or type(exc).__name__


def _is_memory_message(text: str) -> bool:
    return bool(re.search(r"out of memory|cannot allocate|std::bad_alloc|memory allocation failed", text, re.I))


# --- user CRS choices ----------------------------------------------------------------------------------------
def normalise_crs_choice(text: str | None, *, file: str = "") -> str | None:
    """A user's CRS choice as the importer uses it: ``GCJ-02``, ``BD-09``, ``SWAP``, ``EPSG:nnnn`` or the
    checked WKT/PROJ text. Raises :class:`CRSUnknownError` (an import failure) for anything unsafe or unknown.
    """
    if text is None or not str(text).strip():
        return None
    raw = str(text).strip()
    special = SPECIAL_CRS.get(re.sub(r"\s+", "", raw).lower())
    if special:
        return special
    try:
        crs = parse_user_crs(raw)
    except CRSError as exc:
        raise CRSUnknownError(exc.code, **exc.params) from exc
    authority = crs.to_authority(min_confidence=95)
    if authority and authority[0] == "EPSG":
        return f"EPSG:{authority[1]}"
    if raw.upper().startswith("EPSG:") or raw.isdigit():
        return f"EPSG:{raw.split(':')[-1]}"
    return crs.to_wkt()


def _crs_label(crs: str) -> str:
    """A short name for a CRS for the preview ('EPSG:4549', or a custom system's name)."""
    if crs in LONLAT_CHOICES or crs == "SWAP" or re.fullmatch(r"EPSG:\d+", crs):
        return crs
    try:
        parsed = pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError:
        return clip_text(crs, 60)
    authority = parsed.to_authority(min_confidence=95)
    return f"{authority[0]}:{authority[1]}" if authority else clip_text(parsed.name or crs, 60)


# --- CRS guessing ----------------------------------------------------------------------------------------------
def guess_crs(x: np.ndarray, y: np.ndarray) -> list[tuple[str, Message]]:
    """Candidate CRSs for coordinates with none declared, most likely first: (code, why)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return []
    mx, my = float(np.median(x[ok])), float(np.median(y[ok]))
    x0, y0, x1, y1 = SHANGHAI
    if x0 <= mx <= x1 and y0 <= my <= y1:
        return [("EPSG:4326", msg("imp_guess_lonlat")), ("EPSG:4490", msg("imp_guess_cgcs2000")),
                ("GCJ-02", msg("imp_guess_gcj02")), ("BD-09", msg("imp_guess_bd09"))]
    if x0 <= my <= x1 and y0 <= mx <= y1:
        return [("SWAP", msg("imp_guess_swap"))]
    return [(code, msg("imp_guess_projected", name=msg(label), x=_num(mx), y=_num(my)))
            for (xr, yr, code, label) in PROJECTED_GUESSES if xr[0] <= mx <= xr[1] and yr[0] <= my <= yr[1]]


def _to_wgs84(gdf: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """Reproject/shift a layer whose coordinates are in ``crs`` (checked code or text, GCJ-02, BD-09, SWAP)."""
    if crs == "SWAP":
        swapped = gdf.set_geometry(shapely.transform(gdf.geometry.to_numpy(), lambda c: c[:, ::-1]), crs=None)
        return swapped.set_crs("EPSG:4326", allow_override=True)
    if crs in LONLAT_CHOICES:
        out = gdf.set_crs("EPSG:4326", allow_override=True)
        datum = LONLAT_CHOICES[crs]
        if datum == "wgs84":
            return out
        return shift_geometries(out, source="gcj02" if datum == "gcj02" else "bd09", target="wgs84")
    return to_storage(gdf.set_crs(pyproj.CRS.from_user_input(crs), allow_override=True))


# --- sniffing content before any parser sees it --------------------------------------------------------------
_XML_DANGER = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class _XmlScanner:
    """Looks for DOCTYPE/ENTITY declarations in XML arriving in pieces (a declaration may straddle two)."""

    def __init__(self, *, file: str, member: str = "") -> None:
        self.file, self.member, self.carry, self.first = file, member, b"", True

    def __call__(self, piece: bytes) -> None:
        if self.first:
            self.first = False
            head = piece[:4]
            if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in piece[:200]:
                raise UnsafeContentError("imp_xml_not_utf8", file=self.file)
        buf = self.carry + piece
        if _XML_DANGER.search(buf):
            raise UnsafeContentError("imp_xml_entities", file=self.file)
        self.carry = buf[-16:]


def _strip_bom(data: bytes) -> bytes:
    return data[3:] if data.startswith(codecs.BOM_UTF8) else data


def _sniff(fmt: str, data: bytes, name: str) -> None:
    """Refuse content that is not the format its name says (before GDAL guesses a driver from it)."""
    head = _strip_bom(data[:65536]).lstrip()
    label = FORMAT_LABEL[fmt]
    if fmt == "geojson":
        ok = head[:1] == b"{" or head[:1] == b"\x1e"  # GeoJSON object, or a GeoJSON text sequence
    elif fmt == "kml":
        _XmlScanner(file=name)(data)
        ok = head[:1] == b"<" and re.search(rb"<(?:\w+:)?kml[\s>]", head, re.IGNORECASE) is not None
    elif fmt == "gpkg":
        ok = data[:16] == b"SQLite format 3\x00"
    elif fmt == "dxf":
        ok = data.startswith(b"AutoCAD Binary DXF\r\n\x1a\x00") or bool(
            re.match(rb"(?:\s*999\s*\r?\n[^\n]*\n)*\s*0\s*\r?\n\s*SECTION\s*\r?\n", head[:4096]))
    elif fmt == "shp":
        ok = data[:4] == b"\x00\x00\x27\x0a"
    else:
        ok = True
    if not ok:
        if data[:2] == b"PK" and fmt != "shp":
            raise ReadError("imp_is_zip", file=name, expected=label)
        raise ReadError("imp_wrong_format", file=name, expected=label)


def _geojson_crs_declarations(data: bytes) -> list[dict[str, Any]]:
    """Every ``"crs": {"type": …, "properties": …}`` object in a GeoJSON file (cheap byte scan)."""
    found, start = [], 0
    decoder = json.JSONDecoder()
    for _ in range(1000):
        at = data.find(b'"crs"', start)
        if at < 0:
            break
        start = at + 5
        window = data[start:start + 65536].decode("utf-8", "replace")
        m = re.match(r"\s*:\s*", window)
        if not m or window[m.end():m.end() + 1] != "{":
            continue
        try:
            obj, _ = decoder.raw_decode(window, m.end())
        except ValueError:
            continue
        if isinstance(obj, dict) and "type" in obj:
            found.append(obj)
    return found


def _check_geojson_crs(data: bytes, name: str) -> bool:
    """A GeoJSON's declared CRS must be one PROJ may read: names/EPSG codes only, no links, no files.

    Returns True when the file declares a CRS (else RFC 7946's WGS84 is only assumed).
    """
    declarations = _geojson_crs_declarations(data)
    for decl in declarations:
        kind = str(decl.get("type", "")).lower()
        raw_props = decl.get("properties")
        props: dict[str, Any] = raw_props if isinstance(raw_props, dict) else {}
        if kind == "name":
            text = str(props.get("name", ""))
        elif kind == "epsg":
            text = f"EPSG:{props.get('code', '')}"
        else:  # "link", "url", anything else: GDAL would fetch or ignore it; both are wrong here
            shown = str(props.get("href") or props.get("url") or props.get("name") or decl.get("type"))
            raise CRSUnknownError("imp_file_crs_link", file=name, crs=clip_text(shown, 80))
        try:
            parse_user_crs(text)
        except CRSError as exc:
            raise CRSUnknownError("imp_file_crs_bad", file=name, crs=clip_text(text, 80), reason=exc.message) from exc
    return bool(declarations)


def _check_gpkg_crs(path: Path, name: str) -> None:
    """Every CRS definition stored in a GeoPackage is inspected before GDAL parses it."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise ReadError("imp_read_failed", file=name, reason=_reason(exc, name=name)) from exc
    try:
        con.execute("PRAGMA trusted_schema=OFF")
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        if "gpkg_spatial_ref_sys" not in tables:
            raise ReadError("imp_gpkg_not_geopackage", file=name)
        columns = {r[1] for r in con.execute("PRAGMA table_info(gpkg_spatial_ref_sys)")}
        extra = ", definition_12_063" if "definition_12_063" in columns else ""
        for row in con.execute(f"SELECT srs_name, definition{extra} FROM gpkg_spatial_ref_sys LIMIT 10000"):
            for text in row[1:]:
                problem = crs_text_problem(str(text or ""))
                if problem:
                    raise CRSUnknownError("imp_file_crs_unsafe", file=name, crs=clip_text(str(row[0] or text), 80),
                                          param=problem)
    except sqlite3.Error as exc:
        raise ReadError("imp_read_failed", file=name, reason=_reason(exc, name=name)) from exc
    finally:
        con.close()


# --- what GDAL will open -----------------------------------------------------------------------------------------
@dataclass
class _Layer:
    """One layer as GDAL will read it: a file this module wrote, and what it knows about it."""

    display: str
    path: Path
    fmt: str
    gdal_layer: str | None = None
    encoding: str | None = None
    encoding_label: str | None = None  # the encoding as the file names it, when that is what was used
    declared_crs: str | None = None
    assumed_crs: bool = False  # the format's default CRS (GeoJSON: WGS84), not a declaration
    rename: dict[str, str] = field(default_factory=dict)
    notes: list[Message] = field(default_factory=list)


@dataclass
class _Prepared:
    layers: list[_Layer] = field(default_factory=list)
    table: tuple[str, bytes] | None = None  # (format, bytes) of a CSV/XLSX
    encoding: str = "UTF-8"


def _write(work: Path, filename: str, data: bytes) -> Path:
    path = work / filename
    path.write_bytes(data)
    return path


def _prepare(name: str, fmt: str, data: bytes, work: Path, limits: Limits, *, nested: bool = False) -> _Prepared:
    """Check the bytes of one file and lay out what GDAL (or the table reader) will read."""
    stem = PurePosixPath(name).name
    stem = stem[: -len(".shp.zip")] if stem.lower().endswith(".shp.zip") else PurePosixPath(stem).stem
    if fmt in ("csv", "xlsx"):
        return _Prepared(table=(fmt, data), encoding="xlsx" if fmt == "xlsx" else "UTF-8")
    if fmt == "zip":
        if nested:
            raise UnsafeArchiveError("imp_zip_nested", file=name)
        return _prepare_zip(name, data, work, limits)
    if fmt == "kmz":
        if nested:
            raise UnsafeArchiveError("imp_zip_nested", file=name)
        return _prepare_kmz(name, data, work, limits)
    _sniff(fmt, data, name)
    if fmt == "geojson":
        declared = _check_geojson_crs(data, name)
        return _Prepared(layers=[_Layer(stem, _write(work, "data.geojson", data), "geojson",
                                        assumed_crs=not declared)])
    if fmt == "kml":
        return _gdal_layers(name, _write(work, "data.kml", data), "kml")
    if fmt == "gpkg":
        path = _write(work, "data.gpkg", data)
        _check_gpkg_crs(path, name)
        return _gdal_layers(name, path, "gpkg")
    if fmt == "dxf":
        encoding, notes = _dxf_encoding(data, name)
        return _Prepared(layers=[_Layer(stem, _write(work, "data.dxf", data), "dxf", encoding=encoding, notes=notes)],
                         encoding=encoding)
    raise UnsupportedFormatError("imp_unsupported", file=name, suffix=_suffix(name) or "—", expected=list(SUFFIXES))


def _gdal_layers(name: str, path: Path, fmt: str) -> _Prepared:
    """The spatial layers GDAL lists in a multi-layer file (GeoPackage, KML)."""
    try:
        listed = pyogrio.list_layers(str(path))
    except MemoryError:
        raise
    except Exception as exc:  # GDAL raises several types for a damaged file
        _raise_read_error(exc, name=name, work=path.parent)
    layers = [str(n) for n, kind in listed if kind is not None or fmt == "kml"]
    if not layers:
        raise EmptyFileError("imp_no_layer_in_file", file=name)
    return _Prepared(layers=[_Layer(display_name(n), path, fmt, gdal_layer=n) for n in layers])


def _prepare_kmz(name: str, data: bytes, work: Path, limits: Limits) -> _Prepared:
    zf = SafeZip(data, filename=name, limits=limits.zip_limits())
    kmls = [m for m in zf.names if m.lower().endswith(".kml") and not _ignored_member(m)]
    if not kmls:
        raise ReadError("imp_kmz_no_kml", file=name, found=_member_list(zf.names))
    member = next((m for m in kmls if m.lower() in ("doc.kml", "./doc.kml")), kmls[0])
    path = work / "doc.kml"
    zf.extract(member, path, inspect=_XmlScanner(file=name))
    _sniff("kml", path.read_bytes()[:65536], name)
    return _gdal_layers(name, path, "kml")


def _ignored_member(member: str) -> bool:
    parts = PurePosixPath(member.replace("\\", "/")).parts
    return any(p == "__MACOSX" for p in parts) or parts[-1].startswith("._")


def _member_list(names: Sequence[str]) -> str:
    return clip_text(", ".join(names) or "—", 120)


def _prepare_zip(name: str, data: bytes, work: Path, limits: Limits) -> _Prepared:
    zf = SafeZip(data, filename=name, limits=limits.zip_limits())
    members = [m for m in zf.names if not _ignored_member(m)]
    shps = [m for m in members if m.lower().endswith(".shp")]
    if shps:
        return _prepare_shapefiles(name, zf, members, shps, work, limits)
    nested = [m for m in members if m.lower().endswith((".zip", ".kmz"))]
    if nested:
        raise UnsafeArchiveError("imp_zip_nested", file=name)
    inner = [m for m in members if m.lower().endswith(ZIP_INNER)]
    if len(inner) != 1:
        raise ReadError("imp_zip_no_data", file=name, found=_member_list(members))
    member = inner[0]
    inner_name = display_name(member)
    inner_data = zf.read(member, limit_bytes=int(limits.max_mb * MB))
    fmt = _format_of(inner_name)
    assert fmt is not None  # ZIP_INNER are all known suffixes
    prepared = _prepare(inner_name, fmt, inner_data, work, limits, nested=True)
    for layer in prepared.layers:
        layer.notes.insert(0, msg("imp_note_zip_member", member=inner_name))
    return prepared


def _prepare_shapefiles(name: str, zf: SafeZip, members: list[str], shps: list[str], work: Path,
                        limits: Limits) -> _Prepared:
    """Each .shp with its .shx/.dbf/.prj/.cpg, extracted as layerN.* through the counting reader."""
    by_lower = {m.lower(): m for m in members}
    fields_csv = next((m for m in members if PurePosixPath(m).name.lower() == "fields.csv"), None)
    renames = _read_fields_csv(zf, fields_csv, name) if fields_csv else {}
    prepared = _Prepared()
    stems = [display_name(PurePosixPath(m.replace("\\", "/")).stem) for m in shps]
    for i, shp in enumerate(shps):
        base = shp[:-4]
        part = {ext: by_lower.get((base + ext).lower()) for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg")}
        if part[".shx"] is None:
            raise ReadError("imp_shp_missing_part", file=name, layer=stems[i], part=".shx")
        layer = _Layer(stems[i], work / f"layer{i}.shp", "shp", gdal_layer=f"layer{i}")
        for ext in (".shp", ".shx", ".dbf"):
            member = part[ext]
            if member is not None:
                zf.extract(member, work / f"layer{i}{ext}")
        _sniff("shp", (work / f"layer{i}.shp").read_bytes()[:100], name)
        if part[".prj"]:
            prj = zf.read(part[".prj"], limit_bytes=64 * 1024).decode("utf-8", "replace").strip()
            problem = crs_text_problem(prj)
            if problem:
                raise CRSUnknownError("imp_file_crs_unsafe", file=name, crs=clip_text(prj, 80), param=problem)
            if prj:
                (work / f"layer{i}.prj").write_text(prj, encoding="utf-8")
                layer.declared_crs = prj
        declared = None
        if part[".cpg"]:
            raw = zf.read(part[".cpg"], limit_bytes=1024).decode("ascii", "replace").strip().upper()
            declared = CPG_ENCODINGS.get(raw.replace("CP ", "CP"))
            if declared is None:
                layer.notes.append(msg("imp_note_cpg_unknown", value=clip_text(raw, 20)))
        if part[".dbf"]:
            layer.encoding = _dbf_encoding(work / f"layer{i}.dbf", declared, layer.notes)
            _repair_dbf_field_names(work / f"layer{i}.dbf", layer.encoding, layer.notes)
        else:
            layer.encoding = declared or "UTF-8"
        if declared is not None and layer.encoding == declared:  # shown as the file names it (GBK, not GB18030)
            layer.encoding_label = CPG_LABELS.get(raw.replace("CP ", "CP"), declared)
        layer.rename = renames.get(stems[i], renames.get("", {}))
        prepared.layers.append(layer)
    prepared.encoding = prepared.layers[0].encoding or "UTF-8"
    return prepared


def _read_fields_csv(zf: SafeZip, member: str, name: str) -> dict[str, dict[str, str]]:
    """The name mapping an export wrote (``fields.csv``): layer -> {shapefile field: full name}."""
    try:
        text = zf.read(member, limit_bytes=MB).decode("utf-8-sig")
    except UnicodeDecodeError:
        return {}
    out: dict[str, dict[str, str]] = {}
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return {}
    header = [h.strip().lower() for h in rows[0]]
    if "shapefile_field" not in header or "full_name" not in header:
        return {}
    i_short, i_full = header.index("shapefile_field"), header.index("full_name")
    i_layer = header.index("layer") if "layer" in header else None
    for row in rows[1:]:
        if len(row) <= max(i_short, i_full):
            continue
        short, full = _unquote_cell(row[i_short]), _unquote_cell(row[i_full])
        if not short or not full or len(full) > 200 or any(ord(c) < 32 for c in full):
            continue
        layer = display_name(row[i_layer]) if i_layer is not None and len(row) > i_layer else ""
        out.setdefault(layer, {})[short] = full
    return out


def _unquote_cell(value: str) -> str:
    """Undo the formula guard the exporter adds ('=x -> =x) when reading our own fields.csv back."""
    value = value.strip()
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def _sample(path: Path, *, offset: int, size: int = 4 * MB) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(offset)
        return fh.read(size)


def _decodes(raw: bytes, encoding: str) -> bool:
    """True when ``raw`` decodes (a character cut at the end of the sample does not count)."""
    try:
        codecs.getincrementaldecoder(encoding)().decode(raw, final=False)
        return True
    except UnicodeDecodeError:
        return False


def _dbf_encoding(dbf: Path, declared: str | None, notes: list[Message]) -> str:
    """The .dbf's text encoding: the .cpg when its bytes agree, else the language driver id or the bytes."""
    header = _sample(dbf, offset=0, size=32)
    start = int.from_bytes(header[8:10], "little") if len(header) >= 10 else 0
    body = _sample(dbf, offset=start)
    non_ascii = any(b >= 0x80 for b in body)
    if declared is not None:
        if declared == "UTF-8" and non_ascii and not _decodes(body, "utf-8") and _decodes(body, "gb18030"):
            notes.append(msg("imp_note_cpg_wrong", declared="UTF-8", used="GB18030"))
            return "GB18030"
        return declared
    ldid = header[29] if len(header) > 29 else 0
    if ldid in DBF_LDID_GBK:
        return "GB18030"
    if not non_ascii:
        return "UTF-8"
    used = "UTF-8" if _decodes(body, "utf-8") else "GB18030"
    notes.append(msg("imp_note_no_cpg", encoding=used))
    return used


def _repair_dbf_field_names(dbf: Path, encoding: str, notes: list[Message]) -> None:
    """Field names cut in the middle of a character by the 10-byte dBASE limit are repaired in our copy.

    The name is shortened to its last whole character (and made unique); a note names each one.
    """
    with open(dbf, "r+b") as fh:
        header = fh.read(32)
        if len(header) < 32:
            return
        header_len = int.from_bytes(header[8:10], "little")
        count = max(0, min((header_len - 33) // 32, 2046))
        descriptors = fh.read(32 * count)
        seen: set[str] = set()
        changed: list[tuple[int, bytes]] = []
        for i in range(len(descriptors) // 32):
            raw = descriptors[32 * i: 32 * i + 11]
            if raw[:1] == b"\r":
                break
            raw_name = raw.split(b"\x00", 1)[0]
            try:
                name = raw_name.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                fixed = raw_name
                while fixed:
                    fixed = fixed[:-1]
                    try:
                        name = fixed.decode(encoding)
                        break
                    except (UnicodeDecodeError, LookupError):
                        continue
                else:
                    name = "field"
                base, k = name or "field", 2
                while name.lower() in seen:
                    name = truncate_to_bytes(base, encoding=encoding, limit=10 - len(f"_{k}")) + f"_{k}"
                    k += 1
                new = name.encode(encoding)
                changed.append((32 + 32 * i, new.ljust(11, b"\x00")))
                notes.append(msg("imp_note_field_cut", field=name,
                                 original=raw_name.decode(encoding, "replace").replace("\ufffd", "…")))
            seen.add(name.lower())
        for offset, value in changed:
            fh.seek(offset)
            fh.write(value)


def _dxf_encoding(data: bytes, name: str) -> tuple[str, list[Message]]:
    """The text encoding of a DXF: UTF-8 from R2007 on, else its $DWGCODEPAGE, checked against the bytes."""
    head = data[:65536].decode("latin-1")
    version = re.search(r"\$ACADVER\s*\r?\n\s*1\s*\r?\n\s*(AC\d{4})", head)
    page = re.search(r"\$DWGCODEPAGE\s*\r?\n\s*3\s*\r?\n\s*([A-Za-z0-9_]+)", head)
    if version and version.group(1) >= "AC1021":
        return "UTF-8", []
    declared = DXF_CODEPAGES.get(page.group(1).upper(), "CP1252") if page else "CP1252"
    if not any(b >= 0x80 for b in data[:4 * MB]):
        return declared, []
    sample = data[:4 * MB]
    if declared == "CP1252":  # the default, often wrong for Chinese drawings
        for guess in ("UTF-8", "GB18030"):
            if _decodes(sample, guess):
                return guess, [msg("imp_note_dxf_encoding", declared=page.group(1) if page else "—", used=guess)]
    return declared, []


# --- reading ---------------------------------------------------------------------------------------------------
def _raise_read_error(exc: BaseException, *, name: str, work: Path | None) -> None:
    reason = _reason(exc, name=name, work=work)
    if _is_memory_message(str(exc)):
        raise MemoryError(reason) from exc
    raise ReadError("imp_read_failed", file=name, reason=reason) from exc


def _gdal_read(layer: _Layer, name: str, limits: Limits) -> gpd.GeoDataFrame:
    """Read one prepared layer with GDAL: the driver must be the format's, the feature count bounded."""
    options: dict[str, Any] = {}
    if layer.encoding and layer.fmt == "shp":
        options["encoding"] = layer.encoding
    if layer.fmt == "dxf":
        options["CLOSED_LINE_AS_POLYGON"] = "TRUE"
    path = str(layer.path)
    with _GDAL_LOCK:
        if layer.fmt == "dxf":
            pyogrio.set_gdal_config_options({"DXF_ENCODING": layer.encoding or "UTF-8"})
        try:
            info = None
            if layer.fmt in ("gpkg", "shp"):  # cheap to ask: driver and feature count before reading
                info = pyogrio.read_info(path, layer=layer.gdal_layer, **options)
                if info["driver"] not in DRIVERS[layer.fmt]:
                    raise UnsafeContentError("imp_wrong_driver", file=name, expected=FORMAT_LABEL[layer.fmt],
                                             found=str(info["driver"]))
                count = int(info.get("features") or 0)
                if count > limits.max_features:
                    raise FileTooLargeError("imp_too_many_features", file=name, count=f"{count:,}",
                                            limit=f"{limits.max_features:,}")
            fast = _arrow_read(path, layer.gdal_layer, limits, info) if layer.fmt in ARROW_FORMATS else None
            gdf = fast if fast is not None else gpd.read_file(
                path, layer=layer.gdal_layer, engine="pyogrio", max_features=limits.max_features + 1, **options)
        except (MemoryError, ImportFailure):
            raise
        except Exception as exc:  # pyogrio/GDAL/shapely raise many types for a damaged file
            _raise_read_error(exc, name=name, work=layer.path.parent)
        finally:
            if layer.fmt == "dxf":
                pyogrio.set_gdal_config_options({"DXF_ENCODING": None})
    if len(gdf) > limits.max_features:  # GeoJSON, KML, DXF: read at most one feature more than the limit
        raise FileTooLargeError("imp_too_many_features", file=name, count=f"> {limits.max_features:,}",
                                limit=f"{limits.max_features:,}")
    if layer.fmt == "kml":
        empty = [c for c in KML_STANDARD if c in gdf.columns and gdf[c].replace("", None).isna().all()]
        gdf = gdf.drop(columns=empty)
    if layer.rename:
        rename = {k: v for k, v in layer.rename.items() if k in gdf.columns and v not in gdf.columns}
        if rename:
            gdf = gdf.rename(columns=rename)
            layer.notes.append(msg("imp_note_fields_restored", count=len(rename)))
    return gdf


def _arrow_read(path: str, gdal_layer: str | None, limits: Limits,
                info: dict[str, Any] | None) -> gpd.GeoDataFrame | None:
    """A layer read through Arrow with the values of pyogrio's feature-by-feature read, or None when only the
    feature-by-feature read can tell (the caller then reads the file that way).

    A GeoPackage is read through Arrow (about 3x faster for a million features). The reads differ in a few
    ways (pyogrio 0.13, GDAL 3.12), each handled here so that everything after the read (checks, the field
    mapping's text, the preview, the error the user sees) is the same:

    - a boolean field with nulls comes as objects True/False/None (feature by feature: float 1.0/0.0/NaN),
      a text field with no value at all as text NaN (feature by feature: objects None): converted;
    - a damaged geometry blob comes as a missing geometry (feature by feature: an error), a datetime field
      holding a value that is not a date as text (feature by feature: NaT), and GDAL's errors are worded
      differently: None, so the feature-by-feature read decides (only a file with features without geometry
      or a damaged one is read twice).
    """
    if info is None:
        return None
    try:
        gdf = gpd.read_file(path, layer=gdal_layer, engine="pyogrio", max_features=limits.max_features + 1,
                            use_arrow=True)
    except MemoryError:
        raise
    except Exception:  # the feature-by-feature read raises the error the user sees
        return None
    if shapely.is_missing(gdf.geometry.to_numpy()).any():
        return None
    kinds = dict(zip(info.get("fields", ()), info.get("dtypes", ())))
    fixed: dict[str, pd.Series] = {}
    for col in gdf.columns:
        if col == gdf.geometry.name or col not in kinds:
            continue
        values, kind = gdf[col], str(kinds[col])
        if kind.startswith("datetime64") and not pd.api.types.is_datetime64_any_dtype(values.dtype):
            return None
        if kind == "bool" and values.dtype == object:
            fixed[col] = values.astype("float64")
        elif kind == "object" and isinstance(values.dtype, pd.StringDtype) and values.isna().all():
            fixed[col] = pd.Series([None] * len(values), index=values.index, dtype=object)
    return gdf.assign(**fixed) if fixed else gdf


def _choose_layer(prepared: _Prepared, layer: str | None, name: str) -> _Layer:
    names = [lyr.display for lyr in prepared.layers]
    if layer is None:
        return prepared.layers[0]
    wanted = display_name(layer)
    for lyr in prepared.layers:
        if lyr.display == wanted or lyr.gdal_layer == layer:
            return lyr
    raise SchemaError("imp_no_layer", file=name, layer=wanted, layers=_names(names))


def read_upload(filename: str, data: bytes, *, layer: str | None = None, crs: str | None = None,
                xy: tuple[str, str] | None = None, expect: Expect = "polygon",
                limits: Limits = Limits()) -> ImportResult:
    """Read one uploaded file into EPSG:4326, checking everything on the way (in this process).

    The app calls :func:`read_upload_isolated`, which runs this in a worker with limits.

    Parameters
    ----------
    filename : str
        The user's file name (only its last part is used, and only to pick the format and in messages).
    data : bytes
        The file.
    layer : str, optional
        Which layer of a multi-layer file (GeoPackage, KML, a zip of several shapefiles); default the first.
    crs : str, optional
        Overrides the file's CRS or the guess: an EPSG code, WKT or a PROJ string (checked by
        :func:`gis.crs.parse_user_crs`), ``GCJ-02``, ``BD-09`` or ``SWAP`` (the file has lat/lon order).
    xy : (str, str), optional
        The x/lon and y/lat columns of a CSV/XLSX (detected when omitted; see :func:`inspect_table`).
    expect : {"polygon", "point", "line", "any"}
        Geometry family the target layer needs.
    limits : Limits

    Returns
    -------
    ImportResult
        The layer in EPSG:4326 (input order kept, features without geometry dropped with a note).

    Raises
    ------
    ImportFailure
        A subclass naming the file and the problem (size, archive, content, CRS, coordinates, geometry).
    """
    name = display_name(filename)
    fmt = _format_of(name)
    if fmt is None:
        raise UnsupportedFormatError("imp_unsupported", file=name, suffix=_suffix(name) or "—",
                                     expected=list(SUFFIXES))
    if len(data) > limits.max_mb * MB:
        raise FileTooLargeError("imp_too_large", file=name, size_mb=_size_mb(len(data)),
                                limit_mb=f"{limits.max_mb:g}")
    if not data:
        raise EmptyFileError("imp_empty", file=name)
    choice = normalise_crs_choice(crs, file=name)
    with tempfile.TemporaryDirectory(prefix="putuo-import-") as tmp:
        work = Path(tmp)
        prepared = _prepare(name, fmt, data, work, limits)
        notes: list[Message] = []
        assumed = False
        if prepared.table is not None:
            table_fmt, table_data = prepared.table
            frame, encoding, table_notes = _load_table(name, table_fmt, table_data, limits)
            gdf = _table_to_gdf(frame, name, xy)
            stem = PurePosixPath(name).stem
            layers, layer_name, declared = [stem], stem, None
            notes += table_notes
        else:
            chosen = _choose_layer(prepared, layer, name)
            gdf = _gdal_read(chosen, name, limits)
            layers, layer_name, declared = [lyr.display for lyr in prepared.layers], chosen.display, chosen.declared_crs
            encoding = chosen.encoding_label or chosen.encoding or prepared.encoding
            notes += chosen.notes
            assumed = chosen.assumed_crs
    if gdf.crs is None and declared and choice is None:
        raise CRSUnknownError("imp_file_crs_unusable", file=name, crs=clip_text(" ".join(declared.split()), 80))
    if gdf.crs is not None:
        try:
            check_crs_usable(pyproj.CRS(gdf.crs), shown=clip_text(gdf.crs.name or "?", 80))
        except CRSError as exc:
            raise CRSUnknownError("imp_file_crs_bad", file=name, crs=clip_text(gdf.crs.name or "?", 80),
                                  reason=exc.message) from exc
    if gdf.empty:
        raise EmptyFileError("imp_no_features", file=name, layer=layer_name)
    return _clean(name, gdf, crs=choice, expect=expect, encoding=encoding, layer=layer_name, layers=layers,
                  notes=notes, fmt=fmt, assumed=assumed)


_FAMILY = np.array(["point", "line", "line", "polygon", "point", "line", "polygon", "other"])
_TYPE_NAMES = np.array(["Point", "LineString", "LinearRing", "Polygon", "MultiPoint", "MultiLineString",
                        "MultiPolygon", "GeometryCollection"])


def _clean(name: str, gdf: gpd.GeoDataFrame, *, crs: str | None, expect: str, encoding: str, layer: str,
           layers: list[str], notes: list[Message], fmt: str, assumed: bool = False) -> ImportResult:
    geoms = gdf.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.all():
        raise GeometryError("imp_no_geometry", file=name)
    if missing.any():
        notes.append(msg("imp_note_no_geometry", count=int(missing.sum()), rows=_rows(np.flatnonzero(missing))))
        gdf = gdf[~missing]
        geoms = gdf.geometry.to_numpy()
    coords = shapely.get_coordinates(geoms, include_z=False)
    bad = ~np.isfinite(coords).all(axis=1)
    if bad.any():
        rows = np.unique(shapely.get_coordinates(geoms, return_index=True)[1][bad])
        raise CoordinateError("imp_coords_not_finite", file=name, count=len(rows), rows=_rows(rows))
    if shapely.has_z(geoms).any():
        notes.append(msg("imp_note_3d"))
        geoms = shapely.force_2d(geoms)
    type_ids = shapely.get_type_id(geoms)
    families = _FAMILY[type_ids]
    kinds = set(families.tolist())
    if fmt == "dxf" and len(kinds) > 1:  # CAD drawings mix outlines, lines and text points: keep one kind
        keep = expect if expect in kinds else next(k for k in ("polygon", "line", "point") if k in kinds)
        dropped = int((families != keep).sum())
        notes.append(msg("imp_note_dxf_kept", kept=msg(f"imp_family_{keep}"), count=dropped))
        mask = families == keep
        gdf, geoms, type_ids, families = gdf[mask], geoms[mask], type_ids[mask], families[mask]
        kinds = {keep}
        coords = shapely.get_coordinates(geoms, include_z=False)
    ids, counts = np.unique(type_ids, return_counts=True)
    types = ", ".join(f"{_TYPE_NAMES[i]} × {int(n)}" for i, n in zip(ids, counts))
    if len(kinds) > 1 or "other" in kinds:
        raise GeometryError("imp_mixed_types", file=name, types=types)
    if expect != "any" and kinds != {expect}:
        raise GeometryError("imp_wrong_family", file=name, types=types, expected=msg(f"imp_family_{expect}"))
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    candidates: list[tuple[str, Message]] = []
    if assumed and gdf.crs is not None and crs is None and not _plausible_lonlat(coords):
        gdf = gdf.set_crs(None, allow_override=True)  # metres (or lat/lon) in a GeoJSON without a crs: guess
    if crs is not None:
        how, source_crs = "chosen", crs
    elif gdf.crs is not None and (shifted := _shifted_datum(gdf.crs)):  # e.g. this app's GCJ-02 export, read back
        how, source_crs = "file", shifted
        notes.append(msg("imp_note_shifted_datum", crs=source_crs, name=clip_text(gdf.crs.name or "", 60)))
    elif gdf.crs is not None:
        how, source_crs = "file", _crs_label(gdf.crs.to_wkt())
    else:
        candidates = guess_crs(coords[:, 0], coords[:, 1])
        if not candidates:
            raise CRSUnknownError("imp_crs_none_fits", file=name, x=_num(np.median(coords[:, 0])),
                                  y=_num(np.median(coords[:, 1])))
        how, source_crs = "guessed", candidates[0][0]
        notes.append(msg("imp_note_crs_guessed", crs=source_crs, why=candidates[0][1]))
    metric_area = None
    try:
        if _is_metric(gdf.crs if how == "file" else source_crs):
            metric_area = shapely.area(gdf.geometry.to_numpy())
        out = _to_wgs84(gdf, source_crs) if how != "file" or source_crs in LONLAT_CHOICES else to_storage(gdf)
    except (pyproj.exceptions.CRSError, pyproj.exceptions.ProjError, CRSError) as exc:
        raise CRSUnknownError("imp_crs_transform_failed", file=name, crs=_crs_label(source_crs),
                              reason=_reason(exc, name=name)) from exc
    bounds = out.total_bounds
    sx0, sy0, sx1, sy1 = SHANGHAI
    inside = sx0 <= bounds[0] and bounds[2] <= sx1 and sy0 <= bounds[1] and bounds[3] <= sy1
    if not (np.isfinite(bounds).all() and inside):
        far = ~out.geometry.intersects(shapely.box(*SHANGHAI))
        raise CoordinateError("imp_outside_shanghai", file=name, count=int(far.sum()), crs=_crs_label(source_crs),
                              extent=", ".join(_num(v) for v in bounds))
    out, repaired = _repair(out, name=name, expect=expect, notes=notes)
    if metric_area is not None and repaired.any():  # measured again as repaired (the stored geometry)
        metric_area = metric_area.copy()
        metric_area[repaired] = to_metric(out.geometry[repaired]).area.to_numpy()
    return ImportResult(gdf=out, source_crs=_crs_label(source_crs) if how == "chosen" else source_crs, crs_how=how,
                        encoding=encoding, layer=layer, layers=layers, notes=notes, crs_candidates=candidates,
                        metric_area_m2=metric_area)


def _is_metric(crs: Any) -> bool:
    """Whether coordinates in ``crs`` (a pyproj CRS, an EPSG code or text, None) are the measuring CRS's."""
    if crs is None or crs in ("SWAP", *LONLAT_CHOICES):
        return False
    return pyproj.CRS.from_user_input(crs).equals(pyproj.CRS.from_user_input(METRIC_CRS))


def _shifted_datum(crs: Any) -> str | None:
    """'GCJ-02' or 'BD-09' when a file's geographic CRS names one of them (they are not EPSG systems)."""
    if not crs.is_geographic:
        return None
    datum = getattr(crs.datum, "name", "") or ""
    text = f"{crs.name} {datum}".upper().replace("_", "-").replace(" ", "-")
    if re.search(r"GCJ-?02", text):
        return "GCJ-02"
    if re.search(r"BD-?09", text):
        return "BD-09"
    return None


def _plausible_lonlat(coords: np.ndarray) -> bool:
    """True when the median coordinate could be a lon/lat anywhere (|x| <= 180, |y| <= 90)."""
    ok = np.isfinite(coords).all(axis=1)
    if not ok.any():
        return True
    mx, my = np.median(coords[ok], axis=0)
    return bool(abs(mx) <= 180 and abs(my) <= 90)


def _repair(out: gpd.GeoDataFrame, *, name: str, expect: str,
            notes: list[Message]) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Invalid geometries repaired with make_valid (polygons keep only their polygon parts); a note says which.
    Returns the layer and which features were repaired."""
    g = out.geometry.to_numpy()
    invalid = ~shapely.is_valid(g)
    if not invalid.any():
        return out, invalid
    repaired = shapely.make_valid(g[invalid])
    if expect == "polygon":
        polygonal = ("Polygon", "MultiPolygon")
        repaired = np.array([shapely.union_all([p for p in shapely.get_parts(r) if p.geom_type in polygonal])
                             for r in repaired], dtype=object)
    dead = shapely.is_empty(repaired) | shapely.is_missing(repaired)
    if dead.any():
        raise GeometryError("imp_unrepairable", file=name, count=int(dead.sum()), expected=msg(f"imp_family_{expect}"),
                            rows=_rows(np.flatnonzero(invalid)[dead]))
    g = g.copy()
    g[invalid] = repaired
    notes.append(msg("imp_note_repaired", count=int(invalid.sum()), rows=_rows(np.flatnonzero(invalid))))
    return out.set_geometry(gpd.GeoSeries(g, index=out.index, crs=out.crs)), invalid


# --- tables (CSV, XLSX) ----------------------------------------------------------------------------------------
def _decode_text(data: bytes, name: str) -> tuple[str, str]:
    """CSV text and its encoding: a BOM (UTF-8, UTF-16) decides, else UTF-8, else GB18030 (GBK)."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", "UTF-8")]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", "UTF-16")]
    else:
        candidates = [("utf-8", "UTF-8"), ("gb18030", "GB18030")]
    for codec, label in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text, label
    raise ReadError("imp_text_encoding", file=name)


def _delimiter(text: str) -> str:
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _column_names(raw: Sequence[Any]) -> list[str]:
    """Header cells as unique text: numbers as text, empty cells 'column_N', repeats suffixed '_2'."""
    names: list[str] = []
    seen: set[str] = set()
    for i, value in enumerate(raw):
        if value is None or (isinstance(value, float) and math.isnan(value)) or not str(value).strip() \
                or str(value).startswith("Unnamed: "):
            base = f"column_{i + 1}"
        elif isinstance(value, float) and value.is_integer():
            base = str(int(value))
        else:
            base = clip_text(" ".join(str(value).split()), 100)
        candidate, k = base, 2
        while candidate.lower() in seen:
            candidate = f"{base}_{k}"
            k += 1
        seen.add(candidate.lower())
        names.append(candidate)
    return names


def _infer_numbers(df: pd.DataFrame) -> pd.DataFrame:
    """Text columns that are all numbers become numbers, unless a value has a leading zero (an id: 0012)."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        text = s.dropna().astype(str).str.strip()
        text = text[text != ""]
        if text.empty:
            continue
        parsed = pd.to_numeric(text, errors="coerce")
        if parsed.notna().all() and not text.str.match(r"^[+-]?0\d").any():
            out[col] = pd.to_numeric(s.astype(str).str.strip().replace("", None), errors="coerce")
    return out


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,20}:)?row[\s>/]")
_ROW_INDEX = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,20}:)?row\b[^>]{0,400}?\br=\"(\d{1,12})\"")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,20}:)?c[\s>/]")
_CELL_COLUMN = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,20}:)?c\b[^>]{0,400}?\br=\"([A-Za-z]{1,4})\d")
_SHARED = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,20}:)?si[\s>/]")
_CARRY = 512


class _SheetCounter:
    """Counts rows, cells, the highest row number and column of worksheet XML as it is inflated, and stops
    the inflating (by raising) as soon as a table limit is passed."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.name, self.limits = name, limits
        self.rows = self.cells = self.max_row = self.max_col = self.strings = 0
        self.carry: dict[str, bytes] = {}

    def __call__(self, member: str, piece: bytes, *, final: bool = False) -> None:
        lower = member.lower()
        sheet = lower.startswith("xl/worksheets/") and lower.endswith(".xml")
        shared = lower.endswith("sharedstrings.xml")
        if not (sheet or shared):
            return
        buf = self.carry.get(member, b"") + piece
        end = len(buf) if final else max(0, len(buf) - _CARRY)
        if sheet:
            self.rows += sum(1 for m in _ROW_TAG.finditer(buf, 0) if m.start() < end)
            self.cells += sum(1 for m in _CELL_TAG.finditer(buf, 0) if m.start() < end)
            for m in _ROW_INDEX.finditer(buf):
                if m.start() < end:
                    self.max_row = max(self.max_row, int(m.group(1)))
            for m in _CELL_COLUMN.finditer(buf):
                if m.start() < end:
                    self.max_col = max(self.max_col, _column_number(m.group(1).decode()))
        else:
            self.strings += sum(1 for m in _SHARED.finditer(buf) if m.start() < end)
        self.carry[member] = buf[end:]
        self.check()

    def check(self) -> None:
        lim = self.limits
        if max(self.rows, self.max_row) > lim.max_rows:
            raise FileTooLargeError("imp_xlsx_rows", file=self.name, limit=f"{lim.max_rows:,}")
        if self.cells > lim.max_cells or self.strings > lim.max_cells:
            raise FileTooLargeError("imp_table_cells", file=self.name, limit=f"{lim.max_cells:,}")
        if self.max_col > lim.max_columns:
            raise FileTooLargeError("imp_table_columns", file=self.name, limit=f"{lim.max_columns:,}")


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _check_xlsx(name: str, data: bytes, limits: Limits) -> None:
    """Inflate every member of a workbook once through the counting reader: sizes, ratios, XML entities,
    rows, cells and columns are checked before openpyxl parses anything."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ReadError("imp_xls_old", file=name)
    zf = SafeZip(data, filename=name, limits=limits.zip_limits(ratio=limits.max_xlsx_ratio))
    if not any(m.lower() == "xl/workbook.xml" for m in zf.names):
        raise ReadError("imp_xlsx_not_workbook", file=name)
    counter = _SheetCounter(name, limits)
    scanners: dict[str, _XmlScanner] = {}
    for member in zf.names:
        xml = member.lower().endswith((".xml", ".rels", ".vml"))
        for piece in zf.stream(member):
            if xml:
                scanners.setdefault(member, _XmlScanner(file=name, member=member))(piece)
                counter(member, piece)
        if xml:
            counter(member, b"", final=True)


def _load_table(name: str, fmt: str, data: bytes, limits: Limits, *,
                nrows: int | None = None) -> tuple[pd.DataFrame, str, list[Message]]:
    """A CSV or XLSX as a frame with text column names; ``nrows`` reads only the first rows."""
    notes: list[Message] = []
    cap = limits.max_rows if fmt == "xlsx" else limits.max_features
    wanted = cap + 1 if nrows is None else nrows
    if fmt == "xlsx":
        _check_xlsx(name, data, limits)
        import openpyxl  # imported here: only XLSX uploads need it

        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                ws = wb.worksheets[0]
                ws.reset_dimensions()  # never trust the declared size; iterate what is there
                rows = []
                for row in ws.iter_rows(max_col=limits.max_columns + 1, values_only=True):
                    rows.append(row)
                    if len(rows) > wanted:
                        break
            finally:
                wb.close()
        except (MemoryError, ImportFailure):
            raise
        except Exception as exc:  # openpyxl raises many types for a broken workbook
            raise ReadError("imp_xlsx_unreadable", file=name, reason=_reason(exc, name=name)) from exc
        rows = [r for r in rows if r is not None and any(v is not None and str(v).strip() != "" for v in r)]
        if not rows:
            raise EmptyFileError("imp_table_empty", file=name)
        # openpyxl pads each row to max_col: the table is as wide as its last non-empty cell
        width = max(max((i + 1 for i, v in enumerate(r) if v is not None and str(v).strip() != ""), default=0)
                    for r in rows)
        rows = [tuple(r[:width]) for r in rows]
        if width > limits.max_columns:
            raise FileTooLargeError("imp_table_columns", file=name, limit=f"{limits.max_columns:,}")
        header = _column_names(list(rows[0]) + [None] * (width - len(rows[0])))
        body = [list(r) + [None] * (width - len(r)) for r in rows[1:]]
        frame = pd.DataFrame(body, columns=header)
        encoding = "xlsx"
    else:
        text, encoding = _decode_text(data, name)
        try:
            frame = pd.read_csv(io.StringIO(text), sep=_delimiter(text), dtype=str, keep_default_na=False,
                                na_values=[""], nrows=wanted, skipinitialspace=True, engine="c")
        except MemoryError:
            raise
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error, UnicodeError) as exc:
            if isinstance(exc, pd.errors.EmptyDataError):
                raise EmptyFileError("imp_table_empty", file=name) from exc
            raise ReadError("imp_csv_unreadable", file=name, reason=_reason(exc, name=name)) from exc
        if frame.shape[1] > limits.max_columns:
            raise FileTooLargeError("imp_table_columns", file=name, limit=f"{limits.max_columns:,}")
        frame.columns = _column_names(list(frame.columns))
        frame = _infer_numbers(frame)
    if nrows is None and len(frame) > cap:
        raise FileTooLargeError("imp_table_rows", file=name, limit=f"{cap:,}")
    return frame, encoding, notes


def _simple(col: str) -> str:
    text = re.sub(r"[（(][^)）]*[)）]", "", str(col)).strip().lower()
    return re.sub(r"[\s_]+", "_", text)


def _guess_xy(columns: Sequence[str]) -> tuple[str | None, str | None]:
    simple = {_simple(c): c for c in reversed(columns)}
    xcol = next((simple[n] for n in X_NAMES if n in simple), None)
    ycol = next((simple[n] for n in Y_NAMES if n in simple), None)
    return xcol, ycol


def _wkt_column(columns: Sequence[str]) -> str | None:
    return next((c for c in columns if _simple(c) in WKT_NAMES), None)


def _table_to_gdf(df: pd.DataFrame, name: str, xy: tuple[str, str] | None) -> gpd.GeoDataFrame:
    """Points from x/y columns, or geometries from a WKT column."""
    if df.empty:
        raise EmptyFileError("imp_table_empty", file=name)
    columns = [str(c) for c in df.columns]
    wkt = _wkt_column(columns)
    if xy is None and wkt is not None:
        values = df[wkt]
        text = values.astype(str).str.strip()
        empty = values.isna().to_numpy() | (text == "").to_numpy()
        geoms = np.full(len(df), None, dtype=object)
        parsed = shapely.from_wkt(text[~empty].to_numpy(), on_invalid="ignore")
        geoms[~empty] = parsed
        invalid = ~empty & shapely.is_missing(geoms)
        if invalid.any():
            raise ReadError("imp_wkt_invalid", file=name, column=wkt, count=int(invalid.sum()),
                            rows=_rows(np.flatnonzero(invalid)))
        return gpd.GeoDataFrame(df.drop(columns=[wkt]), geometry=list(geoms))
    if xy is not None:
        xcol, ycol = (str(v) for v in xy)
        for col in (xcol, ycol):
            if col not in columns:
                raise SchemaError("imp_xy_missing", file=name, column=col, columns=_names(columns))
    else:
        xcol, ycol = _guess_xy(columns)  # type: ignore[assignment]
        if xcol is None or ycol is None:
            raise SchemaError("imp_no_coordinates", file=name, columns=_names(columns))
    xs, ys = df[xcol], df[ycol]
    x = pd.to_numeric(xs.astype(str).str.strip().replace("", None), errors="coerce").to_numpy(float)
    y = pd.to_numeric(ys.astype(str).str.strip().replace("", None), errors="coerce").to_numpy(float)
    blank = (xs.isna() | (xs.astype(str).str.strip() == "")).to_numpy() & \
            (ys.isna() | (ys.astype(str).str.strip() == "")).to_numpy()
    text_values = ~blank & (np.isnan(x) | np.isnan(y))
    if text_values.any():
        raise CoordinateError("imp_coords_not_numbers", file=name, columns=[xcol, ycol],
                              count=int(text_values.sum()), rows=_rows(np.flatnonzero(text_values)))
    geoms = np.full(len(df), None, dtype=object)
    geoms[~blank] = shapely.points(x[~blank], y[~blank])
    return gpd.GeoDataFrame(df, geometry=list(geoms))


def inspect_table(filename: str, data: bytes, *, limits: Limits = Limits()) -> TableInfo:
    """The columns of a CSV/XLSX and the lon/lat (x/y) columns recognised, read as the importer reads it.

    The page calls this (never pandas itself) to fill its column pickers: a GBK CSV with 东经/北纬 comes
    back as text columns with x_guess='东经', y_guess='北纬'; a numeric XLSX header as text.

    Raises
    ------
    ImportFailure
        As :func:`read_upload` would for the same file (size, archive checks, encoding, empty table).
    """
    name = display_name(filename)
    fmt = _format_of(name)
    if fmt not in ("csv", "xlsx"):
        raise UnsupportedFormatError("imp_not_table", file=name, suffix=_suffix(name) or "—")
    if len(data) > limits.max_mb * MB:
        raise FileTooLargeError("imp_too_large", file=name, size_mb=_size_mb(len(data)),
                                limit_mb=f"{limits.max_mb:g}")
    if not data:
        raise EmptyFileError("imp_empty", file=name)
    frame, encoding, _ = _load_table(name, fmt, data, limits, nrows=20)
    columns = tuple(str(c) for c in frame.columns)
    xcol, ycol = _guess_xy(columns)
    return TableInfo(columns=columns, encoding=encoding, x_guess=xcol, y_guess=ycol, wkt_column=_wkt_column(columns),
                     sample_rows=len(frame))


# --- in a worker with limits -----------------------------------------------------------------------------------
def read_upload_isolated(filename: str, data: bytes, **kwargs: Any) -> ImportResult:
    """:func:`read_upload` in a worker process with the memory, CPU and wall-clock limits of ``SETTINGS``.

    Same arguments and result. A file that exhausts a limit stops only its worker and raises
    :class:`~gis.errors.LimitExceededError` naming the limit (``parse_memory_mb``, ``parse_cpu_s``,
    ``parse_wall_s``); other errors are those of :func:`read_upload`.
    """
    from ingest.sandbox import run_limited

    return run_limited(read_upload, filename, data, task=msg("imp_task_read", file=display_name(filename)), **kwargs)


def inspect_table_isolated(filename: str, data: bytes, **kwargs: Any) -> TableInfo:
    """:func:`inspect_table` in a worker with the upload limits (an XLSX is an archive to inflate)."""
    from ingest.sandbox import run_limited

    return run_limited(inspect_table, filename, data, task=msg("imp_task_read", file=display_name(filename)),
                       **kwargs)


# --- mapping to the app's schema -------------------------------------------------------------------------------
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


def _text(value: Any) -> str:
    """A cell as text for an id/name column: integral floats without '.0', missing values empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def _texts(values: pd.Series) -> pd.Series:
    """``values.map(_text)``, 10x faster for a text column: Arrow's strip removes exactly the characters
    Python's ``str.strip`` does (every code point checked, pyarrow 26)."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.na_value is not pd.NA and not values.empty:
        return values.str.strip().fillna("")  # the readers' text columns
    if values.empty or not isinstance(values.dtype, np.dtype):
        return values.map(_text)
    return pd.Series([v.strip() if type(v) is str else _text(v) for v in values.tolist()], index=values.index)


def apply_mapping(result: ImportResult, mapping: dict[str, str | None], *, layer_kind: str,
                  source_note: str) -> gpd.GeoDataFrame:
    """The imported layer with the app's column names; ids must be unique; ``source``/``accuracy`` set."""
    missing = [f for f in REQUIRED[layer_kind] if not mapping.get(f) and f != "id"]
    if missing:
        raise SchemaError("imp_map_required", fields=missing, kind=layer_kind)
    src = result.gdf
    out = gpd.GeoDataFrame(index=src.index, geometry=src.geometry, crs=src.crs)
    for f in TARGET_FIELDS[layer_kind]:
        col = mapping.get(f)
        if col and col not in src.columns:
            raise SchemaError("imp_map_unknown_column", column=str(col), field=f)
        out[f] = _texts(src[col]) if col else ""
    if not mapping.get("id"):
        out["id"] = [f"I{i + 1:04d}" for i in range(len(out))]
    dup = out["id"][out["id"].duplicated()].unique()
    if len(dup):
        raise SchemaError("imp_duplicate_ids", column=str(mapping.get("id")), ids=[str(d) for d in dup[:10]])
    if layer_kind == "subparks":
        repl = {"北": "north", "北区块": "north", "南": "south", "南区块": "south"}
        out["cluster"] = out["cluster"].map(lambda c: repl.get(c, c))
        bad = sorted(set(out["cluster"]) - {"north", "south"})
        if bad:
            raise SchemaError("imp_bad_cluster", values=[str(b) for b in bad[:10]])
    if layer_kind in ("subparks", "parcels") and "name_en" not in out:
        out["name_en"] = out["name_zh"]
    if "name_en" in out and (out["name_en"] == "").all():
        out["name_en"] = out["name_zh"]
    out["source"] = source_note
    out["accuracy"] = "as supplied in the imported file"
    if layer_kind == "parcels":
        known = result.metric_area_m2
        area = known if known is not None and len(known) == len(out) else to_metric(out).area.to_numpy()
        out["area_m2"] = np.round(area, 1)
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


# --- combining an imported layer with the current one -----------------------------------------------------------
CombineMode = Literal["replace", "append", "merge"]


@dataclass(frozen=True)
class Combined:
    """What applying an imported layer does, by feature id (ids as text, sorted).

    Attributes
    ----------
    layer : GeoDataFrame
        The combined layer (EPSG:4326, a new frame; the inputs are not changed).
    mode : {"replace", "append", "merge"}
    added, removed, changed, kept : tuple of str
        Ids that are new, that disappear, whose geometry moved more than 1 m or whose attributes differ,
        and that stay as they were.
    area_before_km2, area_after_km2 : float
        Total polygon area of the current and the combined layer (EPSG:4549, km2; 0 for points/lines).
    """

    layer: gpd.GeoDataFrame
    mode: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    kept: tuple[str, ...]
    area_before_km2: float
    area_after_km2: float

    @property
    def needs_confirmation(self) -> bool:
        """True when applying removes or changes existing features: ask before applying."""
        return bool(self.removed or self.changed)


def _area_km2(gdf: gpd.GeoDataFrame) -> float:
    if gdf.empty or not gdf.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        return 0.0
    return float(to_metric(gdf).geometry.area.sum()) / 1e6


def _same_value(a: Any, b: Any) -> bool:
    missing = [v is None or (isinstance(v, float) and math.isnan(v)) for v in (a, b)]
    return all(missing) or (not any(missing) and _text(a) == _text(b))


def _differs(a: pd.Series, b: pd.Series, columns: Iterable[str], geom_a: Any, geom_b: Any) -> bool:
    """True when geometries are more than 1 m apart (metric CRS) or an attribute differs."""
    if geom_a is None or geom_b is None or shapely.hausdorff_distance(geom_a, geom_b) > 1.0:
        return True
    return any(not _same_value(a.get(col), b.get(col)) for col in columns)


def combine_layers(current: gpd.GeoDataFrame, incoming: gpd.GeoDataFrame, *, mode: CombineMode) -> Combined:
    """Combine an imported layer with the current one and say exactly what changes.

    Parameters
    ----------
    current, incoming : GeoDataFrame
        Layers with an ``id`` column, in any CRS (the result is EPSG:4326).
    mode : {"replace", "append", "merge"}
        ``replace``: the incoming layer replaces the current one (ids missing from it are removed).
        ``append``: incoming features are added; an id already in the current layer is refused
        (:class:`SchemaError` naming the ids; use ``merge``). ``merge``: incoming features replace the
        current ones with the same id, new ids are added, nothing is removed.

    Returns
    -------
    Combined
        The layer and the ids added/removed/changed/kept, areas before/after (EPSG:4549 km2).
    """
    if mode not in ("replace", "append", "merge"):
        raise SchemaError("imp_combine_mode", mode=str(mode))
    for frame in (current, incoming):
        if "id" not in frame.columns:
            raise SchemaError("imp_combine_no_id")
    cur = to_storage(current).reset_index(drop=True)
    new = to_storage(incoming).reset_index(drop=True)
    cur_m, new_m = to_metric(cur).geometry, to_metric(new).geometry
    cur_ids, new_ids = cur["id"].map(_text), new["id"].map(_text)
    if new_ids.duplicated().any():
        raise SchemaError("imp_duplicate_ids", column="id", ids=sorted(set(new_ids[new_ids.duplicated()]))[:10])
    cur_index = dict(zip(cur_ids, range(len(cur))))
    new_index = dict(zip(new_ids, range(len(new))))
    common = [i for i in new_ids if i in cur_index]
    # attributes the incoming layer really carries (a mapping fills unmapped schema columns with blanks);
    # areas are derived from the geometry, compared through it
    attr_cols = [c for c in new.columns if c in cur.columns and c not in ("geometry", "id", "source", "accuracy")
                 and not str(c).endswith(("_m2", "_km2")) and new[c].map(_text).ne("").any()]
    changed = sorted(i for i in common if _differs(cur.iloc[cur_index[i]], new.iloc[new_index[i]], attr_cols,
                                                   cur_m.iloc[cur_index[i]], new_m.iloc[new_index[i]]))
    added = sorted(set(new_ids) - set(cur_ids))
    if mode == "replace":
        layer = new
        removed = sorted(set(cur_ids) - set(new_ids))
        kept = sorted(set(common) - set(changed))
    elif mode == "append":
        if common:
            raise SchemaError("imp_combine_ids_exist", ids=sorted(common)[:10], count=len(common))
        layer = pd.concat([cur, new], ignore_index=True)
        removed, changed, kept = [], [], sorted(cur_ids)
    else:
        replaced = cur_ids.isin(set(common))
        layer = pd.concat([cur[~replaced.to_numpy()], new], ignore_index=True)
        order = {i: k for k, i in enumerate(list(cur_ids) + added)}
        layer = layer.iloc[np.argsort([order[_text(i)] for i in layer["id"]], kind="stable")].reset_index(drop=True)
        removed = []
        kept = sorted(set(cur_ids) - set(changed))
    layer = gpd.GeoDataFrame(layer, geometry="geometry", crs="EPSG:4326")
    return Combined(layer=layer, mode=mode, added=tuple(added), removed=tuple(removed), changed=tuple(changed),
                    kept=tuple(kept), area_before_km2=_area_km2(cur), area_after_km2=_area_km2(layer))


def diff_layers(current: gpd.GeoDataFrame, new: gpd.GeoDataFrame) -> dict:
    """What replacing ``current`` by ``new`` changes (kept for the page until it uses :func:`combine_layers`)."""
    c = combine_layers(current, new, mode="replace")
    return {"added": list(c.added), "removed": list(c.removed), "changed": list(c.changed),
            "area_before_km2": c.area_before_km2, "area_after_km2": c.area_after_km2}


def read_uploaded_polygons(filename: str, data: bytes, *, max_mb: float = SETTINGS.max_upload_mb,
                           isolated: bool = True) -> gpd.GeoDataFrame:
    """Polygons of an uploaded file in EPSG:4326 (the parcels page's quick path); raises ImportFailure.

    Read in a worker with limits unless ``isolated=False`` (tests, the command line's own worker).
    """
    reader = read_upload_isolated if isolated else read_upload
    return reader(filename, data, expect="polygon", limits=Limits(max_mb=max_mb)).gdf


