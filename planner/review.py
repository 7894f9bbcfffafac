"""Compliance review (合规审查) as a task: proposals and the 控规 layer in, reviews with their words out — one code
path for the page and `python -m gis review`."""

from __future__ import annotations

import hashlib
import json
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from gis.crs import to_metric
from gis.io import read_layer
from gis.landuse import LandUseCodes, load_clauses, load_landuse
from gis.regulatory import (
    PROPOSAL_FIELDS,
    REGULATORY_FIELDS,
    RULES,
    Check,
    Review,
    floor_area_capacity,
    guess_fields,
    normalise_layer,
    review_proposals,
)
from ingest.mapping import file_signature
from layers.cartography import PanelExtras, PrintSpec, padded_extent, pdf_pages, render
from layers.registry import KONGGUI, PROPOSALS, get_spec
from layers.reports import Block, context_frames, maker_footer, table_pages
from layers.webmap import MapJson, MapSpec, bounds_of, layer_document, layer_ref, legend_entries, map_spec
from planner.data import DataSet, data_dir
from planner.maps import context_legend, context_refs, data_credits, park_refs
from text.messages import t
from tiles.cache import BoundedCache

#: The 控规 layer in a data folder (the bundled one is a fictional demonstration over the candidate parcels).
REGULATORY_FILE = "regulatory/konggui.geojson"
#: Six fictional proposals over the demonstration 控规 (the page's example: some pass, some fail).
DEMO_PROPOSALS_FILE = "regulatory/proposals_demo.geojson"
#: The map documents of 控规 layers (a bureau's layer may hold thousands of parcels), by content.
CACHE = BoundedCache(64 * 1024 * 1024)
#: Context layers under the review map and the 审查意见's map.
MAP_CONTEXT = ("district", "stations")


@dataclass(frozen=True)
class ReviewRun:
    """Every proposal's review, in the input's order, and the code tree used (for use names)."""

    reviews: tuple[Review, ...]
    codes: LandUseCodes

    @property
    def passed(self) -> bool:
        """Whether every proposal passes every rule."""
        return all(r.passed for r in self.reviews)


@lru_cache(maxsize=1)
def land_use_codes() -> LandUseCodes:
    """The bundled code tree and compatibility table (read once)."""
    return load_landuse()


def bundled_regulatory() -> gpd.GeoDataFrame | None:
    """The data folder's 控规 layer, normalised (:func:`gis.regulatory.normalise_layer`), or None when the folder
    has none. Read again only when the file changes."""
    path = data_dir() / REGULATORY_FILE
    try:
        stat = path.stat()
    except OSError:
        return None
    return _read_regulatory(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=2)
def _read_regulatory(path: str, size: int, mtime_ns: int) -> gpd.GeoDataFrame:
    return normalise_layer(read_layer(path), kind="regulatory", codes=land_use_codes())


def read_layer_upload(filename: str, data: bytes) -> gpd.GeoDataFrame:
    """The polygons of an uploaded file as they are (EPSG:4326), read as every upload is: in a worker, with limits.

    Raises
    ------
    ImportRefusedError, LimitExceededError
    """
    from ingest.readers import read_upload_isolated

    return read_upload_isolated(filename, data, expect="polygon").gdf


def plan_fields() -> tuple[str, ...]:
    """The 控规 layer's fields, in order (canonical names: ``parcel_id``, ``code``, ``far_max`` …)."""
    return tuple(REGULATORY_FIELDS)


def mapping_key(columns: list[str]) -> str:
    """The key a 控规 file's field mapping is remembered under (its column names)."""
    return file_signature(columns, "regulatory")


def start_mapping(columns: list[str], remembered: Mapping[str, str] | None) -> dict[str, str | None]:
    """The field mapping to offer: what was remembered for files with these columns, else the recognised names."""
    guessed = guess_fields(columns, kind="regulatory")
    kept = {k: v for k, v in (remembered or {}).items() if k in guessed and (v is None or v in columns)}
    return {k: kept.get(k, guessed[k]) for k in guessed}


