"""Check a data folder against the schema and the park's invariants (the command: `python -m gis validate DATA_DIR`)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely

from gis.analysis import cluster_area_table
from gis.crs import to_metric
from gis.datasets import CLUSTERS, LAYER_FILES, ParkData, load_park_data
from gis.errors import DataValidationError
from gis.scoring import invalid_reason_message
from gis.settings import SETTINGS
from text.messages import CATALOGUE, Message, msg

#: Overlap or spill-over smaller than this (m2) is rounding, not a problem.
AREA_EPS_M2 = 1.0
SHANGHAI_BBOX = SETTINGS.shanghai_bbox


def invariant_problems(
    data: ParkData,
    *,
    total_km2: float = SETTINGS.plan_total_area_km2,
    rel_tol: float = SETTINGS.total_area_rel_tol,
    per_cluster: dict | None = None,
) -> list[Message]:
    """List every broken invariant of a loaded data set (empty list = all hold).

    Invariants: valid geometries inside Shanghai; the sub-park count per cluster; no two sub-parks
    overlap (> 1 m2); each sub-park inside the district; total area ``total_km2`` within ``rel_tol``
    (planar EPSG:4549); buildings name an existing sub-park.
    """
    sp_m = to_metric(data.subparks)
    return [
        *_geometry_problems(data),
        *_cluster_problems(data, per_cluster=per_cluster or SETTINGS.subparks_per_cluster),
        *_overlap_problems(sp_m),
        *_outside_district_problems(sp_m, to_metric(data.district).geometry.union_all()),
        *_total_area_problems(data, total_km2=total_km2, rel_tol=rel_tol),
        *_building_problems(data),
    ]


def _geometry_problems(data: ParkData) -> list[Message]:
    """Every layer inside Shanghai, and valid geometries (but for the candidate parcels)."""
    problems: list[Message] = []
    for layer_id in LAYER_FILES:
        gdf = data.layer(layer_id)
        if gdf.empty:
            continue
        x0, y0, x1, y1 = gdf.total_bounds
        west, south, east, north = SHANGHAI_BBOX
        if not (west <= x0 and x1 <= east and south <= y0 and y1 <= north):
            problems.append(
                msg("inv_outside_shanghai", layer=layer_id, extent=f"{x0:.4f}, {y0:.4f} – {x1:.4f}, {y1:.4f}")
            )
        if layer_id == "parcels":
            continue  # candidate parcels may be invalid on purpose: the scoring rules report them
        for fid, geom in zip(gdf["id"], gdf.geometry):
            if geom is not None and not geom.is_valid:
                problems.append(
                    msg(
                        "inv_invalid_geometry",
                        layer=layer_id,
                        id=str(fid),
                        reason=invalid_reason_message(shapely.is_valid_reason(geom)),
                    )
                )
    return problems


def _cluster_problems(data: ParkData, *, per_cluster: dict) -> list[Message]:
    """Sub-parks of known clusters only, as many in all and in each cluster as ``per_cluster`` says."""
    sp = data.subparks
    problems: list[Message] = []
    for bad in sorted(set(sp["cluster"]) - set(CLUSTERS)):
        ids = ", ".join(sp.loc[sp["cluster"] == bad, "id"].astype(str))
        problems.append(msg("inv_bad_cluster", ids=ids, cluster=str(bad)))
    expected_total = sum(per_cluster.values())
    if len(sp) != expected_total:
        problems.append(msg("inv_subpark_count", count=len(sp), expected=expected_total))
    counts = sp["cluster"].value_counts().to_dict()
    for cluster, n in per_cluster.items():
        if counts.get(cluster, 0) != n:
            problems.append(
                msg(
                    "inv_cluster_count",
                    count=counts.get(cluster, 0),
                    cluster=msg(f"cluster_{cluster}") if f"cluster_{cluster}" in CATALOGUE else str(cluster),
                    expected=n,
                )
            )
    return problems


def _overlap_problems(subparks_m: gpd.GeoDataFrame) -> list[Message]:
    """Pairs of sub-parks (metric CRS) overlapping by more than :data:`AREA_EPS_M2`."""
    geoms = subparks_m.geometry.to_numpy()
    ids = subparks_m["id"].to_numpy()
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    problems: list[Message] = []
    for i, j in zip(left, right):
        if i < j:
            overlap = shapely.intersection(geoms[i], geoms[j]).area
            if overlap > AREA_EPS_M2:
                problems.append(msg("inv_overlap", a=str(ids[i]), b=str(ids[j]), m2=float(overlap)))
    return problems


def _outside_district_problems(subparks_m: gpd.GeoDataFrame, district_m: shapely.Geometry) -> list[Message]:
    """Sub-parks (metric CRS) reaching out of the district by more than :data:`AREA_EPS_M2`."""
    outside = shapely.difference(subparks_m.geometry.to_numpy(), district_m)
    return [
        msg("inv_outside_district", id=str(fid), m2=float(g.area))
        for fid, g in zip(subparks_m["id"], outside)
        if g.area > AREA_EPS_M2
    ]


def _total_area_problems(data: ParkData, *, total_km2: float, rel_tol: float) -> list[Message]:
    """The sub-parks' total area (planar EPSG:4549) off the plan's ``total_km2`` by more than ``rel_tol``."""
    total = float(cluster_area_table(data.subparks).loc["total", "area_km2"])
    if abs(total - total_km2) > rel_tol * total_km2:
        return [msg("inv_total_area", total=total, expected=total_km2, tol=rel_tol)]
    return []


def _building_problems(data: ParkData) -> list[Message]:
    """Buildings naming a sub-park that does not exist."""
    known = set(data.subparks["id"])
    bld = data.buildings
    return [
        msg("inv_building_subpark", id=str(fid), subpark=str(sid))
        for fid, sid in zip(bld["id"], bld["subpark_id"])
        if sid not in known
    ]


def validate_folder(data_dir: str | Path, **options) -> tuple[ParkData | None, list[Message | str]]:
    """Load and check a data folder; return the data (None if it cannot load) and every problem."""
    try:
        data = load_park_data(data_dir)
    except DataValidationError as exc:
        return None, exc.problems or [exc.message]
    return data, list(invariant_problems(data, **options))
