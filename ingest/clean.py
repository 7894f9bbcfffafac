"""A layer as read, checked and brought into EPSG:4326: geometries, types, its CRS, Shanghai's extent, repairs."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from gis.crs import to_metric, to_storage
from gis.errors import CoordinateError, CRSError, CRSUnknownError, GeometryError
from ingest.crs_guess import (
    LONLAT_CHOICES,
    SHANGHAI,
    _crs_label,
    _is_metric,
    _plausible_lonlat,
    _to_wgs84,
    guess_crs,
    shifted_datum,
)
from ingest.datum_ops import datum_note
from ingest.model import ImportResult
from ingest.wording import _num, _reason, _rows
from text.clip import clip_text
from text.messages import Message, msg

_FAMILY = np.array(["point", "line", "line", "polygon", "point", "line", "polygon", "other"])
_TYPE_NAMES = np.array(
    [
        "Point",
        "LineString",
        "LinearRing",
        "Polygon",
        "MultiPoint",
        "MultiLineString",
        "MultiPolygon",
        "GeometryCollection",
    ]
)


def _clean(
    name: str,
    gdf: gpd.GeoDataFrame,
    *,
    crs: str | None,
    expect: str,
    encoding: str,
    layer: str,
    layers: list[str],
    notes: list[Message],
    fmt: str,
    assumed: bool = False,
) -> ImportResult:
    """The layer as read checked step by step and brought into EPSG:4326 (``notes`` gets a note per repair)."""
    gdf, geoms = _drop_missing(name, gdf, notes)
    coords = _finite_coordinates(name, geoms)
    if shapely.has_z(geoms).any():
        notes.append(msg("imp_note_3d"))
        geoms = shapely.force_2d(geoms)
    keep = _one_family(name, geoms, expect=expect, fmt=fmt, notes=notes)
    if keep is not None:  # a drawing's other kinds of geometry left out
        gdf, geoms = gdf[keep], geoms[keep]
        coords = shapely.get_coordinates(geoms, include_z=False)
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    gdf, how, source_crs, candidates = _source_crs(name, gdf, crs=crs, assumed=assumed, coords=coords, notes=notes)
    out, metric_area = _in_shanghai(name, gdf, how=how, source_crs=source_crs)
    if how != "guessed":  # a foreign datum: the operation PROJ used here and its accuracy (a weak one: to confirm)
        x0, y0, x1, y1 = out.total_bounds
        declared = gdf.crs if how == "file" and gdf.crs is not None else None
        note = _datum_note_of(declared if declared is not None else source_crs, at=((x0 + x1) / 2, (y0 + y1) / 2))
        if note is not None:
            notes.append(note)
    out, repaired = _repair(out, name=name, expect=expect, notes=notes)
    if metric_area is not None and repaired.any():  # measured again as repaired (the stored geometry)
        metric_area = metric_area.copy()
        metric_area[repaired] = to_metric(out.geometry[repaired]).area.to_numpy()
    return ImportResult(
        gdf=out,
        source_crs=_crs_label(source_crs) if how == "chosen" else source_crs,
        crs_how=how,
        encoding=encoding,
        layer=layer,
        layers=layers,
        notes=notes,
        crs_candidates=candidates,
        metric_area_m2=metric_area,
    )


def _drop_missing(name: str, gdf: gpd.GeoDataFrame, notes: list[Message]) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Features without geometry (or with an empty one) left out with a note; none at all is refused."""
    geoms = gdf.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.all():
        raise GeometryError("imp_no_geometry", file=name)
    if missing.any():
        notes.append(msg("imp_note_no_geometry", count=int(missing.sum()), rows=_rows(np.flatnonzero(missing))))
        gdf = gdf[~missing]
        geoms = gdf.geometry.to_numpy()
    return gdf, geoms


def _finite_coordinates(name: str, geoms: np.ndarray) -> np.ndarray:
    """The x/y coordinates of every geometry; a coordinate that is not a finite number is refused."""
    coords = shapely.get_coordinates(geoms, include_z=False)
    bad = ~np.isfinite(coords).all(axis=1)
    if bad.any():
        rows = np.unique(shapely.get_coordinates(geoms, return_index=True)[1][bad])
        raise CoordinateError("imp_coords_not_finite", file=name, count=len(rows), rows=_rows(rows))
    return coords


def _one_family(name: str, geoms: np.ndarray, *, expect: str, fmt: str, notes: list[Message]) -> np.ndarray | None:
    """Refuse mixed geometry types, or a family the target layer does not take. A DXF (CAD drawings mix outlines,
    lines and text points) keeps one kind instead: returns which features to keep then, else None."""
    type_ids = shapely.get_type_id(geoms)
    families = _FAMILY[type_ids]
    kinds = set(families.tolist())
    mask = None
    if fmt == "dxf" and len(kinds) > 1:
        keep = expect if expect in kinds else next(k for k in ("polygon", "line", "point") if k in kinds)
        dropped = int((families != keep).sum())
        notes.append(msg("imp_note_dxf_kept", kept=msg(f"imp_family_{keep}"), count=dropped))
        mask = families == keep
        type_ids, kinds = type_ids[mask], {keep}
    ids, counts = np.unique(type_ids, return_counts=True)
    types = ", ".join(f"{_TYPE_NAMES[i]} × {int(n)}" for i, n in zip(ids, counts))
    if len(kinds) > 1 or "other" in kinds:
        raise GeometryError("imp_mixed_types", file=name, types=types)
    if expect != "any" and kinds != {expect}:
        raise GeometryError("imp_wrong_family", file=name, types=types, expected=msg(f"imp_family_{expect}"))
    return mask