def regulatory_layer(gdf: gpd.GeoDataFrame, *, mapping: Mapping[str, str | None] | None = None) -> gpd.GeoDataFrame:
    """A 控规 layer normalised with a field mapping (canonical field -> the file's column; None or "" for none).

    Raises
    ------
    RegulatoryError
        A required field is not mapped, a number or a code is not valid.
    """
    chosen = {k: v for k, v in (mapping or {}).items() if v}
    missing = {k: None for k in plan_fields() if k not in chosen}  # unmapped: not guessed behind the user's back
    return normalise_layer(gdf, kind="regulatory", codes=land_use_codes(), mapping={**missing, **chosen})


#: Content digests of layers by ``id``, each with a weak reference to its layer (the entry goes with the layer).
_DIGESTS: dict[int, tuple[weakref.ref, str]] = {}


def layer_digest(layer: gpd.GeoDataFrame | None) -> str:
    """A digest of a layer's content (CRS, columns, values, geometries; "" for None), for cache keys: computed
    once per layer object, and the same for a layer read again with the same content."""
    if layer is None:
        return ""
    known = _DIGESTS.get(id(layer))
    if known is not None and known[0]() is layer:
        return known[1]
    h = hashlib.sha1(str(layer.crs).encode("utf-8"))
    attributes = pd.DataFrame(layer.drop(columns=layer.geometry.name))
    h.update(json.dumps([str(c) for c in attributes.columns], ensure_ascii=False).encode("utf-8"))
    h.update(pd.util.hash_pandas_object(attributes, index=False).to_numpy().tobytes())
    for wkb in shapely.to_wkb(layer.geometry.to_numpy()):
        h.update(b"" if wkb is None else wkb)
        h.update(b"|")
    digest = h.hexdigest()[:16]
    key = id(layer)
    _DIGESTS[key] = (weakref.ref(layer, lambda _ref: _DIGESTS.pop(key, None)), digest)
    return digest


def capacity(areas: gpd.GeoDataFrame | gpd.GeoSeries, regulatory: gpd.GeoDataFrame | None) -> pd.DataFrame | None:
    """:func:`gis.regulatory.floor_area_capacity` of ``areas`` under ``regulatory`` (None when there is no 控规)."""
    if regulatory is None or regulatory.empty:
        return None
    return floor_area_capacity(areas, regulatory, codes=land_use_codes())


def run_review(
    proposals: gpd.GeoDataFrame,
    regulatory: gpd.GeoDataFrame,
    *,
    proposal_fields: Mapping[str, str] | None = None,
    regulatory_fields: Mapping[str, str] | None = None,
) -> ReviewRun:
    """Check the fields of both layers, then review every proposal (:func:`gis.regulatory.review_proposals`).

    Raises
    ------
    RegulatoryError
        A layer is unusable or a proposal lies outside every 控规 parcel (the message says which and how to fix it).
    """
    codes = land_use_codes()
    plan = normalise_layer(regulatory, kind="regulatory", codes=codes, mapping=regulatory_fields)
    sites = normalise_layer(proposals, kind="proposals", codes=codes, mapping=proposal_fields)
    clauses = {rule: zh for rule, (zh, _) in clause_table().items()}
    return ReviewRun(reviews=tuple(review_proposals(sites, plan, codes=codes, clauses=clauses)), codes=codes)


def rule_name(rule: str, lang: str) -> str:
    """A rule's name in ``lang`` (容积率上限 …): the catalogue's ``rev_rule_<rule>``."""
    return t(f"rev_rule_{rule}", lang)


def fix_text(check: Check, lang: str) -> str:
    """What would make a failing check comply, as a sentence ("" when it passes or nothing can be said)."""
    if check.passed is not False:
        return ""
    if check.rule == "use":
        return t("rev_fix_use", lang, planned=check.limit)
    if check.change is None:
        return ""
    key = {
        "far_max": "rev_fix_gfa_less",
        "far_min": "rev_fix_gfa_more",
        "height": "rev_fix_height",
        "density": "rev_fix_footprint",
        "green": "rev_fix_green",
    }[check.rule]
    return t(key, lang, amount=f"{abs(check.change):,.1f}" if check.rule == "height" else f"{abs(check.change):,.0f}")


