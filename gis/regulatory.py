"""Compliance review (合规审查): check proposals against the regulatory detailed plan (控规) parcel by parcel.

Every rule as approval documents state it: the site area is planar in CGCS2000 / 3-degree GK CM 120E (EPSG:4549),
容积率 compared at 2 decimals, 建筑密度 and 绿地率 at 0.1 %. A site across several 控规 parcels is allowed the sum of
(its area inside each parcel × that parcel's limit); use, height, density and green are checked against every parcel
it touches; parts under 1 % of the site are slivers, ignored and reported (their area counts with the parcels kept).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.crs import geodesic_area_m2, to_metric
from gis.errors import RegulatoryError
from gis.landuse import LandUseCodes
from text.messages import Message, msg

#: The rules, in the order a review lists them.
RULES = ("use", "far_max", "far_min", "height", "density", "green")
#: Each rule's citation; ``{parcels}`` becomes the 控规 parcel numbers the rule was checked against. Editable.
DEFAULT_CLAUSES: dict[str, str] = {
    "use": "控规图则 {parcels} 用地性质",
    "far_max": "控规图则 {parcels} 容积率上限",
    "far_min": "控规图则 {parcels} 容积率下限",
    "height": "控规图则 {parcels} 建筑限高",
    "density": "控规图则 {parcels} 建筑密度上限",
    "green": "控规图则 {parcels} 绿地率下限",
}
#: Canonical column -> recognised field names (Chinese as the bureau writes them, English aliases).
REGULATORY_FIELDS: dict[str, tuple[str, ...]] = {
    "parcel_id": ("地块编号", "parcel_id", "parcel", "id"),
    "code": ("用地代码", "landuse_code", "land_use_code", "code"),
    "far_max": ("容积率上限", "far_max", "max_far", "plot_ratio_max"),
    "far_min": ("容积率下限", "far_min", "min_far", "plot_ratio_min"),
    "height_max_m": ("建筑限高", "height_max_m", "height_limit_m", "max_height_m"),
    "density_max_pct": ("建筑密度上限", "density_max_pct", "coverage_max_pct"),
    "green_min_pct": ("绿地率下限", "green_min_pct", "green_ratio_min_pct"),
}
PROPOSAL_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("项目名称", "name", "project", "project_name"),
    "code": ("用地代码", "landuse_code", "land_use_code", "code"),
    "gfa_m2": ("计容建筑面积", "gfa_m2", "floor_area_m2", "far_floor_area_m2"),
    "height_m": ("建筑高度", "height_m", "building_height_m"),
    "footprint_m2": ("建筑基底面积", "footprint_m2", "building_footprint_m2"),
    "green_m2": ("绿地面积", "green_m2", "green_area_m2"),
}
#: Columns that must be present (the others are checked when given).
REQUIRED = {"regulatory": ("parcel_id", "code", "far_max"), "proposals": ("name", "code")}
#: Units of the numeric columns (for messages).
UNITS = {
    "far_max": "",
    "far_min": "",
    "height_max_m": "m",
    "density_max_pct": "%",
    "green_min_pct": "%",
    "gfa_m2": "m²",
    "height_m": "m",
    "footprint_m2": "m²",
    "green_m2": "m²",
}
#: A part of a site smaller than this share of it is a sliver: ignored, and said so.
SLIVER_SHARE = 0.01


@dataclass(frozen=True)
class Check:
    """One rule of one proposal.

    ``passed`` is None when the proposal does not give the value the rule needs (then the review cannot pass).
    ``margin`` is how far inside the limit the value is (negative: how far over), in the rule's unit;
    ``change`` is what would comply, in the unit of the proposal's own figure (m² of floor area for 容积率,
    m of height, m² of footprint or green; None when nothing is needed or nothing can be said).
    """

    rule: str
    passed: bool | None
    value: float | str | None
    limit: float | str | None
    unit: str
    clause: str
    margin: float | None = None
    change: float | None = None
    parcels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Review:
    """The review of one proposal: every check, the site, the parcels touched and the largest compliant floor area."""

    name: str
    passed: bool
    site_area_m2: float
    geodesic_area_m2: float
    max_gfa_m2: float
    checks: tuple[Check, ...]
    parcels: Mapping[str, float] = field(default_factory=dict)
    slivers: Mapping[str, float] = field(default_factory=dict)
    outside_share: float = 0.0

    def check(self, rule: str) -> Check | None:
        """The check of ``rule`` (None when the rule did not apply, e.g. no 容积率下限 anywhere)."""
        return next((c for c in self.checks if c.rule == rule), None)


def normalise_layer(
    gdf: gpd.GeoDataFrame, *, kind: str, codes: LandUseCodes, mapping: Mapping[str, str | None] | None = None
) -> gpd.GeoDataFrame:
    """The layer with canonical columns (:data:`REGULATORY_FIELDS` or :data:`PROPOSAL_FIELDS`), numbers parsed
    and land-use codes checked; the input is not changed.

    Parameters
    ----------
    gdf : GeoDataFrame
        The 控规 parcels (``kind="regulatory"``) or the proposals' sites (``kind="proposals"``), any CRS.
    mapping : mapping, optional
        Canonical column -> the layer's own field name (None: the layer has no such field), for names the
        defaults do not recognise; fields not in it are found by their recognised names.

    Raises
    ------
    RegulatoryError
        No feature, a required field missing, a number that is not a non-negative number, a code not in the
        code tree, a geometry that is not a polygon.
    """
    fields_ = REGULATORY_FIELDS if kind == "regulatory" else PROPOSAL_FIELDS
    layer = msg("reg_layer_konggui" if kind == "regulatory" else "reg_layer_proposals")
    if gdf.empty:
        raise RegulatoryError("reg_empty", layer=layer)
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    guessed = guess_fields(columns, kind=kind)
    given = dict(mapping or {})  # a field mapped to None or "" is not there, even if a column has its name
    found = {c: (given[c] if given[c] in columns else None) if c in given else guessed[c] for c in fields_}
    missing = [fields_[c][0] for c in REQUIRED[kind] if found[c] is None]
    if missing:
        known = "; ".join(f"{fields_[c][0]}: {', '.join(fields_[c][1:])}" for c in REQUIRED[kind])
        raise RegulatoryError("reg_missing_fields", layer=layer, fields=", ".join(missing), known=known)
    out = gpd.GeoDataFrame(
        {c: gdf[col].to_numpy() for c, col in found.items() if col is not None},
        geometry=gdf.geometry.to_numpy(),
        crs=gdf.crs,
        index=gdf.index,
    )
    label = out["parcel_id" if kind == "regulatory" else "name"].astype(str)
    _check_polygons(out, label, layer)
    for column in (c for c in out.columns if c in UNITS):
        out[column] = _numbers(out[column], label, layer=layer, field_name=fields_[column][0], unit=UNITS[column])
    out["code"] = out["code"].map(lambda v: "" if pd.isna(v) else str(v).strip().upper())
    unknown = [(lab, code) for lab, code in zip(label, out["code"]) if not codes.is_known(code)]
    if unknown:
        raise RegulatoryError("reg_unknown_use", layer=layer, feature=unknown[0][0], code=unknown[0][1])
    return out


def guess_fields(columns: list[str], *, kind: str) -> dict[str, str | None]:
    """For each canonical field of a ``kind`` layer ("regulatory" or "proposals"), the column holding it by the
    recognised names (:data:`REGULATORY_FIELDS`, :data:`PROPOSAL_FIELDS`), or None."""
    fields_ = REGULATORY_FIELDS if kind == "regulatory" else PROPOSAL_FIELDS
    by_folded = {str(c).strip().casefold(): c for c in columns}
    return {
        canon: next((by_folded[n.casefold()] for n in names if n.casefold() in by_folded), None)
        for canon, names in fields_.items()
    }


def review_proposals(
    proposals: gpd.GeoDataFrame,
    regulatory: gpd.GeoDataFrame,
    *,
    codes: LandUseCodes,
    clauses: Mapping[str, str] = DEFAULT_CLAUSES,
    sliver_share: float = SLIVER_SHARE,
) -> list[Review]:
    """Review every proposal against the 控规 parcels it lies on.

    Parameters
    ----------
    proposals, regulatory : GeoDataFrame
        Layers as :func:`normalise_layer` returns them (any CRS; both are measured in EPSG:4549).
    clauses : mapping
        rule -> citation with ``{parcels}`` (see :data:`DEFAULT_CLAUSES`).
    sliver_share : float
        Parts of a site under this share of it are ignored (reported in ``Review.slivers``).

    Returns
    -------
    list of Review
        One per proposal, in the input's order.

    Raises
    ------
    RegulatoryError
        A proposal lies outside every 控规 parcel (each overlap under ``sliver_share`` of its site).
    """
    sites, parcels = to_metric(proposals), to_metric(regulatory)
    site_area = shapely.area(sites.geometry.to_numpy())
    geodesic = geodesic_area_m2(proposals).to_numpy()
    pieces = _pieces(sites.geometry.to_numpy(), parcels.geometry.to_numpy())
    sliver = pieces["area"].to_numpy() < sliver_share * site_area[pieces["site"].to_numpy()]
    kept_groups = pieces[~sliver].groupby("site").indices
    sliver_groups = pieces[sliver].groupby("site").indices
    covered = np.bincount(pieces["site"], weights=pieces["area"], minlength=len(sites))
    plan = _ParcelColumns.of(parcels)
    rows = sites.drop(columns=sites.geometry.name).to_dict("records")
    kept_pieces, sliver_pieces = pieces[~sliver].to_numpy(), pieces[sliver].to_numpy()
    reviews = []
    for i, row in enumerate(rows):
        if i not in kept_groups:
            raise RegulatoryError("reg_outside", name=str(row["name"]))
        own = kept_pieces[kept_groups[i]]
        idx, areas = own[:, 1].astype(int), own[:, 2]
        areas = areas * (covered[i] / areas.sum())  # slivers count with the kept parcels, each in proportion
        thin = sliver_pieces[sliver_groups[i]] if i in sliver_groups else np.empty((0, 3))
        reviews.append(
            _review(
                row,
                plan.take(idx),
                areas,
                site_m2=float(site_area[i]),
                geodesic_m2=float(geodesic[i]),
                codes=codes,
                clauses=clauses,
                slivers={plan.ids[int(p)]: float(a) for p, a in zip(thin[:, 1], thin[:, 2])},
            )
        )
    return reviews


#: The planned uses where the park's industries (R&D, software, services, light industry) may locate: a 控规 code
#: is a park use when it is one of these, one of their sub-classes, or compatible with one by the table. Editable.
PARK_USES = ("M0", "0802", "0902", "1001")


def is_park_use(code: str, *, codes: LandUseCodes, park_uses: tuple[str, ...] = PARK_USES) -> bool:
    """Whether a planned 控规 use takes the park's industries (:data:`PARK_USES`, their sub-classes, the table)."""
    return any(codes.agreement(planned=use, proposed=code) is not None for use in park_uses)


