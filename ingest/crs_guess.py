"""The coordinate system of a layer: the user's choice checked, guesses from the coordinates, the way to WGS84."""

from __future__ import annotations

import re
from typing import Any

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from gis.crs import METRIC_CRS, parse_user_crs, shift_geometries, to_storage
from gis.errors import CRSError, CRSUnknownError
from gis.settings import SETTINGS
from ingest.wording import _num
from text.clip import clip_text
from text.messages import Message, msg

SHANGHAI = SETTINGS.shanghai_bbox

#: Datums of the lon/lat choices; "gcj02"/"bd09" are converted to WGS84 on import.
LONLAT_CHOICES = {"EPSG:4326": "wgs84", "EPSG:4490": "wgs84", "GCJ-02": "gcj02", "BD-09": "bd09"}
#: Spellings accepted for the special choices (case-insensitive, without spaces).
SPECIAL_CRS = {
    "gcj-02": "GCJ-02",
    "gcj02": "GCJ-02",
    "gcj": "GCJ-02",
    "amap": "GCJ-02",
    "bd-09": "BD-09",
    "bd09": "BD-09",
    "baidu": "BD-09",
    "swap": "SWAP",
    "latlon": "SWAP",
}
#: Projected systems recognised from coordinate ranges (x range, y range): code, name message.
PROJECTED_GUESSES = [
    ((400_000, 800_000), (3_300_000, 3_600_000), "EPSG:4549", "crs_name_4549"),
    ((200_000, 450_000), (3_300_000, 3_600_000), "EPSG:4550", "crs_name_4550"),
    ((40_400_000, 40_800_000), (3_300_000, 3_600_000), "EPSG:4528", "crs_name_4528"),
    ((41_200_000, 41_450_000), (3_300_000, 3_600_000), "EPSG:4529", "crs_name_4529"),
    ((21_200_000, 21_450_000), (3_300_000, 3_600_000), "EPSG:4499", "crs_name_4499"),
]


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
    if authority:
        return f"{authority[0]}:{authority[1]}"
    name = clip_text(parsed.name or crs, 60)
    try:  # a custom system named like a registered one ("WGS 84" on another prime meridian) never passes for it
        namesake = pyproj.CRS.from_user_input(parsed.name).to_authority() if parsed.name else None
    except pyproj.exceptions.CRSError:
        namesake = None
    return f"{name} (≠ {namesake[0]}:{namesake[1]})" if namesake else name


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
        return [
            ("EPSG:4326", msg("imp_guess_lonlat")),
            ("EPSG:4490", msg("imp_guess_cgcs2000")),
            ("GCJ-02", msg("imp_guess_gcj02")),
            ("BD-09", msg("imp_guess_bd09")),
        ]
    if x0 <= my <= x1 and y0 <= mx <= y1:
        return [("SWAP", msg("imp_guess_swap"))]
    return [
        (code, msg("imp_guess_projected", name=msg(label), x=_num(mx), y=_num(my)))
        for (xr, yr, code, label) in PROJECTED_GUESSES
        if xr[0] <= mx <= xr[1] and yr[0] <= my <= yr[1]
    ]


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


def _is_metric(crs: Any) -> bool:
    """Whether coordinates in ``crs`` (a pyproj CRS, an EPSG code or text, None) are the measuring CRS's."""
    if crs is None or crs in ("SWAP", *LONLAT_CHOICES):
        return False
    return pyproj.CRS.from_user_input(crs).equals(pyproj.CRS.from_user_input(METRIC_CRS))


def shifted_datum(crs: Any) -> str | None:
    """'GCJ-02' or 'BD-09' when a file's geographic or engineering CRS names one of them (they are not EPSG
    systems; this app writes GCJ-02 as an engineering CRS so that no GIS transforms it to WGS 84 as a no-op)."""
    if not (crs.is_geographic or crs.is_engineering):
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
