"""Plan monitoring (实施监测): yearly actuals of Table 1's indicators against the 2025 targets, on/off track before.

For each of the 8 indicators: the value (the 2025 figure; for 五年内累计新增上市及挂牌企业 the sum over 2021–2025), the
achievement against the target in %, and a status — ``met``/``not_met`` once 2025 is known; before, ``on_track`` or
``off_track`` against the straight line from the 2019 baseline to the 2025 target (a cumulative indicator against its
share of the target so far), ``no_baseline`` when the plan gives no 2019 figure to draw that line; ``no_data`` when no
year was reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.columns import find_columns, fold
from gis.crs import to_metric
from gis.datasets import ParkData
from gis.errors import MonitoringError
from gis.indicators import CUMULATIVE, PLAN_NAMES, table1
from gis.landuse import LandUseCodes
from gis.regulatory import floor_area_capacity

BASE_YEAR, TARGET_YEAR, FIRST_PLAN_YEAR = 2019, 2025, 2021
#: Recognised headers of the actuals table (Chinese, English).
ACTUALS_FIELDS = {"indicator": ("指标", "indicator", "name"), "year": ("年份", "year"), "value": ("数值", "value")}
STATUSES = ("met", "not_met", "on_track", "off_track", "no_baseline", "no_data")


@dataclass(frozen=True)
class IndicatorStatus:
    """One indicator's standing (``value`` and ``achievement_pct`` None when no year was reported)."""

    key: str
    name: str
    target_2025: float
    baseline_2019: float | None
    value: float | None
    latest_year: int | None
    achievement_pct: float | None
    expected: float | None
    status: str


def indicator_keys() -> dict[str, str]:
    """Every accepted way of naming an indicator (Table 1's wording with or without its unit, the app's Chinese
    and English names, the key), folded -> key."""
    table = table1()
    names: dict[str, str] = {}
    for key, row in table.iterrows():
        plan = PLAN_NAMES[str(key)]
        for name in (plan, plan.split("（")[0], row["name_zh"], row["name_en"], key):
            names[fold(name)] = str(key)
    return names


def normalise_actuals(actuals: pd.DataFrame) -> pd.DataFrame:
    """The actuals table as ``key, year, value`` (one row per indicator and year; a later row wins).

    Raises
    ------
    MonitoringError
        A column missing, an indicator name not in Table 1, a year or value that is not a number.
    """
    found = find_columns(actuals.columns, ACTUALS_FIELDS)
    missing = [ACTUALS_FIELDS[c][0] for c, col in found.items() if col is None]
    if missing:
        raise MonitoringError("mon_missing_columns", columns="、".join(missing))
    keys = indicator_keys()
    names = actuals[found["indicator"]].map(fold)
    unknown = sorted({str(v) for v, f in zip(actuals[found["indicator"]], names) if f not in keys})
    if unknown:
        raise MonitoringError("mon_unknown_indicator", names="、".join(unknown[:5]))
    out = pd.DataFrame(
        {
            "key": names.map(keys),
            "year": pd.to_numeric(actuals[found["year"]], errors="coerce"),
            "value": pd.to_numeric(actuals[found["value"]], errors="coerce"),
        }
    )
    bad = out["year"].isna() | out["value"].isna() | ~out["year"].between(2000, 2100)
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise MonitoringError(
            "mon_bad_row",
            row=first + 2,
            year=str(actuals[found["year"]].iloc[first])[:20],
            value=str(actuals[found["value"]].iloc[first])[:20],
        )
    out["year"] = out["year"].astype(int)
    return out.drop_duplicates(["key", "year"], keep="last").reset_index(drop=True)


def plan_status(actuals: pd.DataFrame, *, lang: str = "zh") -> list[IndicatorStatus]:
    """The standing of all 8 Table 1 indicators (in the plan's order) from ``normalise_actuals`` rows."""
    out = []
    for key, row in table1().iterrows():
        own = actuals[(actuals["key"] == key) & (actuals["year"] <= TARGET_YEAR)].sort_values("year")
        baseline = None if pd.isna(row["y2019"]) else float(row["y2019"])
        name = PLAN_NAMES[str(key)] if lang == "zh" else str(row["name_en"])
        out.append(_status(str(key), name, float(row["y2025"]), baseline, own))
    return out


def _status(key: str, name: str, target: float, baseline: float | None, own: pd.DataFrame) -> IndicatorStatus:
    if own.empty:
        return IndicatorStatus(key, name, target, baseline, None, None, None, None, "no_data")
    latest = int(own["year"].iloc[-1])
    expected: float | None
    if key in CUMULATIVE:
        value = float(own.loc[own["year"] >= FIRST_PLAN_YEAR, "value"].sum())
        years_done = max(0, latest - FIRST_PLAN_YEAR + 1)
        expected = target * years_done / (TARGET_YEAR - FIRST_PLAN_YEAR + 1)
    else:
        value = float(own["value"].iloc[-1])
        expected = (
            None
            if baseline is None
            else baseline + (target - baseline) * (latest - BASE_YEAR) / (TARGET_YEAR - BASE_YEAR)
        )
    achievement = value / target * 100.0 if target else None
    if latest == TARGET_YEAR:
        status = "met" if value >= target else "not_met"
    elif expected is None:
        status = "no_baseline"
    else:
        status = "on_track" if value >= expected else "off_track"
    return IndicatorStatus(key, name, target, baseline, value, latest, achievement, expected, status)


