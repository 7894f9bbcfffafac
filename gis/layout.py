"""The district's "one belt, one core, one city" layout zones: the Suzhou Creek belt and its width."""

from __future__ import annotations

import geopandas as gpd
import shapely

from gis.crs import to_metric
from gis.errors import PlannerError


def creek_belt(district: gpd.GeoDataFrame, creek_edge: gpd.GeoDataFrame, *, width_m: float) -> shapely.Geometry:
    """The Suzhou Creek waterfront belt: the land of the district within ``width_m`` of the creek edge.

    Parameters
    ----------
    district : GeoDataFrame
        The district polygon(s), any CRS with a definition.
    creek_edge : GeoDataFrame
        The stretch of the district boundary that follows the creek (lines), any CRS.
    width_m : float
        Inward width of the belt, metres (> 0).

    Returns
    -------
    shapely Polygon or MultiPolygon
        In EPSG:4549 (metres).
    """
    if not width_m > 0:
        raise PlannerError("belt_width_invalid", width_m=width_m)
    area = to_metric(district).geometry.union_all()
    line = to_metric(creek_edge).geometry.union_all()
    return shapely.intersection(area, shapely.buffer(line, width_m, quad_segs=8))
