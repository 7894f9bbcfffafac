"""Park facts computed from the layers: area tables, what a sub-park contains, its nearest stations, the floor area
standing on an area."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.crs import M2_PER_HA, M2_PER_KM2, M2_PER_MU, area_m2, geodesic_area_m2, to_metric
from gis.datasets import ParkData


def subpark_area_table(subparks: gpd.GeoDataFrame) -> pd.DataFrame:
    """Area of each sub-park in EPSG:4549 (planar) and on the ellipsoid.

    Parameters
    ----------
    subparks : GeoDataFrame
        Any CRS with a definition; columns ``id``, ``name_zh``, ``name_en``, ``cluster``.

    Returns
    -------
    DataFrame
        Input index; ``area_m2``, ``area_km2``, ``area_ha``, ``area_mu`` (planar, EPSG:4549),
        ``geodesic_area_km2`` (GRS80) and ``declared_area_km2`` when the layer has it.
    """
    planar = area_m2(to_metric(subparks))
    out = subparks[["id", "name_zh", "name_en", "cluster"]].copy()
    out["area_m2"] = planar
    out["area_km2"] = planar / M2_PER_KM2
    out["area_ha"] = planar / M2_PER_HA
    out["area_mu"] = planar / M2_PER_MU
    out["geodesic_area_km2"] = geodesic_area_m2(subparks) / M2_PER_KM2
    if "declared_area_km2" in subparks.columns:
        out["declared_area_km2"] = pd.to_numeric(subparks["declared_area_km2"], errors="coerce")
    return pd.DataFrame(out)


def cluster_area_table(subparks: gpd.GeoDataFrame) -> pd.DataFrame:
    """Area per cluster and for the whole park (km2, planar EPSG:4549 and geodesic).

    Returns
    -------
    DataFrame
        Index ``north``, ``south`` (as present) and ``total``; columns ``n_subparks``, ``area_km2``,
        ``geodesic_area_km2``, ``share`` (of the total, 0-1).
    """
    table = subpark_area_table(subparks)
    per = table.groupby("cluster").agg(
        n_subparks=("id", "count"), area_km2=("area_km2", "sum"), geodesic_area_km2=("geodesic_area_km2", "sum")
    )
    per.loc["total"] = [per["n_subparks"].sum(), per["area_km2"].sum(), per["geodesic_area_km2"].sum()]
    per["n_subparks"] = per["n_subparks"].astype(int)
    per["share"] = per["area_km2"] / per.loc["total", "area_km2"]
    return per


def nearest_features(geometry_m, layer: gpd.GeoDataFrame, *, k: int) -> pd.DataFrame:
    """The ``k`` features of ``layer`` closest to one geometry (0 m when they touch or overlap).

    Parameters
    ----------
    geometry_m : shapely geometry
        In EPSG:4549 (metres).
    layer : GeoDataFrame
        Any CRS with a definition; columns ``id``, ``name_zh``, ``name_en`` (and ``lines`` if present).
    k : int
        How many to return (>= 1).

    Returns
    -------
    DataFrame
        Columns ``id``, ``name_zh``, ``name_en`` (``lines``), ``dist_m``, sorted by distance.
    """
    dist = to_metric(layer).geometry.distance(geometry_m).to_numpy()
    order = np.argsort(dist, kind="stable")[: max(int(k), 1)]
    cols = [c for c in ("id", "name_zh", "name_en", "lines") if c in layer.columns]
    out = layer.iloc[order][cols].copy()
    out["dist_m"] = dist[order]
    return pd.DataFrame(out).reset_index(drop=True)


def floor_area_within(areas: gpd.GeoDataFrame | gpd.GeoSeries, buildings: gpd.GeoDataFrame) -> pd.Series:
    """The existing floor area in each area: Σ ``floor_area_m2`` of the buildings whose representative point
    (:func:`shapely.point_on_surface`) lies inside it.

    Parameters
    ----------
    areas : GeoDataFrame or GeoSeries
        Polygons, any declared CRS (measured in EPSG:4549).
    buildings : GeoDataFrame
        Points or polygons, any declared CRS; column ``floor_area_m2`` (m², empty where unknown).

    Returns
    -------
    Series
        Indexed as ``areas``, m² of floor area; NaN where no building with a known floor area lies inside.
    """
    out = pd.Series(np.nan, index=areas.index, dtype=float, name="existing_floor_m2")
    if buildings.empty or "floor_area_m2" not in buildings.columns or len(areas) == 0:
        return out
    floor = pd.to_numeric(buildings["floor_area_m2"], errors="coerce").to_numpy(dtype=float)
    known = np.isfinite(floor) & (floor >= 0)
    if not known.any():
        return out
    points = shapely.point_on_surface(to_metric(buildings).geometry.to_numpy()[known])
    area_idx, point_idx = shapely.STRtree(points).query(to_metric(areas).geometry.to_numpy(), predicate="contains")
    counted = np.bincount(area_idx, minlength=len(areas)) > 0
    total = np.bincount(area_idx, weights=floor[known][point_idx], minlength=len(areas))
    out[counted] = total[counted]
    return out


def subpark_summary(data: ParkData, subpark_id: str, *, n_stations: int = 3) -> dict:
    """Everything the side panel shows for one sub-park.

    Returns
    -------
    dict
        ``row`` (the sub-park's attributes), ``area`` (m2/km2/ha/mu planar EPSG:4549 and geodesic km2),
        ``buildings`` (DataFrame of carriers inside or assigned to it), ``stations`` (nearest, with
        ``dist_m``) and ``zones`` (share 0-1 of the sub-park inside each layout zone).
    """
    row = data.subpark(subpark_id)
    sub = data.subparks[data.subparks["id"] == subpark_id]
    geom_m = to_metric(sub).geometry.iloc[0]
    a = float(geom_m.area)
    bld = data.buildings
    inside = to_metric(bld).geometry.within(geom_m).to_numpy()
    mask = inside | (bld["subpark_id"] == subpark_id).to_numpy()
    zones_m = to_metric(data.zones)
    shares = {
        zid: float(g.intersection(geom_m).area / a) if a > 0 else 0.0 for zid, g in zip(zones_m["id"], zones_m.geometry)
    }
    return {
        "row": row,
        "area": {
            "m2": a,
            "km2": a / M2_PER_KM2,
            "ha": a / M2_PER_HA,
            "mu": a / M2_PER_MU,
            "geodesic_km2": float(geodesic_area_m2(sub).iloc[0]) / M2_PER_KM2,
        },
        "buildings": pd.DataFrame(
            bld.loc[mask, [c for c in ("id", "name_zh", "name_en", "kind", "kind_zh", "kind_en") if c in bld.columns]]
        ).reset_index(drop=True),
        "stations": nearest_features(geom_m, data.stations, k=n_stations),
        "zones": shares,
    }