def review_json(run: ReviewRun, *, lang: str = "zh") -> dict[str, Any]:
    """The reviews as the command line prints them with ``--json`` (rule ids ``use``, ``far_max``, ``far_min``,
    ``height``, ``density``, ``green``)."""
    return {"proposals": [_review_json(r, lang) for r in run.reviews]}


def _review_json(review: Review, lang: str) -> dict[str, Any]:
    return {
        "name": review.name,
        "pass": review.passed,
        "site_area_m2": round(review.site_area_m2, 2),
        "geodesic_area_m2": round(review.geodesic_area_m2, 2),
        "max_gfa_m2": round(review.max_gfa_m2, 1),
        "parcels": {k: round(v, 2) for k, v in review.parcels.items()},
        "ignored_slivers": {k: round(v, 2) for k, v in review.slivers.items()},
        "checks": [
            {
                "rule": c.rule,
                "pass": c.passed,
                "value": c.value,
                "limit": c.limit,
                "unit": c.unit,
                "clause": clause_text(c, lang),
                "margin": c.margin,
                "fix": fix_text(c, lang),
            }
            for c in review.checks
        ],
    }


def check_rows(review: Review, *, lang: str) -> list[dict[str, Any]]:
    """One row per check for a table: rule, clause, limit, value, margin, result and what would comply — numbers
    as approval documents state them (容积率 at 2 decimals, percentages at 0.1 %)."""
    return [
        {
            "rule": rule_name(c.rule, lang),
            "clause": clause_text(c, lang),
            "limit": _shown(c.rule, c.limit, lang),
            "value": _shown(c.rule, c.value, lang),
            "margin": _margin(c),
            "result": t({True: "rev_pass", False: "rev_fail", None: "rev_no_data"}[c.passed], lang),
            "fix": fix_text(c, lang),
        }
        for c in review.checks
    ]


@lru_cache(maxsize=1)
def clause_table() -> dict[str, tuple[str, str]]:
    """Each rule's citation in Chinese and English (``data/regulatory/review_clauses.csv``, editable; read once)."""
    return load_clauses(rules=RULES)


def clause_text(check: Check, lang: str) -> str:
    """The check's citation in ``lang`` from the clause table ("控规图则 PT-01-01 容积率上限")."""
    zh, en = clause_table()[check.rule]
    return (en if lang == "en" else zh).format(parcels=("、" if lang == "zh" else ", ").join(check.parcels))


def use_text(codes: str, lang: str) -> str:
    """Land-use codes ("0802" or "M0、1001") with their names in ``lang``: "0802 科研用地"."""
    table = land_use_codes()
    parts = [c for c in str(codes).split("、") if c]
    return t("list_sep", lang).join(f"{c} {table.name(c, lang)}" if table.is_known(c) else c for c in parts)