def floor_area_capacity(
    areas: gpd.GeoDataFrame | gpd.GeoSeries,
    regulatory: gpd.GeoDataFrame,
    *,
    codes: LandUseCodes,
    park_uses: tuple[str, ...] = PARK_USES,
) -> pd.DataFrame:
    """What the 控规 allows on each area: its floor-area allowance and how much of it is park land.

    Parameters
    ----------
    areas : GeoDataFrame or GeoSeries
        Polygons (candidate parcels, a scenario's pieces), any CRS; measured in EPSG:4549.
    regulatory : GeoDataFrame
        The 控规 parcels as :func:`normalise_layer` returns them (any CRS).

    Returns
    -------
    DataFrame
        Indexed as ``areas``: ``allowance_m2`` (Σ area inside each 控规 parcel × its 容积率上限, m² of floor area),
        ``covered_share`` (share of the area inside some 控规 parcel, 0–1), ``park_use_share`` (share of the area
        under a park use, 0–1, see :func:`is_park_use`), ``codes`` (the planned uses touched, largest part first,
        joined with "、"; "" when none).
    """
    geoms = to_metric(areas).geometry.to_numpy()
    plan = to_metric(regulatory)
    pieces = _pieces(geoms, plan.geometry.to_numpy())
    far = plan["far_max"].to_numpy(dtype=float)
    plan_codes = [str(c) for c in plan["code"]]
    park = np.array([is_park_use(c, codes=codes, park_uses=park_uses) for c in plan_codes], dtype=bool)
    site, parcel, area = (pieces[c].to_numpy() for c in ("site", "parcel", "area"))
    n = len(geoms)
    own_m2 = shapely.area(geoms)
    with np.errstate(invalid="ignore", divide="ignore"):
        covered = np.where(own_m2 > 0, np.bincount(site, weights=area, minlength=n) / own_m2, 0.0)
        park_m2 = np.bincount(site, weights=area * park[parcel], minlength=n)
        park_share = np.where(own_m2 > 0, park_m2 / own_m2, 0.0)
    allowance = np.bincount(site, weights=area * np.nan_to_num(far[parcel]), minlength=n)
    order = np.lexsort((-area, site))
    touched: list[list[str]] = [[] for _ in range(n)]
    for k in order:
        code = plan_codes[parcel[k]]
        if code not in touched[site[k]]:
            touched[site[k]].append(code)
    return pd.DataFrame(
        {
            "allowance_m2": allowance,
            "covered_share": np.clip(covered, 0.0, 1.0),
            "park_use_share": np.clip(park_share, 0.0, 1.0),
            "codes": ["、".join(c) for c in touched],
        },
        index=areas.index,
    )


