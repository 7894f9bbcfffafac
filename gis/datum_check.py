"""Datum check for imports: does a lon/lat layer fit the roads and stations better read as GCJ-02 or BD-09?

AMap/Tencent (GCJ-02) and Baidu (BD-09) coordinates look like WGS84 lon/lat but lie about 490 m
(GCJ-02) or 1 km (BD-09) off in Putuo. :func:`datum_fit` reads a layer three ways — as declared
(WGS84/CGCS2000), as if it were GCJ-02 and as if it were BD-09, each shifted back to WGS84 with
:mod:`gis.crs` — and measures how well each reading fits the OpenStreetMap roads and metro stations:

* points: matched by name to the stations (names normalised: spaces, brackets, 地铁 and a trailing
  站 removed); the fit is the median distance (m) between the matched pairs;
* lines and polygon edges: sampled every :data:`SAMPLE_STEP_M`; a sample runs along a road when it
  lies within :data:`ALONG_M` of one, in a run of at least :data:`MIN_RUN_M` along the same line (a
  street that only crosses a road does not count). The fit is the median distance to the nearest road
  (capped at :data:`CAP_M`) of the samples that run along a road in any reading.

A shifted reading fits **clearly better** when its fit is at most :data:`GOOD_FIT_M` and at least
:data:`RATIO` times closer than the declared one; the result then recommends it, with a warning.
All distances are measured in EPSG:4549.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from gis.crs import METRIC_CRS, STORAGE_CRS, shift_geometries, shift_points, to_metric
from gis.errors import CRSError
from gis.names import normalise_station_name
from text.messages import Message, msg

#: The readings compared: as declared, and as if the coordinates were GCJ-02 or BD-09.
READINGS = ("wgs84", "gcj02", "bd09")
#: A shifted reading is recommended when it is at least this many times closer than the declared one ...
RATIO = 3.0
#: ... and fits within this distance (m).
GOOD_FIT_M = 60.0
#: Lines and polygon edges are sampled every SAMPLE_STEP_M (m) ...
SAMPLE_STEP_M = 20.0
#: ... a sample is on a road within ALONG_M (m) of it ...
ALONG_M = 30.0
#: ... in a run of at least MIN_RUN_M (m) along the same line; distances are capped at CAP_M (m).
MIN_RUN_M = 200.0
CAP_M = 500.0
#: At least this many station names must match, or this many samples run along a road (200 m).
MIN_NAMES = 2
MIN_SAMPLES = 10
#: At most this many features are examined (an even sample of larger layers).
MAX_FEATURES = 2000

_TO_METRIC = pyproj.Transformer.from_crs(STORAGE_CRS, METRIC_CRS, always_xy=True)
_TO_LONLAT = pyproj.Transformer.from_crs(METRIC_CRS, STORAGE_CRS, always_xy=True)


@dataclass(frozen=True)
class DatumFit:
    """How well a lon/lat layer fits the reference roads and stations under each reading.

    Attributes
    ----------
    kind : {"points", "lines", "polygons", "empty"}
    method : {"station_names", "roads", "none"}
        What was compared.
    fit_m : mapping of reading -> float
        Fit of each reading in metres (smaller is better; ``inf`` when it could not be measured).
    matched : int
        Stations matched by name (points), or samples (every 20 m) that run along a road in the best reading.
    recommendation : {"wgs84", "gcj02", "bd09", "unknown"}
        The reading the coordinates are in, when the evidence is clear.
    message : Message or None
        The warning to show when a shifted reading fits clearly better.
    note : Message or None
        Why the result is ``unknown``.
    name_column : str or None
        The column matched to the station names (points).
    """

    kind: str
    method: str
    fit_m: Mapping[str, float]
    matched: int
    recommendation: str
    message: Message | None = None
    note: Message | None = None
    name_column: str | None = None

    @property
    def shifted(self) -> bool:
        """True when the layer is most likely GCJ-02 or BD-09, not what was declared."""
        return self.recommendation in ("gcj02", "bd09")

    def corrected(self, layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """A copy of ``layer`` shifted from the recommended datum to WGS84 (unchanged if not shifted)."""
        if not self.shifted:
            return layer.copy()
        return shift_geometries(layer, source=self.recommendation, target="wgs84")  # type: ignore[arg-type]


def _lonlat_metric(lon: np.ndarray, lat: np.ndarray, reading: str) -> np.ndarray:
    """Points (EPSG:4549) of lon/lat read as ``reading`` and shifted to WGS84."""
    if reading != "wgs84":
        lon, lat = shift_points(lon, lat, source=reading, target="wgs84")  # type: ignore[arg-type]
    x, y = _TO_METRIC.transform(lon, lat)
    return shapely.points(x, y)


def _kind(geoms: np.ndarray) -> str:
    types = set(shapely.get_type_id(geoms[~shapely.is_empty(geoms)]).tolist())
    if not types:
        return "empty"
    if types <= {0, 4}:
        return "points"
    if types <= {1, 2, 5}:
        return "lines"
    return "polygons" if types <= {3, 6} else "lines"


def _string_columns(layer: gpd.GeoDataFrame) -> list[str]:
    return [
        c
        for c in layer.columns
        if c != layer.geometry.name
        and (pd.api.types.is_object_dtype(layer[c]) or pd.api.types.is_string_dtype(layer[c]))
    ]


def _fit_points(layer: gpd.GeoDataFrame, stations: gpd.GeoDataFrame, name_column: str | None):
    keys = {normalise_station_name(n): i for i, n in enumerate(stations["name_zh"].astype(str))}
    st_m = to_metric(stations).geometry.to_numpy()
    columns = [name_column] if name_column else _string_columns(layer)
    best: tuple[int, str | None, np.ndarray, np.ndarray] = (0, None, np.array([], int), np.array([], int))
    for col in columns:
        names = layer[col].astype("string").fillna("").map(normalise_station_name).to_numpy()
        rows = np.array([i for i, n in enumerate(names) if n and n in keys], dtype=int)
        if len(rows) > best[0]:
            best = (len(rows), col, rows, np.array([keys[names[i]] for i in rows], dtype=int))
    count, found, rows, refs = best
    if count < MIN_NAMES:
        return {r: float("inf") for r in READINGS}, count, found
    pts = shapely.centroid(layer.geometry.to_numpy()[rows])  # a multipoint by its centre
    lon, lat = shapely.get_x(pts), shapely.get_y(pts)
    fits = {r: float(np.median(shapely.distance(_lonlat_metric(lon, lat, r), st_m[refs]))) for r in READINGS}
    return fits, count, found


def _segments(lines: gpd.GeoDataFrame) -> np.ndarray:
    """The lines (EPSG:4549) as two-point segments: nearest-segment queries are much faster than on
    long multilines."""
    parts = shapely.get_parts(to_metric(lines).geometry.to_numpy())
    xy, part = shapely.get_coordinates(parts, return_index=True)
    same = part[1:] == part[:-1]
    starts, ends = xy[:-1][same], xy[1:][same]
    return shapely.linestrings(np.stack([starts, ends], axis=1))


def _fit_lines(layer: gpd.GeoDataFrame, roads: gpd.GeoDataFrame):
    geoms = to_metric(layer).geometry.to_numpy()
    geoms = np.where(np.isin(shapely.get_type_id(geoms), (3, 6)), shapely.boundary(geoms), geoms)
    parts = shapely.get_parts(geoms[~shapely.is_empty(geoms)])
    xy, part = shapely.get_coordinates(shapely.segmentize(parts, SAMPLE_STEP_M), return_index=True)
    if len(xy) == 0:
        return {r: float("inf") for r in READINGS}, 0
    lon, lat = _TO_LONLAT.transform(xy[:, 0], xy[:, 1])
    tree = shapely.STRtree(_segments(roads))
    min_run = int(np.ceil(MIN_RUN_M / SAMPLE_STEP_M))
    dist, along = {}, {}
    for reading in READINGS:
        pts = _lonlat_metric(np.asarray(lon), np.asarray(lat), reading)
        (idx, _), d = tree.query_nearest(pts, max_distance=CAP_M, return_distance=True, all_matches=False)
        dist[reading] = np.full(len(pts), CAP_M)
        dist[reading][idx] = np.minimum(d, CAP_M)
        near = dist[reading] <= ALONG_M
        breaks = np.r_[True, (part[1:] != part[:-1]) | (near[1:] != near[:-1])]
        run = np.cumsum(breaks) - 1
        along[reading] = near & (np.bincount(run)[run] >= min_run)
    compared = np.logical_or.reduce([along[r] for r in READINGS])
    if compared.sum() < MIN_SAMPLES:
        return {r: float("inf") for r in READINGS}, int(compared.sum())
    fits = {r: float(np.median(dist[r][compared])) for r in READINGS}
    best = min(fits, key=lambda r: fits[r])
    return fits, int(along[best].sum())


def datum_fit(
    layer: gpd.GeoDataFrame, *, roads: gpd.GeoDataFrame, stations: gpd.GeoDataFrame, name_column: str | None = None
) -> DatumFit:
    """Score a lon/lat layer read as declared, as GCJ-02 and as BD-09 against roads and stations.

    Parameters
    ----------
    layer : GeoDataFrame
        The layer as read, before any datum conversion, in a geographic CRS (EPSG:4326/4490).
    roads : GeoDataFrame
        Reference roads (lines, any CRS), e.g. ``ParkData.roads``.
    stations : GeoDataFrame
        Reference metro stations (points, any CRS) with ``name_zh``, e.g. ``ParkData.stations``.
    name_column : str, optional
        The layer's column holding station names; default: the text column matching the most stations.

    Returns
    -------
    DatumFit
        Fits in metres (EPSG:4549) per reading and the recommendation (see the module help for the rules).

    Raises
    ------
    CRSError
        When the layer is not in lon/lat degrees (GCJ-02 and BD-09 exist only as lon/lat).
    """
    crs = layer.crs
    if crs is None or not pyproj.CRS(crs).is_geographic:
        raise CRSError("crs_shift_needs_lonlat", crs=pyproj.CRS(crs).name if crs is not None else "–")
    if len(layer) > MAX_FEATURES:
        layer = layer.iloc[np.linspace(0, len(layer) - 1, MAX_FEATURES).astype(int)]
    layer = layer[~(layer.geometry.isna() | layer.geometry.is_empty)]
    kind = _kind(layer.geometry.to_numpy())
    column = None
    if kind == "empty":
        return DatumFit(
            kind,
            "none",
            MappingProxyType({r: float("inf") for r in READINGS}),
            0,
            "unknown",
            note=msg("datum_note_empty"),
        )
    if kind == "points":
        fits, matched, column = _fit_points(layer, stations, name_column)
        method = "station_names"
        enough = matched >= MIN_NAMES
        note = None if enough else msg("datum_note_no_names", min=MIN_NAMES)
    else:
        fits, matched = _fit_lines(layer, roads)
        method = "roads"
        enough = np.isfinite(fits["wgs84"])
        note = None if enough else msg("datum_note_off_roads", along_m=ALONG_M, run_m=MIN_RUN_M)
    fit_m = MappingProxyType(fits)
    if not enough:
        return DatumFit(kind, method, fit_m, matched, "unknown", note=note, name_column=column)
    best = min(READINGS, key=lambda r: fits[r])
    if fits[best] >= CAP_M:
        return DatumFit(
            kind, method, fit_m, matched, "unknown", note=msg("datum_note_far", cap_m=CAP_M), name_column=column
        )
    if best != "wgs84" and fits[best] <= GOOD_FIT_M and fits[best] * RATIO <= fits["wgs84"]:
        basis = (
            msg("datum_basis_names", count=matched)
            if method == "station_names"
            else msg("datum_basis_roads", length_km=matched * SAMPLE_STEP_M / 1000)
        )
        warning = msg(
            "datum_suspected",
            declared_m=round(fits["wgs84"]),
            shifted_m=round(fits[best]),
            datum=msg(f"datum_{best}"),
            basis=basis,
        )
        return DatumFit(kind, method, fit_m, matched, best, message=warning, name_column=column)
    if fits["wgs84"] <= GOOD_FIT_M and best == "wgs84":
        return DatumFit(kind, method, fit_m, matched, "wgs84", name_column=column)
    return DatumFit(
        kind,
        method,
        fit_m,
        matched,
        "unknown",
        note=msg("datum_note_unclear", good_m=GOOD_FIT_M, ratio=RATIO),
        name_column=column,
    )


def _distance(metres: float) -> Message:
    """A distance as officials read it: '3 米' under a kilometre, else '1.2 公里'."""
    if metres < 1000:
        return msg("datum_dist_m", m=round(metres))
    return msg("datum_dist_km", km=round(metres / 1000, 1))


def evidence(fit: DatumFit) -> Message | None:
    """What the comparison found, best reading first: 'read as BD-09, 35 stations matched by name lie 3 m from
    theirs; as WGS84, 1.2 km; as GCJ-02, …' (None when no reading could be measured).

    Parameters
    ----------
    fit : DatumFit
        The result of :func:`datum_fit`; distances in metres, measured in EPSG:4549.
    """
    measured = sorted((r for r in READINGS if np.isfinite(fit.fit_m[r])), key=lambda r: fit.fit_m[r])
    if not measured:
        return None
    best = measured[0]
    others = sorted(measured[1:], key=lambda r: r != "wgs84")  # WGS84, what lon/lat is taken for, comes next
    rest = [
        msg("datum_evidence_other", datum=msg(f"datum_short_{r}"), distance=_distance(fit.fit_m[r])) for r in others
    ]
    basis: dict[str, float]
    if fit.method == "station_names":
        code, basis = "datum_evidence_names", {"count": fit.matched}
    else:
        code, basis = "datum_evidence_roads", {"length_km": round(fit.matched * SAMPLE_STEP_M / 1000, 1)}
    first = msg(code, datum=msg(f"datum_short_{best}"), distance=_distance(fit.fit_m[best]), **basis)
    return msg("list_semicolon_join", items=[first, *rest])