def _shown(rule: str, value: float | str | None, lang: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return use_text(value, lang) if rule == "use" else value
    if rule.startswith("far"):
        return f"{value:.2f}"
    if rule == "height":
        return f"{value:g} m"
    return f"{value:.1f}%"


def _margin(check: Check) -> str:
    if check.margin is None:
        return ""
    if check.rule.startswith("far"):
        return f"{check.margin:+.2f}"
    return f"{check.margin:+.1f}" + (" m" if check.rule == "height" else " %")


def verdict(review: Review) -> str:
    """``pass``, ``fail`` (some rule fails) or ``no_data`` (none fails, some lacks the proposal's figure)."""
    if any(c.passed is False for c in review.checks):
        return "fail"
    return "no_data" if any(c.passed is None for c in review.checks) else "pass"


# --- the page's proposals and 控规 -------------------------------------------------------------------------
def demo_proposals() -> gpd.GeoDataFrame | None:
    """The bundled example proposals, normalised (None when the data folder has none)."""
    path = data_dir() / DEMO_PROPOSALS_FILE
    if not path.is_file():
        return None
    return normalise_layer(read_layer(path), kind="proposals", codes=land_use_codes())


def read_proposals_upload(filename: str, data: bytes) -> gpd.GeoDataFrame:
    """Proposals from an uploaded file, read as every upload is (in a worker, with limits), normalised (EPSG:4326).

    Raises
    ------
    ImportRefusedError, LimitExceededError, RegulatoryError
    """
    from ingest.readers import read_upload_isolated

    gdf = read_upload_isolated(filename, data, expect="polygon").gdf
    return normalise_layer(gdf, kind="proposals", codes=land_use_codes())


def drawn_proposal(
    geometry: Mapping[str, Any],
    *,
    name: str,
    code: str,
    gfa_m2: float | None,
    height_m: float | None,
    footprint_m2: float | None,
    green_m2: float | None,
) -> gpd.GeoDataFrame:
    """One proposal drawn on the map (``geometry`` a GeoJSON polygon in WGS84), normalised.

    Raises
    ------
    RegulatoryError
        Not a polygon, an unknown use code or a negative figure.
    """
    row = {
        PROPOSAL_FIELDS["name"][0]: name,
        PROPOSAL_FIELDS["code"][0]: code,
        PROPOSAL_FIELDS["gfa_m2"][0]: gfa_m2,
        PROPOSAL_FIELDS["height_m"][0]: height_m,
        PROPOSAL_FIELDS["footprint_m2"][0]: footprint_m2,
        PROPOSAL_FIELDS["green_m2"][0]: green_m2,
    }
    gdf = gpd.GeoDataFrame([row], geometry=[shapely.geometry.shape(geometry)], crs="EPSG:4326")
    return normalise_layer(gdf, kind="proposals", codes=land_use_codes())


def with_proposals(current: gpd.GeoDataFrame | None, new: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The session's proposals with ``new`` appended (both normalised), numbered 0..n-1 in order."""
    frames = [f.to_crs("EPSG:4326") for f in (current, new) if f is not None and len(f)]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")


def code_choices() -> list[str]:
    """Every land-use code a proposal may name, in the code tree's order."""
    return list(land_use_codes().names)


def code_label(code: str, lang: str) -> str:
    """ "0802 科研用地" — a code and its name in ``lang``."""
    return f"{code} {land_use_codes().name(code, lang)}"


def summary_table(run: ReviewRun, *, lang: str) -> pd.DataFrame:
    """One row per proposal: name, verdict, site area (4549 and geodesic), 控规 parcels, FAR and its limit, the
    largest compliant floor area and the rules that fail."""
    rows = []
    for r in run.reviews:
        far = r.check("far_max")
        rows.append(
            {
                t("f_name", lang): r.name,
                t("rev_col_verdict", lang): t(f"rev_verdict_{verdict(r)}", lang),
                t("rev_col_site", lang): f"{r.site_area_m2:,.1f}",
                t("rev_col_geodesic", lang): f"{r.geodesic_area_m2:,.1f}",
                t("rev_col_parcels", lang): t("list_sep", lang).join(r.parcels),
                t("rev_col_far", lang): "—"
                if far is None
                else f"{_shown('far_max', far.value, lang)} / {_shown('far_max', far.limit, lang)}",
                t("rev_col_max_gfa", lang): f"{r.max_gfa_m2:,.0f}",
                t("rev_col_failed", lang): t("list_sep", lang).join(
                    rule_name(c.rule, lang) for c in r.checks if c.passed is False
                ),
            }
        )
    return pd.DataFrame(rows)


def notes(review: Review, *, lang: str) -> list[str]:
    """What a reader of the review should know besides the checks: slivers ignored, land outside the 控规."""
    out = []
    if review.slivers:
        parts = t("list_sep", lang).join(f"{k} {v:,.1f} m²" for k, v in review.slivers.items())
        out.append(t("rev_note_slivers", lang, parts=parts))
    if review.outside_share > 0.001:
        out.append(t("rev_note_outside", lang, share=f"{review.outside_share:.1%}"))
    return out


# --- maps ---------------------------------------------------------------------------------------------------
def _use_class(code: str) -> str:
    if code == "M0":
        return "M0"
    head = code[:2]
    return head if any(v == head for v, _ in _KG_CLASSES) else "other"


_KG_CLASSES = tuple((c.value, c.style) for c in KONGGUI.categories)


def konggui_frame(regulatory: gpd.GeoDataFrame, *, lang: str) -> gpd.GeoDataFrame:
    """The 控规 parcels with the columns their map layer shows: id, use (code and name), limits, use class."""
    sep = "；" if lang == "zh" else "; "

    def limits(row: Any) -> str:
        parts = [t("rev_lim_far", lang, value=f"{row.far_max:.2f}")]
        for column, key in (
            ("far_min", "rev_lim_far_min"),
            ("height_max_m", "rev_lim_height"),
            ("density_max_pct", "rev_lim_density"),
            ("green_min_pct", "rev_lim_green"),
        ):
            value = getattr(row, column, float("nan"))
            if pd.notna(value):
                parts.append(t(key, lang, value=f"{value:g}"))
        return sep.join(parts)

    return gpd.GeoDataFrame(
        {
            "id": regulatory["parcel_id"].astype(str).to_numpy(),
            "parcel_id": regulatory["parcel_id"].astype(str).to_numpy(),
            "use": [use_text(c, lang) for c in regulatory["code"]],
            "limits": [limits(r) for r in regulatory.itertuples()],
            "use_class": [_use_class(str(c)) for c in regulatory["code"]],
            "name": regulatory["code"].astype(str).to_numpy(),
        },
        geometry=regulatory.geometry.to_numpy(),
        crs=regulatory.crs,
    )


def proposals_frame(proposals: gpd.GeoDataFrame, run: ReviewRun | None, *, lang: str) -> gpd.GeoDataFrame:
    """The proposals' sites with their verdicts (id = position, from 1)."""
    verdicts = [verdict(r) for r in run.reviews] if run is not None else ["no_data"] * len(proposals)
    failed = [
        t("list_sep", lang).join(rule_name(c.rule, lang) for c in r.checks if c.passed is False) or None
        for r in (run.reviews if run is not None else [])
    ] or [None] * len(proposals)
    return gpd.GeoDataFrame(
        {
            "id": [str(i + 1) for i in range(len(proposals))],
            "name": proposals["name"].astype(str).to_numpy(),
            "verdict_code": verdicts,
            "verdict": [t(f"rev_verdict_{v}", lang) for v in verdicts],
            "failed": failed,
        },
        geometry=proposals.geometry.to_numpy(),
        crs=proposals.crs,
    )


def review_map(
    ds: DataSet,
    regulatory: gpd.GeoDataFrame,
    proposals: gpd.GeoDataFrame | None,
    run: ReviewRun | None,
    *,
    lang: str,
    basemap: dict,
    datum: str = "wgs84",
    selected: int | None = None,
    clear_drawings: int = 0,
    height: int = 560,
) -> MapJson:
    """The 合规审查 map: context, the 控规 parcels coloured by planned use, the proposals coloured pass/fail (the
    selected one outlined), the drawing tool for a new site."""
    key = ("kg_doc", layer_digest(regulatory), lang, datum)
    kg_doc = CACHE.get(
        key, lambda: layer_document(KONGGUI, konggui_frame(regulatory, lang=lang), lang=lang, datum=datum)
    )
    refs = context_refs(ds, lang=lang, datum=datum) + park_refs(
        ds, MAP_CONTEXT, lang=lang, datum=datum, interactive=("stations",), labels=("stations",)
    )
    refs.append(layer_ref("konggui", name=KONGGUI.label(lang), doc=kg_doc, popups=True))
    legend = context_legend(ds, lang=lang) + legend_entries([get_spec(lid) for lid in MAP_CONTEXT], lang=lang)
    used = {_use_class(str(c)) for c in regulatory["code"]}
    legend += [[label, {**style, "kind": "polygon"}] for label, style in KONGGUI.legend_entries(lang, values=used)]
    focus = None
    if proposals is not None and len(proposals):
        sites = proposals_frame(proposals, run, lang=lang)
        ref = layer_ref(
            "proposals", name=PROPOSALS.label(lang), doc=layer_document(PROPOSALS, sites, lang=lang, datum=datum)
        )
        refs.append(ref)
        legend += [
            [label, {**style, "kind": "polygon"}]
            for label, style in PROPOSALS.legend_entries(lang, values=set(sites["verdict_code"]))
        ]
        # new proposals: the map goes to them; a proposal picked: the map goes to it
        shown = proposals if selected is None else proposals.iloc[[selected]]
        focus = {"token": f"{ref['doc_key']}:{selected}", "bounds": bounds_of(shown, datum=datum), "max_zoom": 17}
    return map_spec(
        MapSpec(
            lang=lang,
            layers=refs,
            credits=data_credits(ds, refs, lang=lang),
            basemap=basemap,
            fit=bounds_of(regulatory, datum=datum),
            focus=focus,
            legend_title=t("legend", lang),
            legend=legend,
            draw=True,
            clear_drawings=clear_drawings,
            selected={"layer": "proposals", "id": str(selected + 1)} if selected is not None else None,
            height=height,
            map_key="review",
        )
    )


# --- the 审查意见 (PDF) -------------------------------------------------------------------------------------
def review_sheet(
    ds: DataSet,
    regulatory: gpd.GeoDataFrame,
    proposals: gpd.GeoDataFrame,
    run: ReviewRun,
    index: int,
    *,
    lang: str,
    author: str = "",
    unit: str = "",
) -> bytes:
    """The 审查意见 of one proposal as a PDF: page 1 the site over the 控规 parcels with the review's facts and the
    title block of the print maps; then each rule with its clause, limit, value, margin, result and what would
    comply; the notes (slivers ignored, land outside the 控规)."""
    review = run.reviews[index]
    site = proposals.iloc[[index]]
    site_m = to_metric(site).geometry.iloc[0]
    plan = konggui_frame(regulatory, lang=lang)
    plan_m = to_metric(plan)
    near = plan_m[plan_m.intersects(site_m.buffer(150.0))]
    title = t("rev_sheet_title", lang, name=review.name)
    spec = PrintSpec(
        title=title,
        subtitle=t("rev_sheet_subtitle", lang, verdict=t(f"rev_verdict_{verdict(review)}", lang)),
        paper="A4",
        landscape=False,
        lang=lang,
        author=author,
        unit=unit,
        note=t("rev_sheet_sources", lang),
    )
    facts = (
        (t("rev_fact_project", lang), review.name),
        (t("rev_fact_use", lang), use_text(str(proposals.iloc[index]["code"]), lang)),
        (t("rev_fact_parcels", lang), t("list_sep", lang).join(review.parcels) or "—"),
        (
            t("rev_fact_site", lang),
            t("rev_site_areas", lang, planar=f"{review.site_area_m2:,.1f}", geodesic=f"{review.geodesic_area_m2:,.1f}"),
        ),
        (t("rev_fact_max_gfa", lang), f"{review.max_gfa_m2:,.0f} m²"),
        (t("rev_fact_verdict", lang), t(f"rev_verdict_{verdict(review)}", lang)),
    )
    frames = [*context_frames(ds.park, ("roads", "metro_lines", "stations", "district"))]
    frames.append((KONGGUI, near))
    frames.append((PROPOSALS, proposals_frame(site, ReviewRun(reviews=(review,), codes=run.codes), lang=lang)))
    focus = shapely.union_all([site_m, *near.geometry.to_numpy()])
    figures = [
        render(
            frames,
            spec=spec,
            extent_m=padded_extent(focus, margin=0.1, min_size_m=400.0),
            extras=PanelExtras(facts=facts, facts_heading=t("rev_fact_heading", lang)),
        )
    ]
    rows = check_rows(review, lang=lang)
    columns = ("rule", "clause", "limit", "value", "margin", "result", "fix")
    table = pd.DataFrame([[r[c] for c in columns] for r in rows], columns=[t(f"rev_head_{c}", lang) for c in columns])
    blocks = [Block(t("rev_sheet_checks", lang), table, (0.1, 0.27, 0.12, 0.12, 0.08, 0.07, 0.24))]
    extra = notes(review, lang=lang)
    if extra:
        blocks.append(Block(t("rev_sheet_notes", lang), pd.DataFrame({t("rev_sheet_note", lang): extra}), (1.0,)))
    footer = maker_footer(author, spec.made, lang)
    figures += table_pages(blocks, spec=spec, header=title, footer=footer, first_page=2)  # the last pages
    return pdf_pages(figures)