@dataclass(frozen=True)
class _ParcelColumns:
    """The 控规 parcels' columns as arrays (NaN where a limit is not given), for quick per-site slices."""

    ids: list[str]
    codes: list[str]
    limits: dict[str, np.ndarray]

    @classmethod
    def of(cls, parcels: gpd.GeoDataFrame) -> _ParcelColumns:
        names = ("far_max", "far_min", "height_max_m", "density_max_pct", "green_min_pct")
        return cls(
            ids=[str(v) for v in parcels["parcel_id"]],
            codes=[str(v) for v in parcels["code"]],
            limits={
                n: (parcels[n].to_numpy(dtype=float) if n in parcels else np.full(len(parcels), np.nan)) for n in names
            },
        )

    def take(self, idx: np.ndarray) -> _ParcelColumns:
        return _ParcelColumns(
            ids=[self.ids[k] for k in idx],
            codes=[self.codes[k] for k in idx],
            limits={n: v[idx] for n, v in self.limits.items()},
        )


def _pieces(sites: np.ndarray, parcels: np.ndarray) -> pd.DataFrame:
    """(site, parcel, area m²) of every site–parcel overlap: one STRtree query and one vectorised intersection."""
    site_idx, parcel_idx = shapely.STRtree(parcels).query(sites, predicate="intersects")
    area = shapely.area(shapely.intersection(sites[site_idx], parcels[parcel_idx]))
    return pd.DataFrame({"site": site_idx, "parcel": parcel_idx, "area": area})


