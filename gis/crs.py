"""CRS policy: EPSG:4326 to store/display, EPSG:4549 to measure, geodesic area, WGS84/GCJ-02/BD-09 shifts."""

from __future__ import annotations

import functools
import json
import re
from typing import Literal

import coordTransform as _ct  # noqa: N813 (the package's own name)
import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from gis.errors import CRSError
from gis.settings import SETTINGS
from text.clip import clip_text
from text.messages import CATALOGUE, msg

STORAGE_CRS = SETTINGS.storage_crs
METRIC_CRS = SETTINGS.metric_crs

M2_PER_KM2 = 1_000_000.0
M2_PER_HA = 10_000.0
#: One mu (亩) is 1/15 ha = 666.67 m2.
M2_PER_MU = 10_000.0 / 15.0

Datum = Literal["wgs84", "gcj02", "bd09"]
DATUMS: tuple[str, ...] = ("wgs84", "gcj02", "bd09")

_GEOD = pyproj.Geod(ellps="GRS80")  # CGCS2000 ellipsoid; differs from WGS84's by < 0.1 mm in b


def _crs_of(obj: gpd.GeoDataFrame | gpd.GeoSeries) -> pyproj.CRS:
    if obj.crs is None:
        raise CRSError("crs_missing")
    return obj.crs if isinstance(obj.crs, pyproj.CRS) else pyproj.CRS(obj.crs)


#: CRS pairs reprojected through a cached PROJ pipeline (lon/lat on WGS84/CGCS2000 <-> the measuring CRS).
_PIPELINE_CRS = {"EPSG:4326", "EPSG:4490"}


@functools.cache
def _pipeline(source: str, target: str) -> pyproj.Transformer:
    """The transformer ``source`` -> ``target`` (x = lon/easting), built from the PROJ pipeline that
    ``Transformer.from_crs`` chooses, so results are identical.

    pyproj makes a transformer's PROJ object once per thread, and from CRS codes that costs about 65 ms (the
    operation is looked up in proj.db); Streamlit runs every script run in a new thread, so every run paid it.
    From the pipeline text it costs about 0.3 ms.
    """
    return pyproj.Transformer.from_pipeline(pyproj.Transformer.from_crs(source, target, always_xy=True).definition)


def _reproject(obj: gpd.GeoDataFrame | gpd.GeoSeries, target: str) -> gpd.GeoDataFrame | gpd.GeoSeries:
    """``obj.to_crs(target)``, through a cached pipeline for the pairs of :data:`_PIPELINE_CRS` and the
    measuring CRS (2-D geometries); the input is not changed."""
    crs = _crs_of(obj)
    source = str(crs.srs).upper()
    pair = {source, target.upper()}
    fast = (
        len(pair) == 2
        and METRIC_CRS.upper() in pair
        and not pair.isdisjoint(_PIPELINE_CRS)
        and not obj.geometry.has_z.any()
    )
    if not fast:
        return obj.to_crs(target)
    transformer = _pipeline(source, target.upper())
    geoms = shapely.transform(
        obj.geometry.to_numpy(), lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )
    moved = gpd.GeoSeries(geoms, index=obj.index, crs=target, name=obj.geometry.name)
    if isinstance(obj, gpd.GeoSeries):
        return moved.rename(obj.name)
    out = obj.copy()
    out[obj.geometry.name] = moved
    return out


def require_projected(obj: gpd.GeoDataFrame | gpd.GeoSeries, *, operation: str) -> None:
    """Raise :class:`CRSError` unless ``obj`` is in a projected (metric) CRS.

    Parameters
    ----------
    obj : GeoDataFrame or GeoSeries
        The layer about to be measured.
    operation : str
        What the caller is about to do, named in the message (e.g. ``"area"``).
    """
    crs = _crs_of(obj)
    if crs.is_geographic:
        raise CRSError(
            "crs_geographic_metric",
            crs=crs.to_string(),
            operation=msg(f"op_{operation}") if f"op_{operation}" in CATALOGUE else operation,
        )


