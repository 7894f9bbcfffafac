"""Evaluate candidate parcels: measure once, re-weight cheaply, explain a parcel, rank, test stability."""

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from PIL import Image

from gis.analysis import floor_area_within, nearest_features
from gis.crs import to_metric
from gis.errors import PlannerError, RasterError, UnknownFeatureError
from gis.raster import (
    RasterInfo,
    Surface,
    colour,
    normalise_raster_values,
    raster_probe,
    suitability_surface,
    surface_overlay,
    zonal_mean,
)
from gis.regulatory import PARK_USES, floor_area_capacity
from gis.scoring import (
    LANDUSE_CRITERION,
    PARK_USE_RULE,
    PRESETS,
    Context,
    ScoringParams,
    add_park_use_rule,
    apply_weights,
    check_rules,
    explain,
    failure_message,
    normalise,
    raw_criteria,
    rule_findings,
    sensitivity,
)
from ingest.door import run_reader
from layers.registry import SCORED_PARCELS, get_spec
from layers.webmap import MapJson, MapSpec, bounds_of, layer_document, layer_ref, legend_entries, map_spec
from planner import tiles
from planner.data import DataSet, layers_digest
from planner.maps import context_legend, context_refs, data_credits, parcels_ref, park_refs, selection_ref
from planner.review import land_use_codes, layer_digest
from text.display import name_col
from text.messages import Message, industry_label, msg, t
from tiles.cache import BoundedCache

#: Measurements, scores and tables of this module, by data version: bounded by bytes.
CACHE = BoundedCache(256 * 1024 * 1024)
#: Evaluations other than a data set's own plain one (its parcels with the user's, rasters, a 控规, the optional
#: rule), by key: a city-sized layer's outgrows a quarter of CACHE (what one entry may take), so they have their own.
EVALUATIONS = BoundedCache(512 * 1024 * 1024)
#: Score classes from least to most important (a density cell of a large layer shows the best of its parcels).
SCORE_ORDER = ("fail", "c1", "c2", "c3", "c4", "c5")
#: At most this many rows in a table on the page (the export has every row).
DISPLAY_ROWS = 500
#: The context layers under the scored parcels, bottom to top.
CONTEXT_LAYERS = ("district", "zones", "subparks", "stations")