def _review(
    row: Mapping[str, object],
    touched: _ParcelColumns,
    areas: np.ndarray,
    *,
    site_m2: float,
    geodesic_m2: float,
    codes: LandUseCodes,
    clauses: Mapping[str, str],
    slivers: dict[str, float],
) -> Review:
    """Every rule of one proposal against the parcels it touches (``areas``: its m² inside each)."""
    ids = tuple(touched.ids)
    cite = {rule: clauses.get(rule, DEFAULT_CLAUSES[rule]).format(parcels="、".join(ids)) for rule in RULES}
    use = _use_check(str(row["code"]), touched.codes, codes, cite["use"], ids)
    allowance = float(np.sum(areas * touched.limits["far_max"]))
    checks = [use, _far_check("far_max", row, allowance, site_m2, cite["far_max"], ids)]
    if not np.isnan(touched.limits["far_min"]).all():
        minimum = float(np.nansum(areas * touched.limits["far_min"]))
        checks.append(_far_check("far_min", row, minimum, site_m2, cite["far_min"], ids))
    for rule, column, value, strictest in (
        ("height", "height_max_m", row.get("height_m"), np.nanmin),
        ("density", "density_max_pct", _pct(row.get("footprint_m2"), site_m2), np.nanmin),
        ("green", "green_min_pct", _pct(row.get("green_m2"), site_m2), np.nanmax),
    ):
        if not np.isnan(touched.limits[column]).all():
            limit = float(strictest(touched.limits[column]))
            checks.append(_limit_check(rule, _value(value), limit, site_m2, cite[rule], ids))
    covered = float(np.sum(areas))
    return Review(
        name=str(row["name"]),
        passed=all(c.passed is True for c in checks),
        site_area_m2=site_m2,
        geodesic_area_m2=geodesic_m2,
        max_gfa_m2=allowance if use.passed else 0.0,
        checks=tuple(checks),
        parcels=dict(zip(ids, (float(a) for a in areas))),
        slivers=slivers,
        outside_share=max(0.0, 1.0 - covered / site_m2) if site_m2 > 0 else 0.0,
    )


