"""Line layers made drawable: the pieces of one road (or metro line) joined into as few lines as the data allows."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.crs import to_metric


def _ends(part: shapely.LineString) -> list[tuple[np.ndarray, np.ndarray]]:
    """Both ends of a line: (end point, unit direction pointing out of the line at that end)."""
    xy = np.asarray(part.coords)[:, :2]
    out = []
    for end, inner in ((xy[0], xy[1:]), (xy[-1], xy[-2::-1])):
        # the direction over the last few metres, not the last vertex pair (which may be a stub)
        d = end - inner[min(len(inner) - 1, 2)]
        norm = float(np.hypot(*d))
        out.append((end, d / norm if norm else d))
    return out


def _bridges(parts: Sequence[shapely.LineString], *, max_gap_m: float, max_turn_deg: float) -> list[shapely.LineString]:
    """Connectors across the gaps of a road cut into pieces. An end is joined to the end of another piece within
    ``max_gap_m`` that continues it (the connector turns less than ``max_turn_deg`` from both pieces' directions),
    the best-aligned one first (side offsets weigh ten times their length, so the two carriageways of a dual road,
    side by side, are never joined across); only ends that choose each other are joined, so no end gets two."""
    ends = [(i, p, d) for i, part in enumerate(parts) for p, d in _ends(part)]
    if len(ends) < 4:
        return []
    pts = np.array([p for _, p, _ in ends])
    dirs = np.array([d for _, _, d in ends])
    owner = np.array([i for i, _, _ in ends])
    cos_max = np.cos(np.radians(max_turn_deg))
    choice = np.full(len(ends), -1)
    for a in range(len(ends)):
        gap = pts - pts[a]
        dist = np.hypot(gap[:, 0], gap[:, 1])
        with np.errstate(invalid="ignore", divide="ignore"):
            u = gap / dist[:, None]
        out_cos = u @ dirs[a]  # the connector against this end's direction
        in_cos = -(u * dirs).sum(axis=1)  # and against the other end's
        ok = (owner != owner[a]) & (dist > 1e-6) & (dist <= max_gap_m) & (out_cos >= cos_max) & (in_cos >= cos_max)
        if (owner != owner[a]).any() and (dist[owner != owner[a]] <= 1e-6).any():
            continue  # this end already touches another piece
        if not ok.any():
            continue
        side = dist * (np.sqrt(np.clip(1 - out_cos**2, 0, 1)) + np.sqrt(np.clip(1 - in_cos**2, 0, 1)))
        cost = np.where(ok, dist + 10.0 * side, np.inf)
        choice[a] = int(np.argmin(cost))
    return [shapely.LineString([pts[a], pts[b]]) for a, b in enumerate(choice) if b > a and choice[b] == a]


def _kept(parts: np.ndarray, min_piece_m: float) -> np.ndarray:
    """Which lines to keep: every line at least ``min_piece_m`` long, and a shorter one that touches another (a
    stub between two junctions belongs to the road; a lone dash does not)."""
    keep = shapely.length(parts) >= min_piece_m
    if keep.all():
        return keep
    tree = shapely.STRtree(parts)
    for i in np.flatnonzero(~keep):
        keep[i] = len(tree.query(parts[i], predicate="intersects")) > 1
    return keep


def merge_lines(
    gdf: gpd.GeoDataFrame,
    *,
    by: Sequence[str],
    max_gap_m: float = 1000.0,
    max_turn_deg: float = 20.0,
    min_piece_m: float = 0.0,
) -> gpd.GeoDataFrame:
    """One (multi)line per group of ``by`` (a road's kind and names, a metro line's ref): its pieces joined end to
    end, with the small gaps between pieces that continue each other bridged, so that a road drawn with round caps
    reads as one line and not as a string of dots.

    Parameters
    ----------
    gdf : GeoDataFrame
        Lines in any CRS with a definition.
    by : sequence of str
        Columns that name one road; missing columns are left out, a missing value is a group of its own.
    max_gap_m, max_turn_deg : float
        Largest gap bridged (metres) and largest turn (degrees) of a bridge against the pieces it joins.
    min_piece_m : float
        Lone pieces (touching no other piece of their road) still shorter than this after joining (metres) are
        left out: on a small-scale map they print as dots. 0 keeps every piece.

    Returns
    -------
    GeoDataFrame
        The ``by`` columns and the merged geometry, in EPSG:4549 (metres).
    """
    gm = to_metric(gdf)
    keys = [c for c in by if c in gm.columns]
    geoms = gm.geometry.to_numpy()
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    gm = gm[keep]
    if gm.empty or not keys:
        return gm[[*keys, gm.geometry.name]] if not gm.empty else gm
    rows = []
    for values, group in gm.groupby(keys, dropna=False, sort=False):
        parts = [
            p for p in shapely.get_parts(group.geometry.to_numpy()) if p.geom_type == "LineString" and p.length > 0
        ]
        if not parts:
            continue
        pieces = parts + _bridges(parts, max_gap_m=max_gap_m, max_turn_deg=max_turn_deg)
        merged = shapely.get_parts(shapely.line_merge(shapely.MultiLineString(pieces)))
        merged = merged[_kept(merged, min_piece_m)]
        if not len(merged):
            continue
        rows.append(
            {
                **dict(zip(keys, values if isinstance(values, tuple) else (values,))),
                "geometry": shapely.multilinestrings(merged),
            }
        )
    out = gpd.GeoDataFrame(pd.DataFrame(rows, columns=[*keys, "geometry"]), geometry="geometry", crs=gm.crs)
    return out


def drop_dots(merged: gpd.GeoDataFrame, *, min_piece_m: float) -> gpd.GeoDataFrame:
    """``merged`` (from :func:`merge_lines`) without its lone pieces shorter than ``min_piece_m`` (metres): a
    cheap step after the joining, which a map can keep for several scales."""
    if min_piece_m <= 0 or merged.empty:
        return merged
    geoms = []
    for geom in merged.geometry.to_numpy():
        parts = shapely.get_parts(geom)
        kept = parts[_kept(parts, min_piece_m)]
        geoms.append(shapely.multilinestrings(kept) if len(kept) else None)
    out = merged.set_geometry(geoms, crs=merged.crs)
    return out[~out.geometry.isna()]