@dataclass(frozen=True)
class RasterCriterion:
    """A GeoTIFF the official added as a criterion (any CRS), with its content digest."""

    name: str
    higher_is_better: bool
    data: bytes
    digest: str


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Every candidate parcel measured once (weights-free): the bundled ones, the user's own, rasters, the 控规.

    ``raw`` holds the measurements, ``norm`` the criteria in [0, 1], ``rules`` the hard rules; all indexed
    by parcel id. ``key`` changes with any input, so results keyed by it can be cached. With a 控规 layer,
    ``raw`` also holds ``allowance_m2``, ``covered_share``, ``park_use_share``, ``planned_codes`` and
    ``existing_floor_m2`` (see :func:`evaluate`).
    """

    key: str
    parcels: gpd.GeoDataFrame
    raw: pd.DataFrame
    norm: pd.DataFrame
    rules: pd.DataFrame
    user_ids: tuple[str, ...]

    @property
    def criteria(self) -> tuple[str, ...]:
        return tuple(self.norm.columns)

    @property
    def measured_key(self) -> str:
        """``key`` less the optional rule: the measurements' key, in every key derived from them (the rule's too),
        so a session claims it to release all of them."""
        return self.key.removesuffix(f"|{PARK_USE_RULE}")

    @property
    def regulated(self) -> bool:
        """Whether the parcels were measured against a 控规 layer (the ``landuse`` criterion and floor areas)."""
        return "allowance_m2" in self.raw.columns


@dataclass(frozen=True, eq=False)
class Scores:
    """The result of one set of weights: per-criterion contributions, score, rank and class by parcel id."""

    table: pd.DataFrame
    weights: pd.Series


@dataclass(frozen=True)
class ParcelCard:
    """One parcel's score card in one language: the criteria, the hard rules, the neighbours and, with a 控规
    layer, what it allows (``capacity``: planned uses, floor area allowed, existing and remaining, as texts;
    ``allowance_m2`` and ``existing_floor_m2`` in m², the latter None where no building's floor area is known)."""

    id: str
    name: str
    intended_use: str
    score: float
    rank: int | None
    failed: str | None
    criteria: pd.DataFrame
    rules: pd.DataFrame
    neighbours: pd.DataFrame
    capacity: pd.DataFrame | None = None
    allowance_m2: float | None = None
    existing_floor_m2: float | None = None
    ranked: int = 0
    criteria_text: pd.DataFrame | None = None

    def rank_text(self) -> str:
        """The rank among the ranked parcels, "17 / 67" ("–" for a parcel that fails a hard rule)."""
        return "–" if self.rank is None else f"{self.rank} / {self.ranked}"


def criterion_label(criterion: str, lang: str) -> str:
    """A criterion's name in ``lang`` (a raster criterion keeps the name its author gave it)."""
    return criterion.split(":", 1)[1] if criterion.startswith("raster:") else t(f"crit_{criterion}", lang)


def percent_shares(weights: Mapping[str, float]) -> dict[str, int]:
    """Each weight's share of their sum in whole percent, rounded so that the shares add up to exactly 100
    (largest remainder: the floors first, then one point each to the largest remainders); all 0 when every
    weight is 0."""
    keys = list(weights)
    values = np.array([max(float(weights[k]), 0.0) for k in keys])
    total = values.sum()
    if not keys or total <= 0 or not np.isfinite(total):
        return dict.fromkeys(keys, 0)
    exact = values / total * 100.0
    shares = np.floor(exact).astype(int)
    order = np.argsort(-(exact - shares), kind="stable")
    shares[order[: 100 - int(shares.sum())]] += 1
    return {k: int(v) for k, v in zip(keys, shares)}


def contribution_header(criterion: str, share: int, lang: str) -> str:
    """The header of a criterion's contribution column, with the weight it was given ("邻近园区贡献（权重 18%）")."""
    return t("f_contrib_of", lang, criterion=criterion_label(criterion, lang), share=share)


def criteria_table(
    raw_row: pd.Series, norm_row: pd.Series, weights: pd.Series, *, score: float, lang: str
) -> pd.DataFrame:
    """One parcel's criteria as texts to read (a card, a report): measured value, normalised value (0.00–1.00),
    weight (whole percent, adding up to 100 %) and contribution (0.000), each column with one number format, and
    a last row with the total (100 %, the score)."""
    card = explain(raw_row, norm_row, weights)
    shares = percent_shares(dict(zip(card["criterion"], card["weight"])))
    return pd.DataFrame(
        {
            t("f_criterion", lang): [*(criterion_label(c, lang) for c in card["criterion"]), t("card_sum", lang)],
            t("f_raw", lang): [*(m.text(lang) for m in card["raw"]), ""],
            t("f_norm_short", lang): [*(f"{v:.2f}" for v in card["normalised"]), ""],
            t("f_weight", lang): [*(f"{shares[c]}%" for c in card["criterion"]), "100%"],
            t("f_contrib_short", lang): [*(f"{v:.3f}" for v in card["contribution"]), f"{score:.3f}"],
        }
    )


def default_weights(criteria: Sequence[str]) -> dict[str, float]:
    """The balanced preset, and 10 for any raster criterion."""
    return {c: float(PRESETS["balanced"].get(c, 10.0)) for c in criteria}


def scoring_context(ds: DataSet) -> Context:
    """The park, zones and stations in EPSG:4549 (shared, read-only)."""
    return ds.keep("scoring_context", lambda: Context.from_park_data(ds.park))


def _measure(parcels: gpd.GeoDataFrame, ctx: Context) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    raw = raw_criteria(parcels, ctx)
    return raw, normalise(raw), check_rules(parcels, ctx)


def evaluate(
    ds: DataSet,
    *,
    user_parcels: gpd.GeoDataFrame | None = None,
    rasters: Sequence[RasterCriterion] = (),
    regulatory: gpd.GeoDataFrame | None = None,
    require_park_use: bool = False,
) -> Evaluation:
    """Measure the data set's parcels (cached by data version), the user's parcels, every raster and the 控规.

    Parameters
    ----------
    ds : DataSet
        Its ``parcels`` layer (EPSG:4326) is measured in EPSG:4549; its ``buildings`` give the existing floor area.
    user_parcels : GeoDataFrame, optional
        Parcels drawn or uploaded this session (EPSG:4326, ``id`` unique, not clashing with the layer's).
    rasters : sequence of RasterCriterion
        Each adds a criterion ``raster:<name>`` (zonal mean, scaled 0-1 across the parcels).
    regulatory : GeoDataFrame, optional
        The 控规 layer (:func:`gis.regulatory.normalise_layer`, any CRS). It adds the criterion ``landuse`` (the
        share of a parcel under a park-industry use, 0-1) and per parcel ``allowance_m2`` (m² of floor area its
        容积率上限 allows), ``covered_share``, ``park_use_share``, ``planned_codes`` ("、"-joined) and
        ``existing_floor_m2`` (Σ ``floor_area_m2`` of the buildings whose representative point lies in it; NaN
        when none is known) to ``raw``. None or empty: no 控规, none of these.
    require_park_use : bool
        Add the hard rule ``park_use`` (at least half of the parcel under a park-industry use,
        :func:`gis.scoring.add_park_use_rule`); only with a 控规 layer.
    """
    user = user_parcels if user_parcels is not None and len(user_parcels) else None
    plan = regulatory if regulatory is not None and len(regulatory) else None
    key = "|".join(
        [
            ds.version,
            layers_digest({"u": user}) if user is not None else "-",
            "r" + layer_digest(plan) if plan is not None else "-",
            *(r.digest + ("+" if r.higher_is_better else "-") for r in rasters),
        ]
    )

    def build() -> Evaluation:
        ctx = scoring_context(ds)
        parcels = ds.park.parcels.set_index(ds.park.parcels["id"].astype(str), drop=False)
        raw, norm, rules = ds.keep("measured_parcels", lambda: _measure(parcels, ctx))
        user_ids: tuple[str, ...] = ()
        if user is not None:
            u = user.set_index(user["id"].astype(str), drop=False)
            u_raw, u_norm, u_rules = _measure(u, ctx)
            parcels = pd.concat([parcels, u])
            raw, norm, rules = pd.concat([raw, u_raw]), pd.concat([norm, u_norm]), pd.concat([rules, u_rules])
            user_ids = tuple(u.index)
        raw, norm = raw.copy(), norm.copy()
        if plan is not None:
            plan_columns = _regulatory_columns(
                ds, gpd.GeoDataFrame(parcels, geometry="geometry", crs="EPSG:4326"), plan
            )
            raw = raw.join(plan_columns)
            norm[LANDUSE_CRITERION] = plan_columns["park_use_share"].clip(0.0, 1.0)
        for r in rasters:
            crit = f"raster:{r.name}"
            task = msg("raster_task", name=r.name)
            values = CACHE.get(
                ("zonal", r.digest, ds.version, user_ids), functools.partial(_raster_values, r, parcels, task=task)
            )
            raw[crit] = values
            norm[crit] = normalise_raster_values(values, higher_is_better=r.higher_is_better)
        return Evaluation(
            key=key,
            parcels=gpd.GeoDataFrame(parcels, geometry="geometry", crs="EPSG:4326"),
            raw=raw,
            norm=norm,
            rules=rules,
            user_ids=user_ids,
        )

    if user is None and not rasters and plan is None:  # the data set's own parcels: kept while the data set lives
        return ds.keep("evaluation", build)
    measured = EVALUATIONS.get(key, build)
    if not require_park_use or plan is None:
        return measured
    ruled = f"{key}|{PARK_USE_RULE}"
    return EVALUATIONS.get(ruled, functools.partial(_with_park_use_rule, measured, ruled))


def _with_park_use_rule(ev: Evaluation, key: str) -> Evaluation:
    """``ev`` (measured under a 控规) with the optional hard rule ``park_use``; its measurements shared, not copied."""
    rules = add_park_use_rule(ev.rules, ev.raw["park_use_share"], ev.raw["planned_codes"])
    return dataclasses.replace(ev, key=key, rules=rules)


def _regulatory_columns(ds: DataSet, parcels: gpd.GeoDataFrame, plan: gpd.GeoDataFrame) -> pd.DataFrame:
    """What the 控规 allows on each parcel and the floor area already standing on it (columns: see :func:`evaluate`)."""
    out = floor_area_capacity(parcels, plan, codes=land_use_codes()).rename(columns={"codes": "planned_codes"})
    out["existing_floor_m2"] = floor_area_within(parcels, ds.park.buildings)
    return out


def _raster_values(r: RasterCriterion, parcels: gpd.GeoDataFrame, *, task: Message) -> pd.Series:
    """The zonal means of one raster criterion, read behind the door; any refusal names the raster.

    Raises
    ------
    RasterError
        ``raster_eval_failed`` with ``name`` = the criterion's name (the page removes that raster and says why).
    """
    try:
        return run_reader("raster", zonal_mean, parcels, r.data, task=task)
    except PlannerError as exc:
        raise RasterError("raster_eval_failed", name=r.name, reason=exc.message) from exc


def raster_criterion(name: str, data: bytes, *, higher_is_better: bool, probe: gpd.GeoDataFrame) -> RasterCriterion:
    """Check an uploaded GeoTIFF against every parcel (behind the door) and wrap it as a criterion.

    Parameters
    ----------
    probe : GeoDataFrame
        The parcels it will score (EPSG:4326): the raster must cover at least one with a valid pixel, and
        evaluating all of them must read at most :func:`gis.raster.max_window_pixels` pixels.

    Raises
    ------
    RasterError
        When the file cannot be used; the message says why.
    """
    check_raster(name, data, parcels=probe)
    return RasterCriterion(
        name=name.strip()[:40] or "raster",
        higher_is_better=higher_is_better,
        data=data,
        digest=hashlib.sha1(data).hexdigest()[:16],
    )


def check_raster(name: str, data: bytes, *, parcels: gpd.GeoDataFrame) -> RasterInfo:
    """What a raster is and how many of ``parcels`` it covers, read in a worker (:func:`gis.raster.raster_probe`)."""
    return run_reader("raster", raster_probe, parcels, data, task=msg("raster_task", name=name[:40]))


def score(ev: Evaluation, weights: Mapping[str, float]) -> Scores:
    """Scores for these weights (missing criteria count 0): contributions, score, rank, class.

    Raises
    ------
    ScoringError
        When every weight is 0, or one is negative or unknown.
    """
    from gis.scoring import normalise_weights

    w = {c: float(weights.get(c, 0.0)) for c in ev.criteria}
    key = ("score", ev.key, tuple(sorted(w.items())))
    return CACHE.get(
        key, lambda: Scores(table=apply_weights(ev.norm, ev.rules, w), weights=normalise_weights(w, list(ev.criteria)))
    )


def _name(ev: Evaluation, pid: str, lang: str) -> str:
    row = ev.parcels.loc[pid]
    return str(row.get(name_col(lang)) or row.get("name_zh") or pid)


def failure_texts(ev: Evaluation, ids: Sequence[str] | pd.Index | None = None, *, lang: str) -> pd.Series:
    """What each parcel of ``ids`` (default: all) fails, in ``lang`` ("" when it passes every rule).

    Each text is written once per parcel and language and kept; a page asks only for the rows it shows.
    """
    wanted = ev.rules.index if ids is None else pd.Index(ids)
    rules = ev.rules.reindex(wanted)
    out = pd.Series("", index=wanted, dtype=object)
    failing = rules.index[~rules["passes"].fillna(True).to_numpy(dtype=bool)]
    for pid in failing:
        out[pid] = CACHE.get(("failed", ev.key, pid, lang), functools.partial(_failure_text, ev.rules.loc[pid], lang))
    return out


def _failure_text(row: pd.Series, lang: str) -> str:
    message = failure_message(row)
    return message.text(lang) if message is not None else ""


def parcel_choices(
    ev: Evaluation, scores: Scores, *, query: str = "", lang: str, limit: int = 50, keep: str | None = None
) -> list[str]:
    """Parcel ids to offer in a picker: every parcel of a small layer; for a large one, the ids or names
    containing ``query`` (else the best ranked), at most ``limit``, and ``keep`` (the current choice)."""
    ids = ev.parcels.index
    if len(ids) <= limit * 20:
        return list(ids)
    q = query.strip().lower()
    if q:
        names = ev.parcels[name_col(lang)].astype(str).str.lower()
        hits = ids[ids.str.lower().str.contains(q, regex=False) | names.str.contains(q, regex=False)]
    else:
        hits = scores.table["rank"].dropna().sort_values().index
    chosen = list(hits[:limit])
    if keep and keep in ids and keep not in chosen:
        chosen.insert(0, keep)
    return chosen


def parcel_card(ds: DataSet, ev: Evaluation, scores: Scores, parcel_id: str, *, lang: str) -> ParcelCard:
    """The score card of one parcel: raw measurement, normalised value, weight and contribution per
    criterion (they add up to the score), each hard rule with what was measured, and the nearest
    sub-parks and stations.

    Raises
    ------
    UnknownFeatureError
        When the parcel id is not among the evaluated parcels.
    """
    if parcel_id not in ev.parcels.index:
        raise UnknownFeatureError("unknown_feature", layer=get_spec("parcels").label(lang), id=parcel_id)
    row = scores.table.loc[parcel_id]
    card = explain(ev.raw.loc[parcel_id], ev.norm.loc[parcel_id], scores.weights)
    criteria = pd.DataFrame(
        {
            t("f_criterion", lang): [criterion_label(c, lang) for c in card["criterion"]],
            t("f_raw", lang): [m.text(lang) for m in card["raw"]],
            t("f_norm", lang): card["normalised"].round(3),
            t("f_weight", lang): [f"{w:.1%}" for w in card["weight"]],
            t("f_contrib", lang): card["contribution"].round(3),
        }
    )
    geom = to_metric(ev.parcels.loc[[parcel_id]]).geometry.iloc[0]
    findings = rule_findings(ev.rules.loc[parcel_id])
    measured = _rule_measurements(ds, ev.rules.loc[parcel_id], geom, lang=lang)
    rules = pd.DataFrame(
        {
            t("f_rule", lang): [t(f"rule_{r}", lang) for r, _, _ in findings],
            t("f_result", lang): [t("pass" if ok else "fail", lang) for _, ok, _ in findings],
            t("f_value", lang): [measured.get(r) or m.text(lang) for r, _, m in findings],
        }
    )
    near_parks = nearest_features(geom, ds.park.subparks, k=3)
    near_stations = nearest_features(geom, ds.park.stations, k=3)
    near = pd.concat([near_parks, near_stations])
    neighbours = pd.DataFrame(
        {
            t("f_kind", lang): [t("kind_subpark", lang)] * len(near_parks)
            + [t("kind_station", lang)] * len(near_stations),
            t("f_name", lang): near[name_col(lang)].astype(str).to_numpy(),
            t("f_dist_m", lang): near["dist_m"].round(0).astype(int).to_numpy(),
        }
    )
    rank = row["rank"]
    failed = failure_texts(ev, [parcel_id], lang=lang).iloc[0] or None
    use = str(ev.parcels.loc[parcel_id].get("intended_use") or "")
    use = "" if use == "nan" else use
    plan = ev.raw.loc[parcel_id] if ev.regulated else None
    existing = None if plan is None or pd.isna(plan["existing_floor_m2"]) else float(plan["existing_floor_m2"])
    return ParcelCard(
        id=parcel_id,
        name=_name(ev, parcel_id, lang),
        intended_use=industry_label(use, lang),
        score=float(row["score"]),
        rank=None if pd.isna(rank) else int(rank),
        failed=failed,
        criteria=criteria,
        rules=rules,
        neighbours=neighbours,
        capacity=None if plan is None else _capacity_rows(plan, lang),
        allowance_m2=None if plan is None else float(plan["allowance_m2"]),
        existing_floor_m2=existing,
        ranked=int(scores.table["rank"].notna().sum()),
        criteria_text=criteria_table(
            ev.raw.loc[parcel_id], ev.norm.loc[parcel_id], scores.weights, score=float(row["score"]), lang=lang
        ),
    )


def _area_text(m2: float, lang: str) -> str:
    """An area to read: hectares from 1 ha ("1.5 公顷"), else square metres ("320 m²")."""
    return t("area_ha_text", lang, ha=m2 / 10_000.0) if m2 >= 10_000.0 else t("area_m2_text", lang, m2=m2)


def _rule_measurements(ds: DataSet, rules_row: pd.Series, geom: shapely.Geometry, *, lang: str) -> dict[str, str]:
    """What was measured for the hard rules of one parcel (``geom`` in EPSG:4549), as values rather than the
    rules' names: the geometry's parts and vertices (or why it is invalid), the area outside the district and
    its share, which sub-parks it overlaps and by how much (else the nearest sub-park and its distance)."""
    from gis.scoring import ScoringParams

    params = ScoringParams()
    out: dict[str, str] = {}
    if bool(rules_row["valid"]):
        parts = len(getattr(geom, "geoms", [geom]))
        points = int(shapely.get_num_coordinates(geom)) - len(shapely.get_rings(geom))  # a ring's closing point
        out["valid"] = t("rule_v_valid", lang, parts=parts, points=points)
    share = float(rules_row["outside_share"])
    outside_m2 = share * float(rules_row["area_m2"])
    if share <= 0.0005:
        out["inside_district"] = t("rule_v_inside", lang)
    elif bool(rules_row["inside_district"]):
        out["inside_district"] = t(
            "rule_v_outside_tolerated",
            lang,
            area=_area_text(outside_m2, lang),
            share=share,
            tol=params.outside_tol_share,
        )
    else:
        out["inside_district"] = t("rule_v_outside", lang, area=_area_text(outside_m2, lang), share=share)
    subparks = scoring_context(ds).subparks
    shape = shapely.make_valid(geom)
    hits = subparks[subparks.intersects(shape)]
    overlaps = [(row, float(shapely.area(shapely.intersection(shape, row.geometry)))) for row in hits.itertuples()]
    overlaps = sorted([(r, a) for r, a in overlaps if a > 0.0], key=lambda ra: -ra[1])
    if overlaps:
        text = t("list_sep", lang).join(
            t("rule_v_overlap", lang, subpark=f"{r.id} {getattr(r, name_col(lang))}", area=_area_text(a, lang))
            for r, a in overlaps
        )
        if bool(rules_row["no_overlap"]):
            text = t("rule_v_overlap_tolerated", lang, overlaps=text, tol=params.overlap_tol_m2)
        out["no_overlap"] = text
    elif len(subparks):
        dist = subparks.distance(shape)
        nearest = subparks.loc[dist.idxmin()]
        out["no_overlap"] = t(
            "rule_v_no_overlap",
            lang,
            subpark=f"{nearest['id']} {nearest[name_col(lang)]}",
            m=float(dist.min()),
        )
    return out


def _capacity_rows(raw: pd.Series, lang: str) -> pd.DataFrame:
    """The card's 控规 rows of one parcel (its row of ``Evaluation.raw``): planned uses by name, the floor area the
    容积率上限 allows, the existing floor area ("—" when unknown) and what remains (said to be over when negative)."""
    allowance = float(raw["allowance_m2"])
    if pd.isna(raw["existing_floor_m2"]):
        existing, remaining = "—", t("cap_no_existing", lang, m2=allowance)
    else:
        left_m2 = round(allowance - float(raw["existing_floor_m2"]))
        existing = t("cap_m2", lang, m2=float(raw["existing_floor_m2"]))
        remaining = t("cap_m2", lang, m2=left_m2) if left_m2 >= 0 else t("cap_over", lang, m2=-left_m2)
    return pd.DataFrame(
        {
            t("f_cap_item", lang): [t(k, lang) for k in ("cap_uses", "cap_allowance", "cap_existing", "cap_remaining")],
            t("f_cap_value", lang): [
                _named_uses(raw["planned_codes"], lang) or t("landuse_outside", lang),
                t("cap_m2", lang, m2=allowance),
                existing,
                remaining,
            ],
        }
    )


def _named_uses(joined: object, lang: str) -> str:
    """Planned uses "M0、1001" with their names in ``lang`` ("M0 新型产业用地…、1001 工业用地"); "" for none."""
    codes = land_use_codes()
    return t("list_sep", lang).join(f"{c} {codes.name(c, lang)}" for c in str(joined or "").split("、") if c)


def ranking_table(ev: Evaluation, scores: Scores, *, lang: str) -> pd.DataFrame:
    """The eligible parcels by rank: id, name, score and each criterion's contribution."""
    table = scores.table
    ranked = table[table["rank"].notna()].sort_values("rank").iloc[:DISPLAY_ROWS]
    names = ev.parcels[name_col(lang)].astype(str)
    shares = percent_shares(scores.weights.to_dict())
    return pd.DataFrame(
        {
            t("f_rank", lang): ranked["rank"].astype(int).to_numpy(),
            t("f_id", lang): ranked.index.to_numpy(),
            t("f_name", lang): names.reindex(ranked.index).to_numpy(),
            t("f_score", lang): ranked["score"].round(3).to_numpy(),
            **{
                contribution_header(c, shares.get(c, 0), lang): ranked[f"c_{c}"].round(3).to_numpy()
                for c in ev.criteria
            },
            **_allowance_column(ev, ranked.index, lang),
        }
    )


def _allowance_column(ev: Evaluation, ids: pd.Index, lang: str) -> dict[str, np.ndarray]:
    """The floor area the 控规 allows each parcel of ``ids`` (whole m²) under its bilingual header; {} without 控规."""
    if not ev.regulated:
        return {}
    return {t("f_allowance_m2", lang): ev.raw["allowance_m2"].reindex(ids).round(0).astype("int64").to_numpy()}


def failing_table(ev: Evaluation, *, lang: str) -> pd.DataFrame:
    """The parcels that fail a hard rule, each with what it fails (measured values, in ``lang``)."""
    fail = ev.rules[~ev.rules["passes"].to_numpy(dtype=bool)].iloc[:DISPLAY_ROWS]
    texts = failure_texts(ev, fail.index, lang=lang)
    return pd.DataFrame(
        {
            t("f_id", lang): fail.index.to_numpy(),
            t("f_name", lang): ev.parcels[name_col(lang)].astype(str).reindex(fail.index).to_numpy(),
            t("f_failed", lang): texts.reindex(fail.index).to_numpy(),
        }
    )


def sensitivity_table(
    ev: Evaluation, scores: Scores, *, spread: float, draws: int, top_n: int, lang: str
) -> pd.DataFrame:
    """How stable each eligible parcel's rank is when every weight moves by up to ± ``spread``."""
    key = ("sens", ev.key, tuple(scores.weights.round(6).items()), spread, draws, top_n, lang)

    def build() -> pd.DataFrame:
        sens = sensitivity(
            ev.norm, scores.weights, ev.rules["passes"], spread=spread, draws=draws, top_n=top_n
        ).sort_values("rank")
        names = ev.parcels[name_col(lang)].astype(str)
        return pd.DataFrame(
            {
                t("f_rank", lang): sens["rank"].astype(int).to_numpy(),
                t("f_name", lang): names.reindex(sens.index).to_numpy(),
                t("f_score", lang): scores.table.loc[sens.index, "score"].round(3).to_numpy(),
                t("sens_share", lang): [f"{v:.0%}" for v in sens["top_n_share"]],
                t("sens_range", lang): [f"{int(a)}–{int(b)}" for a, b in zip(sens["rank_min"], sens["rank_max"])],
            }
        )

    return CACHE.get(key, build)


def export_table(ev: Evaluation, scores: Scores, *, lang: str) -> pd.DataFrame:
    """Every parcel with rank, score, contributions and what it fails (for CSV/XLSX); each contribution's header
    records the weight it was computed with ("邻近园区贡献（权重 18%）")."""
    table = scores.table
    shares = percent_shares(scores.weights.to_dict())
    out = pd.DataFrame(
        {
            t("f_rank", lang): table["rank"],
            t("f_id", lang): table.index,
            t("f_name", lang): ev.parcels[name_col(lang)].astype(str).reindex(table.index),
            t("f_score", lang): table["score"].round(4),
            **{contribution_header(c, shares.get(c, 0), lang): table[f"c_{c}"].round(4) for c in ev.criteria},
            **_allowance_column(ev, table.index, lang),
            t("f_failed", lang): failure_texts(ev, table.index, lang=lang),
        }
    )
    return out.sort_values(t("f_rank", lang), na_position="last").reset_index(drop=True)


def scored_layer(ev: Evaluation, scores: Scores) -> gpd.GeoDataFrame:
    """The parcels with score, rank, class, contributions and failed rule ids (EPSG:4326), for export/print."""
    table = scores.table
    layer = ev.parcels.drop(columns=[c for c in ("score", "rank", "score_class") if c in ev.parcels]).assign(
        score=table["score"].round(4),
        rank=table["rank"].astype("float"),
        score_class=table["score_class"],
        failed=ev.rules["failed"].map(lambda f: ",".join(f)),
        **{f"c_{c}": table[f"c_{c}"].round(4) for c in ev.criteria},
        **({"allowance_m2": ev.raw["allowance_m2"].round(1)} if ev.regulated else {}),
    )
    return gpd.GeoDataFrame(layer.reset_index(drop=True), geometry="geometry", crs="EPSG:4326")


def surface(ds: DataSet, weights: Mapping[str, float], *, cell_m: float) -> Surface:
    """The suitability surface (location criteria only) for these weights, cached."""
    w = tuple(sorted((k, float(v)) for k, v in weights.items()))
    return CACHE.get(
        ("surface", ds.version, w, float(cell_m)),
        lambda: suitability_surface(scoring_context(ds), dict(w), cell_m=cell_m),
    )


def surface_png(surf: Surface) -> bytes:
    """The surface's colours as a PNG (EPSG:4549 pixels), for the page."""
    buf = io.BytesIO()
    Image.fromarray(colour(surf.score)).save(buf, format="PNG")
    return buf.getvalue()


def surface_image(ds: DataSet, weights: Mapping[str, float], *, cell_m: float) -> dict:
    """The surface as a map overlay: a PNG data URL in Web Mercator pixels and its bounds."""
    w = tuple(sorted((k, float(v)) for k, v in weights.items()))

    def build() -> dict:
        rgba, bounds = surface_overlay(surface(ds, dict(w), cell_m=cell_m))
        buf = io.BytesIO()
        Image.fromarray(rgba).save(buf, format="PNG")
        return {
            "url": "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii"),
            "bounds": bounds,
            "opacity": 0.7,
        }

    return CACHE.get(("surface_png", ds.version, w, float(cell_m)), build)