def _datum_note_of(crs: object, *, at: tuple[float, float]) -> Message | None:
    """:func:`ingest.datum_ops.datum_note` of a CRS given as a pyproj CRS or text (None for GCJ-02, SWAP…)."""
    try:
        parsed = pyproj.CRS.from_user_input(crs)
    except (pyproj.exceptions.CRSError, TypeError):
        return None
    return datum_note(parsed, at=at)


def _source_crs(
    name: str, gdf: gpd.GeoDataFrame, *, crs: str | None, assumed: bool, coords: np.ndarray, notes: list[Message]
) -> tuple[gpd.GeoDataFrame, str, str, list[tuple[str, Message]]]:
    """The layer's CRS and how it is known: (layer, "chosen"/"file"/"guessed", CRS, the guesses)."""
    candidates: list[tuple[str, Message]] = []
    if assumed and gdf.crs is not None and crs is None and not _plausible_lonlat(coords):
        gdf = gdf.set_crs(None, allow_override=True)  # metres (or lat/lon) in a GeoJSON without a crs: guess
    if crs is not None:
        how, source_crs = "chosen", crs
    elif gdf.crs is not None and (shifted := shifted_datum(gdf.crs)):  # e.g. this app's GCJ-02 export, read back
        how, source_crs = "file", shifted
        notes.append(msg("imp_note_shifted_datum", crs=source_crs, name=clip_text(gdf.crs.name or "", 60)))
    elif gdf.crs is not None:
        how, source_crs = "file", _crs_label(gdf.crs.to_wkt())
    else:
        candidates = guess_crs(coords[:, 0], coords[:, 1])
        if not candidates:
            raise CRSUnknownError(
                "imp_crs_none_fits", file=name, x=_num(np.median(coords[:, 0])), y=_num(np.median(coords[:, 1]))
            )
        how, source_crs = "guessed", candidates[0][0]
        notes.append(msg("imp_note_crs_guessed", crs=source_crs, why=candidates[0][1]))
    return gdf, how, source_crs, candidates


def _in_shanghai(
    name: str, gdf: gpd.GeoDataFrame, *, how: str, source_crs: str
) -> tuple[gpd.GeoDataFrame, np.ndarray | None]:
    """The layer in EPSG:4326, refused unless it lies in Shanghai; with each feature's planar area (m²) when
    its coordinates were already in the measuring CRS (else None)."""
    metric_area = None
    try:
        if _is_metric(gdf.crs if how == "file" else source_crs):
            metric_area = shapely.area(gdf.geometry.to_numpy())
        out = _to_wgs84(gdf, source_crs) if how != "file" or source_crs in LONLAT_CHOICES else to_storage(gdf)
    except (pyproj.exceptions.CRSError, pyproj.exceptions.ProjError, CRSError) as exc:
        raise CRSUnknownError(
            "imp_crs_transform_failed", file=name, crs=_crs_label(source_crs), reason=_reason(exc, name=name)
        ) from exc
    bounds = out.total_bounds
    sx0, sy0, sx1, sy1 = SHANGHAI
    inside = sx0 <= bounds[0] and bounds[2] <= sx1 and sy0 <= bounds[1] and bounds[3] <= sy1
    if not (np.isfinite(bounds).all() and inside):
        far = ~out.geometry.intersects(shapely.box(*SHANGHAI))
        raise CoordinateError(
            "imp_outside_shanghai",
            file=name,
            count=int(far.sum()),
            crs=_crs_label(source_crs),
            extent=", ".join(_num(v) for v in bounds),
        )
    return out, metric_area


def _repair(
    out: gpd.GeoDataFrame, *, name: str, expect: str, notes: list[Message]
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Invalid geometries repaired with make_valid (polygons keep only their polygon parts); a note says which.
    Returns the layer and which features were repaired."""
    g = out.geometry.to_numpy()
    invalid = ~shapely.is_valid(g)
    if not invalid.any():
        return out, invalid
    repaired = shapely.make_valid(g[invalid])
    if expect == "polygon":
        polygonal = ("Polygon", "MultiPolygon")
        repaired = np.array(
            [shapely.union_all([p for p in shapely.get_parts(r) if p.geom_type in polygonal]) for r in repaired],
            dtype=object,
        )
    dead = shapely.is_empty(repaired) | shapely.is_missing(repaired)
    if dead.any():
        raise GeometryError(
            "imp_unrepairable",
            file=name,
            count=int(dead.sum()),
            expected=msg(f"imp_family_{expect}"),
            rows=_rows(np.flatnonzero(invalid)[dead]),
        )
    g = g.copy()
    g[invalid] = repaired
    notes.append(msg("imp_note_repaired", count=int(invalid.sum()), rows=_rows(np.flatnonzero(invalid))))
    return out.set_geometry(gpd.GeoSeries(g, index=out.index, crs=out.crs)), invalid