# --- the spatial indicators the app computes from its own layers ---------------------------------------------
#: Radius of a metro station's catchment in the 体检 indicator 轨道交通站点800米覆盖率 (m).
STATION_RADIUS_M = 800.0
M2_PER_KM2 = 1_000_000.0


@dataclass(frozen=True)
class SpatialIndicators:
    """What the park's layers say about the plan's space, measured in EPSG:4549.

    Attributes
    ----------
    park_km2 : float
        The park (the sub-parks, overlaps counted once).
    clusters_km2, zones_km2 : dict
        Park land in each cluster (north, south) and in each layout zone (belt, core, city).
    metro_share : float
        Share (0–1) of the park's land within ``metro_radius_m`` of a metro station.
    capacity_m2 : float or None
        The floor area the 控规 allows on park land (Σ area × 容积率上限); None without a 控规 layer.
    capacity_by_cluster_m2 : dict
        The same per cluster (empty without a 控规 layer).
    """

    park_km2: float
    clusters_km2: dict[str, float]
    zones_km2: dict[str, float]
    metro_share: float
    metro_radius_m: float
    capacity_m2: float | None = None
    capacity_by_cluster_m2: dict[str, float] = field(default_factory=dict)


def spatial_indicators(
    data: ParkData,
    *,
    regulatory: gpd.GeoDataFrame | None = None,
    codes: LandUseCodes | None = None,
    metro_radius_m: float = STATION_RADIUS_M,
) -> SpatialIndicators:
    """Park area per cluster and zone, the share within ``metro_radius_m`` of a station and, given a 控规 layer
    (normalised, :func:`gis.regulatory.normalise_layer`) and its code tree, the floor-area capacity on park land."""
    subparks = to_metric(data.subparks)
    clusters = {
        str(c): shapely.union_all(subparks.loc[subparks["cluster"] == c].geometry.to_numpy())
        for c in sorted(subparks["cluster"].astype(str).unique())
    }
    park = shapely.union_all(list(clusters.values()))
    zones = to_metric(data.zones)
    stations = to_metric(data.stations).geometry.to_numpy()
    reach = shapely.union_all(shapely.buffer(stations, metro_radius_m, quad_segs=32)) if len(stations) else None
    near = 0.0 if reach is None else shapely.intersection(park, reach).area
    capacity, by_cluster = None, {}
    if regulatory is not None and codes is not None and len(regulatory):
        areas = gpd.GeoSeries(list(clusters.values()), index=list(clusters), crs=subparks.crs)
        cap = floor_area_capacity(areas, regulatory, codes=codes)["allowance_m2"]
        by_cluster = {str(k): float(v) for k, v in cap.items()}
        capacity = float(
            floor_area_capacity(gpd.GeoSeries([park], crs=subparks.crs), regulatory, codes=codes)["allowance_m2"].iloc[
                0
            ]
        )
    return SpatialIndicators(
        park_km2=park.area / M2_PER_KM2,
        clusters_km2={c: g.area / M2_PER_KM2 for c, g in clusters.items()},
        zones_km2={
            str(z): shapely.intersection(park, g).area / M2_PER_KM2 for z, g in zip(zones["id"], zones.geometry)
        },
        metro_share=near / park.area if park.area > 0 else 0.0,
        metro_radius_m=metro_radius_m,
        capacity_m2=capacity,
        capacity_by_cluster_m2=by_cluster,
    )


def performance_by_subpark(
    performance: pd.DataFrame, parcels: gpd.GeoDataFrame, subparks: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Land performance summed up per sub-park: each classified parcel counts with the sub-park it lies in, else
    the nearest one (measured in EPSG:4549).

    Parameters
    ----------
    performance : DataFrame
        :class:`gis.performance.Performance` ``table`` (indexed by parcel id; ``class``, ``area_mu``, ``tax``).
    parcels, subparks : GeoDataFrame
        With ``id`` columns; any CRS.

    Returns
    -------
    DataFrame
        Indexed by sub-park id (only those with classified parcels): ``parcels``, ``A``, ``B``, ``C``, ``D``
        (counts), ``area_mu`` and ``tax_per_mu`` (Σ tax / Σ area, 万元/亩).
    """
    own = to_metric(parcels.set_index(parcels["id"].astype(str)))
    own = own.loc[own.index.intersection(performance.index.astype(str))]
    parks = to_metric(subparks)
    points = shapely.point_on_surface(own.geometry.to_numpy())
    tree = shapely.STRtree(parks.geometry.to_numpy())
    nearest = tree.query_nearest(points, return_distance=False, all_matches=False)[1]
    table = performance.loc[own.index].assign(subpark=parks["id"].astype(str).to_numpy()[nearest])
    counts = pd.crosstab(table["subpark"], table["class"]).reindex(columns=["A", "B", "C", "D"], fill_value=0)
    sums = table.groupby("subpark")[["area_mu", "tax"]].sum()
    out = counts.assign(parcels=counts.sum(axis=1), area_mu=sums["area_mu"], tax_per_mu=sums["tax"] / sums["area_mu"])
    return out[["parcels", "A", "B", "C", "D", "area_mu", "tax_per_mu"]]