def _score_extra(ev: Evaluation, scores: Scores, ids: Sequence[str], *, lang: str) -> tuple[list[str], dict]:
    table = scores.table
    failed = failure_texts(ev, ids, lang=lang)
    labels = [t("f_score", lang), t("f_rank", lang), t("f_failed", lang)]
    values = {
        pid: [
            f"{table.at[pid, 'score']:.3f}",
            "–" if pd.isna(table.at[pid, "rank"]) else str(int(table.at[pid, "rank"])),
            failed.get(pid) or None,
        ]
        for pid in ids
    }
    return labels, values


def parcels_map(
    ds: DataSet,
    ev: Evaluation,
    scores: Scores,
    *,
    lang: str,
    basemap: dict,
    datum: str = "wgs84",
    selected: str | None = None,
    image: dict | None = None,
    clear_drawings: int = 0,
    height: int = 560,
) -> MapJson:
    """The parcels page's map: context layers, the parcels coloured by score class (restyled in place when
    the weights change), the user's parcels, the selection outlined, the drawing tool."""
    spec = SCORED_PARCELS
    classes = scores.table["score_class"].astype(str)
    own = set(ev.user_ids)
    bundled = [pid for pid in classes.index if pid not in own]
    refs = context_refs(ds, lang=lang, datum=datum) + park_refs(
        ds,
        CONTEXT_LAYERS,
        lang=lang,
        datum=datum,
        interactive=("subparks", "stations"),
        labels=("subparks", "stations"),
    )
    large = tiles.is_large(ds.park.parcels)
    refs.append(
        parcels_ref(
            ds,
            "scored_parcels",
            lang=lang,
            datum=datum,
            classes=classes.reindex(bundled),
            order=SCORE_ORDER,
            extra=None if large else _score_extra(ev, scores, bundled, lang=lang),
        )
    )
    if ev.user_ids:
        user = ev.parcels.loc[list(ev.user_ids)]
        doc = CACHE.get(
            ("user_doc", ev.key, lang, datum),
            lambda: layer_document(spec, user.assign(score_class="c1"), lang=lang, datum=datum),
        )
        refs.append(
            layer_ref(
                "user_parcels",
                name=t("user_parcels", lang),
                doc=doc,
                popups=False,
                restyle=classes.reindex(list(ev.user_ids)).to_dict(),
                extra=_score_extra(ev, scores, ev.user_ids, lang=lang),
            )
        )
    layer_of_selected = "user_parcels" if selected in set(ev.user_ids) else "scored_parcels"
    if large and selected and layer_of_selected == "scored_parcels":  # outline a tiled parcel on top
        one = selection_ref(ds, selected, lang=lang, datum=datum)
        if one is not None:
            refs.append(one)
            layer_of_selected = "selection"
    legend = context_legend(ds, lang=lang) + legend_entries(
        [get_spec(lid) for lid in CONTEXT_LAYERS] + [spec], lang=lang
    )
    return map_spec(
        MapSpec(
            lang=lang,
            layers=refs,
            credits=data_credits(ds, refs, lang=lang),
            basemap=basemap,
            fit=bounds_of(ds.park.district, datum=datum),
            legend_title=t("legend", lang),
            legend=legend,
            draw=True,
            clear_drawings=clear_drawings,
            selected={"layer": layer_of_selected, "id": selected} if selected else None,
            image=image,
            height=height,
            map_key="parcels",
        )
    )


