"""Explainable multi-criteria evaluation of candidate parcels: criteria in [0, 1], hard rules, weights, sensitivity."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.crs import METRIC_CRS, to_metric
from gis.datasets import ParkData
from gis.errors import ScoringError
from gis.measures import adjacency_score, layout_score, polsby_popper, transit_score
from text.messages import CATALOGUE, Message, msg

#: The plan's "4 + X" industries (tags used in the data's ``industry_tags`` / ``intended_use``).
CORE_INDUSTRIES = ("intelligent_software", "rd_services", "sci_tech_finance", "life_health")
X_INDUSTRIES = ("digital_economy", "new_infrastructure", "online_economy", "industrial_internet")

#: The vector criteria, in display order. Raster criteria are added as ``raster:<name>``.
VECTOR_CRITERIA = ("adjacency", "shared_edge", "layout", "transit", "size", "compactness", "industry")
#: The criterion a 控规 layer adds (after the vector ones): the share of the parcel whose planned use takes the
#: park's industries (``park_use_share`` of :func:`gis.regulatory.floor_area_capacity`, 0-1).
LANDUSE_CRITERION = "landuse"

PRESETS: dict[str, dict[str, float]] = {
    "balanced": {
        "adjacency": 20,
        "shared_edge": 10,
        "layout": 20,
        "transit": 15,
        "size": 10,
        "compactness": 10,
        "industry": 15,
    },
    "layout_first": {
        "adjacency": 15,
        "shared_edge": 5,
        "layout": 45,
        "transit": 10,
        "size": 10,
        "compactness": 5,
        "industry": 10,
    },
    "transit_first": {
        "adjacency": 15,
        "shared_edge": 5,
        "layout": 15,
        "transit": 40,
        "size": 10,
        "compactness": 5,
        "industry": 10,
    },
}


@dataclass(frozen=True)
class ScoringParams:
    """Thresholds of the criteria and the hard rules (metres, m2, shares 0-1)."""

    adjacency_max_m: float = 1000.0  # distance to the park at which adjacency reaches 0
    edge_tol_m: float = 30.0  # boundary within this distance of the park counts as shared (roads)
    edge_full_share: float = 0.25  # share of the perimeter shared with the park that scores 1
    transit_full_m: float = 300.0  # centroid-to-station distance that still scores 1
    transit_zero_m: float = 1500.0  # ... and the one that scores 0
    size_min_m2: float = 10_000.0  # ideal parcel size range (1-10 ha)
    size_max_m2: float = 100_000.0
    zone_weights: Mapping[str, float] = field(default_factory=lambda: {"belt": 1.0, "core": 1.0, "city": 1.0})
    industry_core: float = 0.7  # base industry fit of a "4" industry
    industry_x: float = 0.5  # ... of an "X" industry
    industry_neighbour_bonus: float = 0.3  # when the nearest sub-park (within adjacency_max_m) lists it
    min_area_m2: float = 5_000.0  # rule: minimum parcel area
    overlap_tol_m2: float = 10.0  # rule: tolerated overlap with a sub-park
    outside_tol_share: float = 0.01  # rule: tolerated share of the parcel outside the district
    park_use_min_share: float = 0.5  # optional rule: least share of the parcel under a park use (控规)

    def __post_init__(self) -> None:
        problems = []
        for name in ("adjacency_max_m", "edge_full_share", "transit_zero_m", "size_min_m2", "size_max_m2"):
            if not getattr(self, name) > 0:
                problems.append(f"{name} must be > 0 (received {getattr(self, name)!r})")
        if not 0 <= self.park_use_min_share <= 1:
            problems.append(f"park_use_min_share must lie in [0, 1] (received {self.park_use_min_share!r})")
        if self.transit_full_m >= self.transit_zero_m:
            problems.append(
                f"transit_full_m ({self.transit_full_m}) must be below transit_zero_m ({self.transit_zero_m})"
            )
        if self.size_min_m2 > self.size_max_m2:
            problems.append(f"size_min_m2 ({self.size_min_m2}) must not exceed size_max_m2 ({self.size_max_m2})")
        if any(not 0 <= w <= 1 for w in self.zone_weights.values()):
            problems.append(f"zone weights must lie in [0, 1] (received {dict(self.zone_weights)})")
        if problems:
            raise ScoringError("scoring_params_invalid", detail="; ".join(problems))


@dataclass(frozen=True)
class Context:
    """The fixed layers a parcel is measured against, in EPSG:4549 (metres)."""

    district: shapely.Geometry
    subparks: gpd.GeoDataFrame  # id, name_zh, name_en, industry_tags, geometry (metric)
    zones: Mapping[str, shapely.Geometry]
    stations: gpd.GeoDataFrame  # id, name_zh, name_en, lines, geometry (metric points)

    @classmethod
    def from_park_data(cls, data: ParkData) -> Context:
        zones = to_metric(data.zones)
        return cls(
            district=to_metric(data.district).geometry.union_all(),
            subparks=to_metric(data.subparks)[["id", "name_zh", "name_en", "industry_tags", "geometry"]],
            zones=dict(zip(zones["id"], zones.geometry)),
            stations=to_metric(data.stations)[["id", "name_zh", "name_en", "lines", "geometry"]],
        )


def _repaired(geoms: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """``geoms`` with the invalid ones (``valid`` False) replaced by ``make_valid`` (a copy when any is)."""
    bad = ~valid
    if bad.any():  # measure the repaired shape; the rules still report the original as invalid
        geoms = geoms.copy()
        geoms[bad] = shapely.make_valid(geoms[bad])
    return geoms


def _metric_geoms(parcels: gpd.GeoDataFrame) -> np.ndarray:
    if parcels.crs is None:
        raise ScoringError("scoring_no_crs")
    gdf = parcels if parcels.crs == METRIC_CRS else to_metric(parcels)
    geoms = gdf.geometry.to_numpy()
    return _repaired(geoms, shapely.is_valid(geoms))


def raw_criteria(parcels: gpd.GeoDataFrame, ctx: Context, *, params: ScoringParams = ScoringParams()) -> pd.DataFrame:
    """Measure every parcel against the park, the layout zones and the stations (vectorised).

    Parameters
    ----------
    parcels : GeoDataFrame
        Any declared CRS (reprojected to EPSG:4549); optional column ``intended_use`` (an industry tag).
    ctx : Context
        Park, zones and stations in EPSG:4549.

    Returns
    -------
    DataFrame
        Input index. ``dist_park_m`` (to the nearest sub-park; ``inf`` beyond ``adjacency_max_m``),
        ``nearest_subpark`` (id within that distance, else None), ``shared_edge_m``, ``perimeter_m``,
        ``share_belt``/``share_core``/``share_city`` (0-1 of the area), ``dist_station_m`` (centroid to
        the nearest station), ``nearest_station``, ``area_m2``, ``polsby_popper`` (4πA/P²),
        ``intended_use``, ``neighbour_match`` (the nearest sub-park lists the intended use).
    """
    geoms = _metric_geoms(parcels)
    n = len(geoms)
    area = shapely.area(geoms)
    perimeter = shapely.length(geoms)
    out = pd.DataFrame(index=parcels.index)
    out["area_m2"] = area
    out["perimeter_m"] = perimeter

    # Adjacency: only parcel/sub-park pairs closer than the cut-off are measured. Pairs whose bounding boxes
    # are within the cut-off come from an STRtree of the sub-parks' boxes grown by it (envelopes only), then
    # one distance per pair: the same pairs as the tree's "dwithin" predicate, at half its cost.
    sp_geoms = ctx.subparks.geometry.to_numpy()
    r = params.adjacency_max_m
    sb = shapely.bounds(sp_geoms)
    tree = shapely.STRtree(shapely.box(sb[:, 0] - r, sb[:, 1] - r, sb[:, 2] + r, sb[:, 3] + r))
    p_idx, s_idx = tree.query(geoms)
    d = shapely.distance(geoms[p_idx], sp_geoms[s_idx])
    within = d <= r
    p_idx, s_idx, d = p_idx[within], s_idx[within], d[within]
    dist = np.full(n, np.inf)
    nearest = np.full(n, -1)
    if len(p_idx):
        # by parcel, then distance, then sub-park order: the first of each parcel is its nearest sub-park
        # (ties, e.g. a parcel touching two sub-parks, go to the one listed first)
        order = np.lexsort((s_idx, d, p_idx))
        first = np.ones(len(order), dtype=bool)
        first[1:] = p_idx[order][1:] != p_idx[order][:-1]
        dist[p_idx[order][first]] = d[order][first]
        nearest[p_idx[order][first]] = s_idx[order][first]
    out["dist_park_m"] = dist
    ids = ctx.subparks["id"].to_numpy()
    out["nearest_subpark"] = np.where(nearest >= 0, ids[np.maximum(nearest, 0)], None)

    # Shared edge: the part of the boundary within edge_tol_m of the park, for the few parcels that close.
    shared = np.zeros(n)
    close = dist <= params.edge_tol_m
    if close.any():
        band = shapely.buffer(shapely.union_all(sp_geoms), params.edge_tol_m, quad_segs=16)
        shapely.prepare(band)
        shared[close] = shapely.length(shapely.intersection(shapely.boundary(geoms[close]), band))
    out["shared_edge_m"] = shared

    # Layout zones: contains_properly shortcut, exact intersection only for parcels on a zone's edge.
    for zid in ("belt", "core", "city"):
        share = np.zeros(n)
        zone = ctx.zones.get(zid)
        if zone is not None and not zone.is_empty:
            shapely.prepare(zone)
            inside = shapely.contains_properly(zone, geoms)
            edge = shapely.intersects(zone, geoms) & ~inside
            share[inside] = 1.0
            if edge.any():
                share[edge] = shapely.area(shapely.intersection(geoms[edge], zone)) / np.maximum(area[edge], 1e-9)
        out[f"share_{zid}"] = np.clip(share, 0.0, 1.0)

    # Transit: centroid to the nearest station point.
    st_geoms = ctx.stations.geometry.to_numpy()
    centroids = shapely.centroid(geoms)
    if len(st_geoms):
        (_, j), d = shapely.STRtree(st_geoms).query_nearest(centroids, return_distance=True, all_matches=False)
        out["dist_station_m"] = d
        out["nearest_station"] = ctx.stations["id"].to_numpy()[j]
    else:
        out["dist_station_m"] = np.inf
        out["nearest_station"] = None

    out["polsby_popper"] = polsby_popper(area, perimeter)

    use = (
        parcels["intended_use"].astype("string").fillna("")
        if "intended_use" in parcels.columns
        else pd.Series("", index=parcels.index, dtype="string")
    )
    out["intended_use"] = use.to_numpy()
    tags = ctx.subparks["industry_tags"].fillna("").astype(str).str.split("|").to_numpy()
    match = np.zeros(n, dtype=bool)
    has = np.flatnonzero((nearest >= 0) & (use.to_numpy() != ""))
    match[has] = [u in tags[k] for u, k in zip(use.to_numpy()[has], nearest[has])]
    out["neighbour_match"] = match
    return out


def normalise(raw: pd.DataFrame, *, params: ScoringParams = ScoringParams()) -> pd.DataFrame:
    """Map the raw measurements to the vector criteria, each in [0, 1] (formulas in the module help).

    * adjacency = clip(1 - dist_park_m / adjacency_max_m, 0, 1)
    * shared_edge = clip((shared_edge_m / perimeter_m) / edge_full_share, 0, 1)
    * layout = clip(Σ_zone weight_zone × share_zone, 0, 1)
    * transit = 1 up to transit_full_m, linear to 0 at transit_zero_m
    * size = 1 inside [size_min_m2, size_max_m2]; area/size_min below; 1 - (area - max)/max above (0 at 2×max)
    * compactness = Polsby–Popper 4πA/P² (1 for a circle, ~0.785 for a square)
    * industry = industry_core for a "4" industry, industry_x for an "X" one, 0 otherwise,
      + industry_neighbour_bonus when the nearest sub-park lists it; clipped to 1
    """
    p = params
    out = pd.DataFrame(index=raw.index)
    out["adjacency"] = adjacency_score(raw["dist_park_m"].to_numpy(), max_m=p.adjacency_max_m)
    per = np.maximum(raw["perimeter_m"].to_numpy(), 1e-9)
    out["shared_edge"] = np.clip(raw["shared_edge_m"].to_numpy() / per / p.edge_full_share, 0.0, 1.0)
    out["layout"] = layout_score({z: raw[f"share_{z}"].to_numpy() for z in ("belt", "core", "city")}, p.zone_weights)
    out["transit"] = transit_score(raw["dist_station_m"].to_numpy(), full_m=p.transit_full_m, zero_m=p.transit_zero_m)
    a = raw["area_m2"].to_numpy()
    size = np.where(
        a < p.size_min_m2,
        a / p.size_min_m2,
        np.where(a > p.size_max_m2, 1.0 - (a - p.size_max_m2) / p.size_max_m2, 1.0),
    )
    out["size"] = np.clip(size, 0.0, 1.0)
    out["compactness"] = np.clip(raw["polsby_popper"].to_numpy(), 0.0, 1.0)
    use = raw["intended_use"].astype(str).to_numpy()
    base = np.where(
        np.isin(use, CORE_INDUSTRIES), p.industry_core, np.where(np.isin(use, X_INDUSTRIES), p.industry_x, 0.0)
    )
    bonus = np.where(raw["neighbour_match"].to_numpy() & (base > 0), p.industry_neighbour_bonus, 0.0)
    out["industry"] = np.clip(base + bonus, 0.0, 1.0)
    return out


def normalise_weights(weights: Mapping[str, float], criteria: list[str] | tuple[str, ...]) -> pd.Series:
    """Weights for ``criteria`` scaled to sum to 1 (missing ones are 0).

    Raises
    ------
    ScoringError
        On a negative or non-finite weight, an unknown criterion, or when every weight is 0.
    """
    unknown = sorted(set(weights) - set(criteria))
    if unknown:
        raise ScoringError("weights_unknown", unknown=unknown, expected=list(criteria))
    w = pd.Series({c: float(weights.get(c, 0.0)) for c in criteria}, dtype=float)
    if not np.isfinite(w).all() or (w < 0).any():
        raise ScoringError("weights_invalid")
    if w.sum() <= 0:
        raise ScoringError("weights_all_zero")
    return w / w.sum()


def check_rules(parcels: gpd.GeoDataFrame, ctx: Context, *, params: ScoringParams = ScoringParams()) -> pd.DataFrame:
    """The hard rules, each with its measured value, so failures can be explained.

    Returns
    -------
    DataFrame
        Input index. ``valid`` (bool) and ``invalid_reason``; ``outside_share`` (0-1 of the area outside
        the district) and ``inside_district`` (<= outside_tol_share); ``overlap_m2`` with the sub-parks and
        ``no_overlap`` (<= overlap_tol_m2); ``min_area`` (area >= min_area_m2); ``passes`` (all rules);
        ``failed`` (list of failed rule ids: ``valid``, ``inside_district``, ``no_overlap``, ``min_area``).
    """
    gdf = parcels if parcels.crs == METRIC_CRS else to_metric(parcels)
    orig = gdf.geometry.to_numpy()
    valid = shapely.is_valid(orig)
    geoms = _repaired(orig, valid)  # as _metric_geoms(parcels), without reprojecting and validating twice
    area = shapely.area(geoms)
    district = ctx.district
    shapely.prepare(district)
    outside = np.zeros(len(geoms))
    edge = ~shapely.contains_properly(district, geoms)
    if edge.any():
        outside[edge] = shapely.area(shapely.difference(geoms[edge], district)) / np.maximum(area[edge], 1e-9)
    sp = ctx.subparks.geometry.to_numpy()
    overlap = np.zeros(len(geoms))
    pi, si = shapely.STRtree(sp).query(geoms, predicate="intersects")
    if len(pi):
        np.add.at(overlap, pi, shapely.area(shapely.intersection(geoms[pi], sp[si])))
    out = pd.DataFrame(index=parcels.index)
    out["valid"] = valid
    reason = np.full(len(orig), "", dtype=object)
    reason[~valid] = shapely.is_valid_reason(orig[~valid])  # asked only of the invalid ones
    out["invalid_reason"] = reason
    out["outside_share"] = np.clip(outside, 0.0, 1.0)
    out["inside_district"] = out["outside_share"] <= params.outside_tol_share
    out["overlap_m2"] = overlap
    out["no_overlap"] = overlap <= params.overlap_tol_m2
    out["area_m2"] = area
    out["min_area"] = area >= params.min_area_m2
    rules = ["valid", "inside_district", "no_overlap", "min_area"]
    out["passes"] = out[rules].all(axis=1)
    # one list per parcel; built once per combination of failed rules (at most 16), then copied
    code = np.zeros(len(out), dtype=np.int64)
    for k, r in enumerate(rules):
        code |= (~out[r].to_numpy(dtype=bool)).astype(np.int64) << k
    combos = {c: [r for k, r in enumerate(rules) if c >> k & 1] for c in np.unique(code).tolist()}
    out["failed"] = [combos[c].copy() for c in code.tolist()]
    return out


def weighted_scores(norm: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """Per-criterion contributions (weight × normalised value) and their sum ``score`` in [0, 1].

    ``weights`` must already be normalised (see :func:`normalise_weights`); criteria it lacks count 0.
    This is all a weight change needs: the raw measurements are reused.
    """
    w = weights.reindex(norm.columns).fillna(0.0)
    contrib = norm.to_numpy() * w.to_numpy()[None, :]
    out = pd.DataFrame(contrib, index=norm.index, columns=[f"c_{c}" for c in norm.columns])
    out["score"] = np.clip(contrib.sum(axis=1), 0.0, 1.0)
    return out


def rank_eligible(score: pd.Series, passes: pd.Series) -> pd.Series:
    """Rank 1..n of the parcels that pass every rule (highest score first, ties by input order);
    parcels that fail a rule get no rank (<NA>)."""
    rank = pd.Series(pd.NA, index=score.index, dtype="Int64")
    ok = passes.to_numpy(dtype=bool)
    order = np.argsort(-score.to_numpy()[ok], kind="stable")
    r = np.empty(len(order), dtype=np.int64)
    r[order] = np.arange(1, len(order) + 1)
    rank[ok] = r
    return rank


def sensitivity(
    norm: pd.DataFrame,
    weights: pd.Series,
    passes: pd.Series,
    *,
    spread: float = 0.2,
    draws: int = 500,
    top_n: int = 10,
    seed: int = 0,
) -> pd.DataFrame:
    """How stable each eligible parcel's rank is when every weight moves by up to ± ``spread``.

    Each draw multiplies every weight by an independent uniform factor in [1 - spread, 1 + spread],
    renormalises, and re-ranks the eligible parcels (one matrix product for all draws).

    Returns
    -------
    DataFrame
        Index of the eligible parcels: ``rank`` (with the given weights), ``rank_min``, ``rank_median``,
        ``rank_max`` over the draws and ``top_n_share`` (0-1: share of draws in which it is in the top N).
    """
    if not 0 <= spread < 1:
        raise ScoringError("sens_spread_invalid", spread=spread)
    if draws < 1 or top_n < 1:
        raise ScoringError("sens_counts_invalid", draws=draws, top_n=top_n)
    ok = passes.to_numpy(dtype=bool)
    x = norm.to_numpy()[ok]
    w = weights.reindex(norm.columns).fillna(0.0).to_numpy()
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1 - spread, 1 + spread, size=(draws, len(w)))
    ws = factors * w[None, :]
    ws /= np.maximum(ws.sum(axis=1, keepdims=True), 1e-12)
    scores = x @ ws.T  # parcels x draws
    order = np.argsort(-scores, axis=0, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, len(x) + 1)[:, None], axis=0)
    index = norm.index[ok]
    base = rank_eligible(pd.Series(x @ w, index=index), pd.Series(True, index=index))
    return pd.DataFrame(
        {
            "rank": base.to_numpy(),
            "rank_min": ranks.min(axis=1),
            "rank_median": np.median(ranks, axis=1),
            "rank_max": ranks.max(axis=1),
            "top_n_share": (ranks <= top_n).mean(axis=1),
        },
        index=index,
    )


#: Upper bounds of the score classes c1..c4 (c5 above); their colours: layers.registry.SCORE_COLOURS.
CLASS_BOUNDS = (0.2, 0.4, 0.6, 0.8)

#: Raw measurement behind each vector criterion, and its unit, for the parcel card.
RAW_OF = {
    "adjacency": ("dist_park_m", "m"),
    "shared_edge": ("shared_edge_m", "m"),
    "layout": (None, "share"),
    "transit": ("dist_station_m", "m"),
    "size": ("area_m2", "m²"),
    "compactness": ("polsby_popper", ""),
    "industry": ("intended_use", ""),
    LANDUSE_CRITERION: ("park_use_share", "share"),
}


def apply_weights(norm: pd.DataFrame, rules: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """Everything a weight change recomputes: contributions ``c_<criterion>``, ``score``, ``rank`` among
    eligible parcels, and ``score_class`` (``c1``..``c5`` by :data:`CLASS_BOUNDS`, ``fail`` when a rule fails).
    """
    w = normalise_weights(weights, list(norm.columns))
    out = weighted_scores(norm, w)
    out["rank"] = rank_eligible(out["score"], rules["passes"])
    cls = np.searchsorted(np.array(CLASS_BOUNDS), out["score"].to_numpy(), side="right") + 1
    out["score_class"] = np.where(rules["passes"].to_numpy(dtype=bool), [f"c{c}" for c in cls], "fail")
    return out


def explain(
    raw_row: pd.Series, norm_row: pd.Series, weights: pd.Series, *, params: ScoringParams = ScoringParams()
) -> pd.DataFrame:
    """The score card of one parcel: per criterion the raw measurement (a :class:`Message`, shown in the
    user's language), the normalised value, the normalised weight and the contribution (weight ×
    normalised value; they add up to the score)."""
    rows = []
    for crit in norm_row.index:
        w = float(weights.get(crit, 0.0))
        rows.append(
            {
                "criterion": crit,
                "raw": raw_message(crit, raw_row, params=params),
                "normalised": float(norm_row[crit]),
                "weight": w,
                "contribution": w * float(norm_row[crit]),
            }
        )
    return pd.DataFrame(rows)


def raw_message(criterion: str, raw_row: pd.Series, *, params: ScoringParams = ScoringParams()) -> Message:
    """What was measured for one criterion of one parcel, as a message (units included)."""
    col = RAW_OF.get(criterion, (criterion, ""))[0]
    if criterion == "layout":
        shares = [
            msg("raw_zone_share", zone=msg(f"zone_{z}"), share=float(raw_row[f"share_{z}"]))
            for z in ("belt", "core", "city")
            if float(raw_row.get(f"share_{z}", 0)) > 0
        ]
        return msg("list_sep_join", items=shares) if shares else msg("raw_outside_zones")
    if criterion == "industry":
        use = str(raw_row.get("intended_use") or "")
        label = (
            msg(f"industry_{use}")
            if f"industry_{use}" in CATALOGUE
            else (msg("industry_none") if not use else msg("legacy_text", text=use))
        )
        if raw_row.get("neighbour_match"):
            return msg("raw_industry_match", industry=label, subpark=str(raw_row.get("nearest_subpark")))
        return label
    if criterion == LANDUSE_CRITERION:
        planned = _codes(raw_row.get("planned_codes"))
        if not planned:
            return msg("landuse_outside")
        return msg("raw_landuse", codes=planned, share=float(raw_row.get("park_use_share", 0.0)))
    if col is None or col not in raw_row.index:
        value = raw_row.get(criterion)
        return msg("raw_number", value=float(value)) if value is not None else msg("industry_none")
    value = float(raw_row[col])
    if criterion == "adjacency":
        return msg("raw_dist_m", m=value) if np.isfinite(value) else msg("raw_beyond_m", m=params.adjacency_max_m)
    if criterion == "transit":
        return msg("raw_dist_m", m=value) if np.isfinite(value) else msg("raw_no_station")
    if criterion == "shared_edge":
        return msg("raw_length_m", m=value)
    if criterion == "size":
        return msg("raw_area", m2=value, ha=value / 10_000.0)
    return msg("raw_number", value=value)


_GEOS_REASONS = {
    "self-intersection": "geom_self_intersection",
    "ring self-intersection": "geom_ring_self_intersection",
    "too few points": "geom_too_few_points",
    "hole lies outside shell": "geom_hole_outside_shell",
    "holes are nested": "geom_nested_holes",
    "interior is disconnected": "geom_disconnected_interior",
    "nested shells": "geom_nested_shells",
    "duplicate rings": "geom_duplicate_rings",
    "invalid coordinate": "geom_invalid_coordinate",
    "ring is not closed": "geom_ring_not_closed",
}


def invalid_reason_message(reason: str) -> Message:
    """GEOS's reason for an invalid geometry (``Self-intersection[121.3 31.2]``) as a message."""
    kind = str(reason).split("[", 1)[0].strip().lower()
    code = _GEOS_REASONS.get(kind)
    return msg(code) if code else msg("geom_invalid_other", detail=kind or "?")