def to_metric(obj: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoDataFrame | gpd.GeoSeries:
    """Return a copy of ``obj`` in the measuring CRS (EPSG:4549); the input is not changed."""
    return _reproject(obj, METRIC_CRS)


def to_storage(obj: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoDataFrame | gpd.GeoSeries:
    """Return a copy of ``obj`` in the storage/display CRS (EPSG:4326)."""
    return _reproject(obj, STORAGE_CRS)


def area_m2(obj: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Planar area of each geometry (m2).

    Parameters
    ----------
    obj : GeoDataFrame or GeoSeries
        In a projected CRS (metres), normally EPSG:4549. Raises :class:`CRSError` on a geographic CRS.

    Returns
    -------
    pandas.Series
        Area in m2, with the input index.
    """
    require_projected(obj, operation="area")
    return pd.Series(obj.geometry.area.to_numpy(), index=obj.index, name="area_m2")


def length_m(obj: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Planar length (lines) or perimeter (polygons) of each geometry (m), projected CRS required."""
    require_projected(obj, operation="length")
    return pd.Series(obj.geometry.length.to_numpy(), index=obj.index, name="length_m")


def geodesic_area_m2(obj: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Ellipsoidal (GRS80/CGCS2000) area of each geometry (m2), from any CRS.

    The geometry is taken to lon/lat first; the area is exact on the ellipsoid, so it is the
    reference the planar EPSG:4549 area is checked against (about 0.044 % smaller in Putuo).
    """
    geoms = to_storage(obj).geometry
    areas = [abs(_GEOD.geometry_area_perimeter(g)[0]) if g is not None and not g.is_empty else 0.0 for g in geoms]
    return pd.Series(areas, index=obj.index, name="geodesic_area_m2", dtype=float)


def area_units(area_m2_value: float) -> dict[str, float]:
    """Express an area (m2) in the units officials use: m2, km2, ha and mu (亩)."""
    return {
        "m2": float(area_m2_value),
        "km2": area_m2_value / M2_PER_KM2,
        "ha": area_m2_value / M2_PER_HA,
        "mu": area_m2_value / M2_PER_MU,
    }


# --- WGS84 / GCJ-02 / BD-09 -------------------------------------------------------------------
def _pair(fn, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon = np.ascontiguousarray(lon, dtype=np.float64)
    lat = np.ascontiguousarray(lat, dtype=np.float64)
    if lon.size == 0:
        return lon.copy(), lat.copy()
    out_lon, out_lat = fn(lon.ravel(), lat.ravel())
    return (
        np.asarray(out_lon, dtype=np.float64).reshape(lon.shape),
        np.asarray(out_lat, dtype=np.float64).reshape(lat.shape),
    )


def _inverse(forward, lon: np.ndarray, lat: np.ndarray, *, iterations: int) -> tuple[np.ndarray, np.ndarray]:
    # Fixed-point iteration x <- x - (f(x) - target): the shift varies slowly, so each step gains
    # about three orders of magnitude; two steps take the one-step error (~0.1 m) below 1 mm.
    x, y = np.array(lon, dtype=np.float64), np.array(lat, dtype=np.float64)
    for _ in range(iterations):
        fx, fy = forward(x, y)
        x, y = x - (fx - lon), y - (fy - lat)
    return x, y


def wgs84_to_gcj02(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shift WGS84 lon/lat (degrees) to GCJ-02 (AMap, Tencent). Vectorised; outside China unchanged."""
    return _pair(_ct.wgs84_to_gcj02, lon, lat)


def gcj02_to_bd09(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shift GCJ-02 lon/lat (degrees) to BD-09 (Baidu)."""
    return _pair(_ct.gcj02_to_bd09, lon, lat)


def wgs84_to_bd09(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shift WGS84 lon/lat (degrees) to BD-09 (Baidu)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def gcj02_to_wgs84(lon: np.ndarray, lat: np.ndarray, *, iterations: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Shift GCJ-02 lon/lat (degrees) back to WGS84 by iterating the forward shift (error < 1 mm)."""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    return _inverse(wgs84_to_gcj02, lon, lat, iterations=iterations)


def bd09_to_gcj02(lon: np.ndarray, lat: np.ndarray, *, iterations: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Shift BD-09 lon/lat (degrees) to GCJ-02 by iterating the forward shift (error < 1 mm)."""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    return _inverse(gcj02_to_bd09, lon, lat, iterations=iterations)


def bd09_to_wgs84(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shift BD-09 lon/lat (degrees) to WGS84."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_SHIFTS = {
    ("wgs84", "gcj02"): wgs84_to_gcj02,
    ("gcj02", "wgs84"): gcj02_to_wgs84,
    ("wgs84", "bd09"): wgs84_to_bd09,
    ("bd09", "wgs84"): bd09_to_wgs84,
    ("gcj02", "bd09"): gcj02_to_bd09,
    ("bd09", "gcj02"): bd09_to_gcj02,
}


def shift_points(lon: np.ndarray, lat: np.ndarray, *, source: Datum, target: Datum) -> tuple[np.ndarray, np.ndarray]:
    """Shift lon/lat arrays between the WGS84, GCJ-02 and BD-09 datums (degrees in, degrees out)."""
    for name in (source, target):
        if name not in DATUMS:
            raise CRSError("crs_unknown_datum", datum=str(name))
    if source == target:
        return np.array(lon, dtype=np.float64), np.array(lat, dtype=np.float64)
    return _SHIFTS[(source, target)](lon, lat)


def shift_geometries(obj: gpd.GeoDataFrame | gpd.GeoSeries, *, source: Datum, target: Datum):
    """Return a copy of a lon/lat layer with every vertex shifted between WGS84, GCJ-02 and BD-09.

    Parameters
    ----------
    obj : GeoDataFrame or GeoSeries
        In a geographic CRS (EPSG:4326 / 4490); GCJ-02 and BD-09 are not EPSG systems, so the
        layer keeps its CRS label and the caller knows which datum the numbers are in.
    source, target : {"wgs84", "gcj02", "bd09"}
    """
    crs = _crs_of(obj)
    if not crs.is_geographic:
        raise CRSError("crs_shift_needs_lonlat", crs=crs.to_string())

    def _fn(coords: np.ndarray) -> np.ndarray:
        x, y = shift_points(coords[:, 0], coords[:, 1], source=source, target=target)
        return np.column_stack([x, y])

    shifted = shapely.transform(obj.geometry.to_numpy(), _fn)
    out = obj.copy()
    if isinstance(out, gpd.GeoDataFrame):
        out[out.geometry.name] = gpd.GeoSeries(shifted, index=obj.index, crs=obj.crs)
        return out
    return gpd.GeoSeries(shifted, index=obj.index, crs=obj.crs, name=obj.name)


# --- a coordinate system typed by a user or declared by an uploaded file --------------------------------------
#: Longest CRS text accepted (characters): a WKT2 definition with a bound transformation is about 3,000.
MAX_CRS_TEXT = 20_000
#: PROJ parameters that make PROJ open a file (or, through it, anything on the server).
_FILE_PARAMS = frozenset(
    {"init", "nadgrids", "geoidgrids", "grids", "file", "hgrids", "vgrids", "xy_grids", "z_grids", "grid", "filename"}
)
#: PROJ operations that read grids or are not coordinate systems at all.
_FILE_OPERATIONS = frozenset(
    {
        "pipeline",
        "hgridshift",
        "vgridshift",
        "xyzgridshift",
        "gridshift",
        "deformation",
        "tinshift",
        "vertoffset",
        "defmodel",
    }
)
_PROJ_TOKEN = re.compile(r"(?:^|\s)\+?([A-Za-z_][A-Za-z0-9_]*)\s*(?:=\s*([^\s]*))?")
_PROJ4_EXTENSION = re.compile(r'EXTENSION\s*\[\s*"PROJ4"\s*,\s*"([^"]*)"', re.IGNORECASE)
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_OGC_URL = re.compile(r"^https?://www\.opengis\.net/def/crs/[A-Za-z0-9/_.-]+$")


def _proj_string_problem(text: str) -> str | None:
    for key, value in _PROJ_TOKEN.findall(text):
        key = key.lower()
        if key in _FILE_PARAMS:
            return key
        if key == "proj" and value.lower() in _FILE_OPERATIONS:
            return f"proj={value.lower()}"
    return None


def crs_text_problem(text: str) -> str | None:
    """What makes a CRS text unsafe to hand to PROJ, or None when nothing does.

    Unsafe: control characters, a URL (other than an opengis.net CRS URL, which PROJ resolves from its
    own database), a path, PROJ parameters that read files (``init``, ``nadgrids``, ``geoidgrids``, ``grids``,
    ``file`` …), grid-reading operations or pipelines, a WKT2 ``PARAMETERFILE`` or a WKT1
    ``EXTENSION["PROJ4", …]`` holding any of these. The text is only inspected, never parsed here.
    """
    if any(ord(c) < 32 and c not in "\t\n\r" for c in text):
        return "control characters"
    stripped = text.strip()
    looks_like_wkt_or_json = stripped[:1] in "{[" or re.match(r"^[A-Za-z_]+\s*\[", stripped)
    if not looks_like_wkt_or_json and _URL.search(stripped) and not _OGC_URL.match(stripped):
        return "URL"
    if re.search(r"PARAMETERFILE\s*\[", stripped, re.IGNORECASE):
        return "PARAMETERFILE"
    for inner in _PROJ4_EXTENSION.findall(stripped):
        problem = _proj_string_problem(inner)
        if problem:
            return problem
    if not looks_like_wkt_or_json:
        problem = _proj_string_problem(stripped)
        if problem is None and re.search(r"[/\\~]", stripped) and not _OGC_URL.match(stripped):
            problem = "path"  # a code, a name or a PROJ string never holds a path; only a file reference would
        return problem
    if stripped.startswith("{") and re.search(r'"(?:value|file|filename)"\s*:\s*"[^"]*[/\\.]', stripped):
        return "file parameter"
    return None


def _shown_crs(text: str) -> str:
    return clip_text(" ".join(text.split()), 80)


def check_crs_usable(crs: pyproj.CRS, *, shown: str) -> pyproj.CRS:
    """The horizontal part of ``crs`` if it is safe and usable for map data; raises :class:`CRSError`.

    Refused: a CRS whose definition refers to files (grids, init files), and anything that is not a
    geographic or projected 2D system (geocentric, vertical-only, engineering). ``shown`` names it in
    the message (the user's text or the file's declaration).
    """
    if crs.is_compound and crs.sub_crs_list:
        crs = crs.sub_crs_list[0]
    problem = crs_text_problem(crs.to_wkt("WKT2_2019") or "")
    if problem:
        raise CRSError("crs_user_unsafe", crs=shown, param=problem)
    if crs.is_bound:
        crs = crs.source_crs or crs
    if crs.is_geocentric or crs.is_vertical or not (crs.is_geographic or crs.is_projected):
        raise CRSError("crs_user_not_horizontal", crs=shown)
    return crs


def parse_user_crs(text: str) -> pyproj.CRS:
    """A coordinate system from a user's text, without letting the text reach the file system.

    Parameters
    ----------
    text : str
        An EPSG code (``EPSG:4549``, ``4549``), an authority code or OGC URN/URL, WKT (1 or 2), PROJJSON or
        a PROJ string. Parameters that read files (``+init``, ``+nadgrids``, ``+geoidgrids``, ``+grids``
        …), pipelines and grid-shift operations are refused before PROJ sees the text.

    Returns
    -------
    pyproj.CRS
        The horizontal (geographic or projected) system.

    Raises
    ------
    CRSError
        ``crs_user_empty``, ``crs_user_too_long``, ``crs_user_unsafe`` (naming the parameter),
        ``crs_user_unknown`` or ``crs_user_not_horizontal``; the message quotes the text (shortened).
    """
    text = (text or "").strip()
    if not text:
        raise CRSError("crs_user_empty")
    shown = _shown_crs(text)
    if len(text) > MAX_CRS_TEXT:
        raise CRSError("crs_user_too_long", crs=shown, length=len(text), limit=MAX_CRS_TEXT)
    problem = crs_text_problem(text)
    if problem:
        raise CRSError("crs_user_unsafe", crs=shown, param=problem)
    if text.isdigit():
        text = f"EPSG:{text}"
    try:
        crs = pyproj.CRS.from_user_input(text)
    except (pyproj.exceptions.CRSError, ValueError, TypeError) as exc:
        raise CRSError("crs_user_unknown", crs=shown) from exc
    return check_crs_usable(crs, shown=shown)


# --- CRS declarations inside JSON files (GeoJSON, ESRI JSON, JSON-FG), read as data ---------------------------
#: Member names under which a JSON file may declare a CRS (compared without case).
JSON_CRS_MEMBERS = ("crs", "coordrefsys", "spatialreference")
#: Deepest nesting of objects/arrays accepted in a JSON file (GeoJSON needs about 8; GDAL's own parser 32 and more).
MAX_JSON_DEPTH = 100
#: Largest CRS member parsed (bytes of JSON text).
MAX_JSON_CRS_BYTES = 64 * 1024
#: Most distinct CRS declarations one file may hold (each is checked).
MAX_JSON_CRS_DECLARATIONS = 50
# A token: a run of anything but strings with escapes or brackets in them (one regex step for most of a file),
# a JSON string (unrolled, so it never backtracks), or one other byte (a stray backslash or quote).
_JSON_TOKEN = re.compile(rb'((?:[^"\\]++|"[^"\\\[\]{}]*+")++)|("[^"\\]*(?:\\.[^"\\]*)*")|(.)', re.DOTALL)
_JSON_CRS_KEY = re.compile(rb'"(crs|coordrefsys|spatialreference)"\s*:', re.IGNORECASE)
_JSON_COLON = re.compile(rb"\s*:")
# A string that may decode to a CRS member name: letters, written plainly or as \u escapes (others are skipped
# without decoding, e.g. the escaped Chinese of a file written with ensure_ascii)
_JSON_NAME_LIKE = re.compile(rb'"(?:[A-Za-z]|\\u00[4-7][0-9A-Fa-f])+"')
_DEPTH_CHUNK = 4 * 1024 * 1024
_DEPTH_STEP = np.zeros(256, dtype=np.int32)
_DEPTH_STEP[[0x5B, 0x7B]] = 1  # [ {
_DEPTH_STEP[[0x5D, 0x7D]] = -1  # ] }


def json_crs_members(data: bytes, *, file: str = "", max_depth: int = MAX_JSON_DEPTH) -> list[tuple[str, int, object]]:
    """Every member of a JSON text that declares a CRS, as ``(name, depth, value)``, at any depth.

    The text is tokenised once: strings are told from structure, so member names are compared as JSON
    decodes them (``"\\u0063rs"`` is ``crs``, spaces before the colon do not matter) and a member hidden
    after any number of decoys is still found; the nesting is counted and bounded. Only the values of the
    members found are parsed (with :mod:`json`, at most 64 KB each). Time is linear in the size of the file
    (about 1 s for 100 MB) and memory bounded (a few MB over the file).

    Parameters
    ----------
    data : bytes
        The JSON text (UTF-8; a GeoJSON text sequence too).
    file : str
        The file's name, for messages.
    max_depth : int
        Deepest nesting of objects and arrays allowed.

    Returns
    -------
    list of (str, int, object)
        Member name (decoded), its depth (1 = a member of the top-level object) and its value; identical
        declarations once.

    Raises
    ------
    CRSError
        ``imp_json_too_deep`` (nesting over ``max_depth``), ``imp_json_crs_too_big`` (a CRS member over
        64 KB), ``imp_json_crs_too_many`` (more than 50 different declarations).
    """
    found: list[tuple[str, int, object]] = []
    seen: set[str] = set()
    depth = 0
    for match in _JSON_TOKEN.finditer(data):
        run, string, other = match.groups()
        if run is not None:
            at = match.start()
            for key in _JSON_CRS_KEY.finditer(data, at, match.end()):
                depth = _json_depth(data, at, key.start(), depth)
                at = key.end()
                _json_keep(key.group(1).decode(), depth, data, key.end(), found, seen, file, max_depth)
            depth = _json_depth(data, at, match.end(), depth)
        elif string is not None:
            if (
                len(string) <= 128
                and _JSON_NAME_LIKE.fullmatch(string)
                and (colon := _JSON_COLON.match(data, match.end())) is not None
            ):
                try:
                    name = json.loads(string)
                except ValueError:
                    continue
                if isinstance(name, str) and name.lower() in JSON_CRS_MEMBERS:
                    _json_keep(name, depth, data, colon.end(), found, seen, file, max_depth)
        elif other == b'"':
            break  # a string that never ends: not JSON (GDAL refuses it); nothing after it is structure
    return found


def _json_depth(data: bytes, start: int, end: int, depth: int) -> int:
    """The nesting after ``data[start:end]`` (a run holding no string with brackets in it)."""
    piece = data[start:end]
    return depth + piece.count(b"[") + piece.count(b"{") - piece.count(b"]") - piece.count(b"}")


def _json_max_depth(text: bytes) -> int:
    """The deepest nesting inside one JSON value's text (brackets in strings counted too: an upper bound)."""
    running = np.cumsum(_DEPTH_STEP[np.frombuffer(text, dtype=np.uint8)])
    return int(running.max()) if len(running) else 0


def _json_value_depth(window: bytes) -> int:
    """The deepest nesting of the JSON value at the start of ``window`` (strings skipped), bounded work."""
    level = deepest = 0
    for match in _JSON_TOKEN.finditer(window):
        run, _string, other = match.groups()
        if run is None:
            if other == b'"':
                break
            continue
        codes = np.frombuffer(run, dtype=np.uint8)
        running = level + np.cumsum(_DEPTH_STEP[codes])
        deepest = max(deepest, int(running.max()))
        level = int(running[-1])
        if level <= 0 and deepest > 0:
            break
    return deepest


def _json_keep(
    name: str, depth: int, data: bytes, start: int, found: list, seen: set[str], file: str, max_depth: int
) -> None:
    """Parse one CRS member's value (JSON starting at ``start``, nesting bounded first) and keep it once."""
    window = data[start : start + MAX_JSON_CRS_BYTES + 1]
    if depth + _json_max_depth(window) > max_depth + 1 and _json_value_depth(window) > max_depth - depth:
        raise CRSError("imp_json_too_deep", file=file, limit=max_depth)
    try:
        value, _ = json.JSONDecoder().raw_decode(window.decode("utf-8", "replace").lstrip())
    except RecursionError as exc:
        raise CRSError("imp_json_too_deep", file=file, limit=MAX_JSON_DEPTH) from exc
    except ValueError as exc:
        if len(window) > MAX_JSON_CRS_BYTES:
            raise CRSError("imp_json_crs_too_big", file=file, limit_kb=MAX_JSON_CRS_BYTES // 1024) from exc
        return  # not JSON: GDAL refuses the file later
    key = json.dumps([name.lower(), depth, value], sort_keys=True, default=str)
    if key in seen:
        return
    if len(seen) >= MAX_JSON_CRS_DECLARATIONS:
        raise CRSError("imp_json_crs_too_many", file=file, limit=MAX_JSON_CRS_DECLARATIONS)
    seen.add(key)
    found.append((name, depth, value))