def add_user_parcels(
    current: gpd.GeoDataFrame | None, new: gpd.GeoDataFrame, *, names: Sequence[str], intended_use: Sequence[str]
) -> gpd.GeoDataFrame:
    """The user's parcels with ``new`` ones appended (ids U001, U002, …; areas in EPSG:4549).

    Parameters
    ----------
    new : GeoDataFrame
        Polygons, any declared CRS.
    names, intended_use : sequences of str
        One per new parcel (names are text from the user: shown as text, never markup).
    """
    start = 1 + (0 if current is None else len(current))
    geoms = new.to_crs("EPSG:4326").geometry.to_numpy()
    out = gpd.GeoDataFrame(
        {
            "id": [f"U{start + i:03d}" for i in range(len(geoms))],
            "name_zh": [str(n)[:80] for n in names],
            "name_en": [str(n)[:80] for n in names],
            "intended_use": list(intended_use),
            "current_use_zh": "用户添加",
            "current_use_en": "added by the user",
            "source": "added in the app this session",
            "accuracy": "as drawn / uploaded",
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    out["area_m2"] = shapely.area(to_metric(out).geometry.to_numpy()).round(1)
    merged = out if current is None else pd.concat([current, out], ignore_index=True)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs="EPSG:4326")


def industry_options() -> tuple[str, ...]:
    """The intended-use codes a user can pick (the plan's "4 + X", then residential)."""
    from gis.scoring import CORE_INDUSTRIES, X_INDUSTRIES

    return (*CORE_INDUSTRIES, *X_INDUSTRIES, "residential")


def preset_names() -> tuple[str, ...]:
    """The weight presets a user can pick (``balanced`` first)."""
    return tuple(PRESETS)


def preset_weights(preset: str, criteria: Sequence[str]) -> dict[str, int]:
    """The weights (0–100) of a preset for these criteria; 10 for a criterion the preset does not name."""
    chosen = PRESETS[preset]
    return {c: int(chosen.get(c, 10)) for c in criteria}


def landuse_help(lang: str) -> str:
    """The help text of the 控规 criterion ``landuse`` in ``lang``, naming the park-industry uses."""
    return t("help_landuse", lang, uses=_named_uses("、".join(PARK_USES), lang))


def park_use_min_share() -> float:
    """The least share (0-1) of a parcel's area under a park-industry use that the optional rule ``park_use`` asks."""
    return ScoringParams().park_use_min_share


def vector_criteria() -> tuple[str, ...]:
    """The criteria measured on the park's own layers (each has a help text ``help_<criterion>``)."""
    from gis.scoring import VECTOR_CRITERIA

    return tuple(VECTOR_CRITERIA)


def surface_geotiff(surf: Surface) -> bytes:
    """The suitability surface as a paletted GeoTIFF (EPSG:4549) for download."""
    from gis.raster import surface_geotiff as tiff

    return tiff(surf)


def add_drawn_parcel(
    current: gpd.GeoDataFrame | None, geometry: Mapping, *, name: str, intended_use: str
) -> gpd.GeoDataFrame:
    """The user's parcels with one drawn on the map (``geometry`` a GeoJSON geometry in WGS84)."""
    drawn = gpd.GeoDataFrame(geometry=[shapely.geometry.shape(geometry)], crs="EPSG:4326")
    return add_user_parcels(current, drawn, names=[name], intended_use=[intended_use])


def upload_digest(data: bytes) -> str:
    """A short digest of an uploaded file's bytes: the same file is recognised when it is added again."""
    return hashlib.sha256(data).hexdigest()[:16]


#: Columns that name an uploaded parcel, the first found wins (else the parcels are numbered #1, #2 …).
UPLOAD_NAME_COLUMNS = ("name_zh", "name", "名称", "NAME", "Name")


def add_uploaded_parcels(
    current: gpd.GeoDataFrame | None, filename: str, data: bytes, *, intended_use: str
) -> gpd.GeoDataFrame:
    """The user's parcels with the polygons of an uploaded file appended (raises ImportRefusedError).

    Their names come from the first of :data:`UPLOAD_NAME_COLUMNS` the file has; a parcel's intended use from
    its ``intended_use`` column when that holds a known use (:func:`industry_options`), else ``intended_use``.
    """
    from ingest.readers import read_uploaded_polygons

    up = read_uploaded_polygons(filename, data)
    label = next((c for c in UPLOAD_NAME_COLUMNS if c in up.columns), None)
    names = up[label].astype(str).tolist() if label else [f"#{i + 1}" for i in range(len(up))]
    known = industry_options()
    uses = (
        [u if u in known else intended_use for u in up["intended_use"].astype(str)]
        if "intended_use" in up.columns
        else [intended_use] * len(up)
    )
    return add_user_parcels(current, up, names=names, intended_use=uses)