RULES = ("valid", "inside_district", "no_overlap", "min_area")
#: The hard rule a user may add when a 控规 layer is given: the parcel's planned use takes the park's industries.
PARK_USE_RULE = "park_use"


def _codes(joined: object) -> list[str]:
    """The planned uses of :func:`gis.regulatory.floor_area_capacity`'s ``codes`` ("M0、1001") as a list."""
    return [c for c in str(joined or "").split("、") if c and c != "nan"]


def add_park_use_rule(
    rules: pd.DataFrame,
    park_use_share: pd.Series,
    planned_codes: pd.Series,
    *,
    params: ScoringParams = ScoringParams(),
) -> pd.DataFrame:
    """``rules`` with the optional hard rule "the 控规 use is a park-industry use" (a new table; inputs unchanged).

    Parameters
    ----------
    rules : DataFrame
        :func:`check_rules` of some parcels.
    park_use_share, planned_codes : Series
        By parcel (the index of ``rules``): the share of its area under a park use (0-1) and the planned uses it
        touches, "、"-joined (``park_use_share`` and ``codes`` of :func:`gis.regulatory.floor_area_capacity`).

    Returns
    -------
    DataFrame
        ``rules`` plus ``park_use_share`` (0-1), ``planned_codes`` ("" outside every 控规 parcel) and ``park_use``
        (the share, at whole percent as shown, is at least ``park_use_min_share``); ``passes`` and ``failed`` (with
        ``park_use``) take the rule in.
    """
    share = park_use_share.reindex(rules.index).fillna(0.0).to_numpy(dtype=float)
    ok = np.round(share, 2) >= params.park_use_min_share
    out = rules.copy()
    out["park_use_share"] = share
    out["planned_codes"] = planned_codes.reindex(rules.index).fillna("").astype(str).to_numpy()
    out[PARK_USE_RULE] = ok
    out["passes"] = out["passes"].to_numpy(dtype=bool) & ok
    out["failed"] = [list(f) if passed else [*f, PARK_USE_RULE] for f, passed in zip(rules["failed"], ok)]
    return out