def _use_check(proposed: str, planned: list[str], codes: LandUseCodes, clause: str, ids: tuple[str, ...]) -> Check:
    refused = [code for code in planned if codes.agreement(planned=code, proposed=proposed) is None]
    return Check(
        rule="use",
        passed=not refused,
        value=proposed,
        limit="、".join(dict.fromkeys(planned)),
        unit="",
        clause=clause,
        parcels=ids,
    )


def _far_check(
    rule: str, row: Mapping[str, object], bound_m2: float, site_m2: float, clause: str, ids: tuple[str, ...]
) -> Check:
    """容积率 against its upper (``far_max``: ≤) or lower (``far_min``: ≥) bound, both at 2 decimals; ``bound_m2`` is
    the floor area the bound allows the site (Σ area in each parcel × its limit); ``change`` the m² of floor area
    to take away (negative) or add that would comply."""
    gfa = _value(row.get("gfa_m2"))
    limit = round(bound_m2 / site_m2, 2)
    if gfa is None:
        return Check(rule, None, None, limit, "", clause, parcels=ids)
    far = round(gfa / site_m2, 2)
    sign = -1 if rule == "far_max" else 1  # the side of the limit that complies
    margin = round((far - limit) * sign, 2)
    passed = margin >= 0
    return Check(
        rule,
        passed,
        far,
        limit,
        "",
        clause,
        margin=margin,
        change=None if passed else sign * _whole_m2(abs(gfa - bound_m2)),
        parcels=ids,
    )


def _limit_check(
    rule: str, value: float | None, limit: float, site_m2: float, clause: str, ids: tuple[str, ...]
) -> Check:
    """Height (m, ≤), building density (%, ≤) or green ratio (%, ≥) against the strictest touched parcel."""
    unit = "m" if rule == "height" else "%"
    value = _value(value)
    if value is None:
        return Check(rule, None, None, limit, unit, clause, parcels=ids)
    if rule != "height":
        value, limit = round(value, 1), round(limit, 1)
    at_most = rule != "green"
    margin = (limit - value) if at_most else (value - limit)
    passed = margin >= -1e-9
    if passed:
        change = None
    elif rule == "height":
        change = -(value - limit)
    else:  # the m² of footprint to give up, or of green to add
        change = _whole_m2(abs(margin) / 100 * site_m2) * (-1 if at_most else 1)
    return Check(rule, passed, value, limit, unit, clause, margin=round(margin, 2), change=change, parcels=ids)


def _whole_m2(area_m2: float) -> int:
    """``area_m2`` up to the next whole m² (after rounding away the millimetres a reprojection leaves)."""
    return math.ceil(round(area_m2, 1))


def _pct(part_m2: object, site_m2: float) -> float | None:
    value = _value(part_m2)
    return None if value is None or site_m2 <= 0 else value / site_m2 * 100.0


def _value(value: object) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _numbers(column: pd.Series, labels: pd.Series, *, layer: Message, field_name: str, unit: str) -> pd.Series:
    values = pd.to_numeric(
        column.map(lambda v: str(v).strip().rstrip("%") if isinstance(v, str) else v), errors="coerce"
    )
    given = column.map(lambda v: not (v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == ""))
    bad = given & (values.isna() | (values < 0) | ~np.isfinite(values.fillna(0)))
    if bad.any():
        first = bad.to_numpy().nonzero()[0][0]
        raise RegulatoryError(
            "reg_bad_number",
            layer=layer,
            feature=str(labels.iloc[first]),
            field=field_name,
            value=str(column.iloc[first])[:40],
            unit=unit or "—",
        )
    return values.astype(float)


def _check_polygons(gdf: gpd.GeoDataFrame, labels: pd.Series, layer: Message) -> None:
    kinds = gdf.geometry.geom_type.to_numpy()
    bad = ~np.isin(kinds, ["Polygon", "MultiPolygon"]) | gdf.geometry.is_empty.to_numpy()
    if bad.any():
        first = bad.nonzero()[0][0]
        raise RegulatoryError(
            "reg_not_polygon", layer=layer, feature=str(labels.iloc[first]), kind=str(kinds[first] or "—")
        )