def rule_findings(rules_row: pd.Series, *, params: ScoringParams = ScoringParams()) -> list[tuple[str, bool, Message]]:
    """Each hard rule of one parcel (a row of :func:`check_rules`): (rule id, passed, what was measured).

    The message names what failed, e.g. "18% outside the district", never just the rule's name.
    """
    out: list[tuple[str, bool, Message]] = []
    ok = bool(rules_row["valid"])
    out.append(
        (
            "valid",
            ok,
            msg("rule_m_valid")
            if ok
            else msg("rule_m_invalid", reason=invalid_reason_message(str(rules_row["invalid_reason"]))),
        )
    )
    share = float(rules_row["outside_share"])
    ok = bool(rules_row["inside_district"])
    out.append(
        (
            "inside_district",
            ok,
            msg("rule_m_outside", share=share)
            if not ok
            else (
                msg("rule_m_inside_tolerated", share=share, tol=params.outside_tol_share)
                if share > 0.0005
                else msg("rule_m_inside")
            ),
        )
    )
    ok = bool(rules_row["no_overlap"])
    out.append(
        ("no_overlap", ok, msg("rule_m_no_overlap") if ok else msg("rule_m_overlap", m2=float(rules_row["overlap_m2"])))
    )
    ok = bool(rules_row["min_area"])
    area = float(rules_row["area_m2"])
    out.append(
        (
            "min_area",
            ok,
            msg("rule_m_area_ok", m2=area) if ok else msg("rule_m_area_small", m2=area, min=params.min_area_m2),
        )
    )
    if PARK_USE_RULE in rules_row.index:  # the optional rule, when the user added it (:func:`add_park_use_rule`)
        out.append((PARK_USE_RULE, bool(rules_row[PARK_USE_RULE]), _park_use_finding(rules_row, params=params)))
    return out


def _park_use_finding(rules_row: pd.Series, *, params: ScoringParams) -> Message:
    uses, share = _codes(rules_row["planned_codes"]), float(rules_row["park_use_share"])
    if not uses:
        return msg("landuse_outside")
    if bool(rules_row[PARK_USE_RULE]):
        return msg("rule_m_park_use_ok", uses=uses, share=share)
    return msg("rule_m_park_use_low", uses=uses, share=share, min=params.park_use_min_share)


def failure_message(rules_row: pd.Series, *, params: ScoringParams = ScoringParams()) -> Message | None:
    """What a parcel fails, all rules in one message ("18% outside the district; overlaps ... by 300 m²"),
    or None when it passes every rule."""
    failed = [m for _, ok, m in rule_findings(rules_row, params=params) if not ok]
    return msg("list_semicolon_join", items=failed) if failed else None
