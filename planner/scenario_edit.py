"""Edit an expansion scenario: undo/redo history, metrics, the map, compare, suggest (Streamlit-free)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pandas.io.formats.style import Styler

from gis.crs import to_storage
from gis.scenario import (
    COMPARE_ROWS,
    Scenario,
    ScenarioMetrics,
    Suggestion,
    compare,
    greedy_suggest,
    scenario_metrics,
    suggest,
)
from layers.registry import SCENARIO_ADDED, SCENARIO_PARCELS, get_spec
from layers.webmap import MapJson, MapSpec, bounds_of, layer_document, layer_ref, legend_entries, map_spec
from planner import tiles
from planner.data import DataSet
from planner.evaluate import Evaluation, Scores, failure_texts
from planner.maps import context_legend, context_refs, data_credits, parcels_ref, park_refs
from planner.review import bundled_regulatory, land_use_codes, layer_digest
from text.clip import clean_text
from text.display import name_col
from text.messages import t
from tiles.cache import BoundedCache

CACHE = BoundedCache(32 * 1024 * 1024)
CONTEXT_LAYERS = ("district", "zones", "subparks", "stations")
#: The assignment of a piece that joins its nearest sub-park (the default; not stored).
ASSIGN_NEAREST = "nearest"
#: How many steps undo remembers.
UNDO_LIMIT = 100


@dataclass(frozen=True)
class History:
    """The scenario being edited and the steps to undo and redo (oldest first)."""

    current: Scenario
    undo_stack: tuple[Scenario, ...] = ()
    redo_stack: tuple[Scenario, ...] = ()

    @property
    def can_undo(self) -> bool:
        return bool(self.undo_stack)

    @property
    def can_redo(self) -> bool:
        return bool(self.redo_stack)

    def apply(self, new: Scenario) -> History:
        """``new`` becomes current; the old one can be undone; redo is cleared. No change, no step."""
        if new == self.current:
            return self
        return History(new, (*self.undo_stack, self.current)[-UNDO_LIMIT:], ())

    def undo(self) -> History:
        if not self.undo_stack:
            return self
        return History(self.undo_stack[-1], self.undo_stack[:-1], (*self.redo_stack, self.current))

    def redo(self) -> History:
        if not self.redo_stack:
            return self
        return History(self.redo_stack[-1], (*self.undo_stack, self.current), self.redo_stack[:-1])

    def reset(self, scenario: Scenario) -> History:
        """Start over from ``scenario`` (opened or new); the previous one can still be undone."""
        return History(scenario, (*self.undo_stack, self.current)[-UNDO_LIMIT:], ())


def scenario_key(scenario: Scenario) -> str:
    """A key of what a scenario adds (parcels, drawn areas, assignments), for caches of its metrics and maps:
    its id, name, notes and times change neither, so every user's new scenario with the same parcels shares them."""
    content = json.dumps(
        [list(scenario.parcels), {k: list(v) for k, v in scenario.drawn.items()}, dict(scenario.assign)],
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha1(content.encode("utf-8")).hexdigest()[:16]


def has_content(scenario: Scenario) -> bool:
    """Whether a scenario adds anything (parcels, drawn areas or assignments): worth restoring as a draft."""
    return bool(scenario.parcels or scenario.drawn or scenario.assign)


def toggle_parcel(history: History, parcel_id: str) -> History:
    """Include the parcel if it is out, take it out if it is in."""
    sc = history.current
    return history.apply(sc.with_parcel(parcel_id, included=parcel_id not in sc.parcels))


def set_parcels(history: History, parcel_ids: Sequence[str]) -> History:
    """Exactly these parcels (order kept for those already in); assignments of removed ones dropped."""
    sc = history.current
    wanted = set(parcel_ids)
    kept = tuple(p for p in sc.parcels if p in wanted) + tuple(p for p in parcel_ids if p not in sc.parcels)
    assign = {k: v for k, v in sc.assign.items() if k in wanted or k in sc.drawn}
    return history.apply(replace(sc, parcels=kept, assign=assign))


def add_drawn(history: History, *, name: str, geometry_wgs84: shapely.Geometry) -> History:
    """Add a drawn area (a polygon in EPSG:4326) under the next free id D01, D02, …"""
    sc = history.current
    n = 1
    while f"D{n:02d}" in sc.drawn:
        n += 1
    did = f"D{n:02d}"
    return history.apply(sc.with_drawn(did, clean_text(name).strip()[:80] or did, geometry_wgs84))


def set_header(history: History, *, name: str | None = None, notes: str | None = None) -> History:
    """Rename or annotate the scenario (an empty name keeps the old one)."""
    sc = history.current
    return history.apply(
        replace(
            sc,
            name=(clean_text(name).strip()[:80] or sc.name) if name is not None else sc.name,
            notes=clean_text(notes)[:500] if notes is not None else sc.notes,
        )
    )


def set_assign(history: History, assign: Mapping[str, str]) -> History:
    """Where each added piece goes (piece id -> ``subpark:<id>`` or ``new:<cluster>:<name>``)."""
    sc = history.current
    pieces = set(sc.parcels) | set(sc.drawn)
    return history.apply(replace(sc, assign={k: v for k, v in assign.items() if k in pieces and v != ASSIGN_NEAREST}))


def metrics(
    ds: DataSet,
    ev: Evaluation,
    scores: Scores,
    scenario: Scenario,
    *,
    tolerance_m: float = 50.0,
    regulatory: gpd.GeoDataFrame | None = None,
) -> ScenarioMetrics:
    """The scenario's metrics against this data set (cached by content), with the floor-area capacity it adds
    under ``regulatory`` (the session's 控规 layer; None: no capacity)."""
    key = (
        "metrics",
        ds.version,
        ev.key,
        scenario_key(scenario),
        float(scores.table["score"].sum()),
        tolerance_m,
        layer_digest(regulatory),
    )
    return CACHE.get(
        key,
        lambda: scenario_metrics(
            scenario,
            ds.park,
            ev.parcels,
            scores=scores.table["score"],
            rules=ev.rules,
            tolerance_m=tolerance_m,
            regulatory=regulatory,
            codes=land_use_codes() if regulatory is not None else None,
        ),
    )


def capacity_source(regulatory: gpd.GeoDataFrame | None) -> str | None:
    """Where the 控规 limits of the floor-area capacity come from: ``bundled`` (the data folder's layer, fictional
    demonstration data), ``loaded`` (a layer loaded this session) or None (no 控规 layer)."""
    if regulatory is None:
        return None
    return "bundled" if regulatory is bundled_regulatory() else "loaded"


def capacity_note(regulatory: gpd.GeoDataFrame | None, *, lang: str) -> str:
    """One sentence on the source of the 控规 limits (or that there is no 控规 layer)."""
    return t(f"cap_source_{capacity_source(regulatory) or 'none'}", lang)


def parcel_states(ev: Evaluation, scenario: Scenario) -> pd.Series:
    """Each parcel's state on the map: ``in`` (included), ``fail`` (breaks a hard rule) or ``out``."""
    included = set(scenario.parcels)
    passes = ev.rules["passes"].to_numpy(dtype=bool)
    state = np.where(passes, "out", "fail").astype(object)
    state[ev.parcels.index.isin(list(included))] = "in"
    return pd.Series(state, index=ev.parcels.index)


def drawn_layer(scenario: Scenario) -> gpd.GeoDataFrame:
    """The scenario's drawn areas as a layer (EPSG:4326): id, name, state ``drawn``."""
    ids = list(scenario.drawn)
    return gpd.GeoDataFrame(
        {
            "id": ids,
            "name_zh": [scenario.drawn[d][0] for d in ids],
            "name_en": [scenario.drawn[d][0] for d in ids],
            "state_code": ["drawn"] * len(ids),
        },
        geometry=[shapely.from_wkt(scenario.drawn[d][1]) for d in ids],
        crs="EPSG:4326",
    )


def scenario_map(
    ds: DataSet,
    ev: Evaluation,
    scores: Scores,
    scenario: Scenario,
    *,
    lang: str,
    basemap: dict,
    datum: str = "wgs84",
    clear_drawings: int = 0,
    height: int = 560,
) -> MapJson:
    """The scenario page's map: context, the parcels coloured by state (restyled in place), the drawn
    areas, and the drawing tool. Clicking a parcel includes or removes it."""
    states = parcel_states(ev, scenario)
    own = set(ev.user_ids)
    bundled = [pid for pid in states.index if pid not in own]
    extra = None
    if not tiles.is_large(ds.park.parcels):  # a small layer's tooltips also show state, score and what fails
        failed = failure_texts(ev, bundled, lang=lang)
        extra = (
            [t("f_state", lang), t("f_score", lang), t("f_failed", lang)],
            {
                pid: [t(f"scen_{states[pid]}", lang), f"{scores.table.at[pid, 'score']:.3f}", failed.get(pid) or None]
                for pid in bundled
            },
        )
    refs = context_refs(ds, lang=lang, datum=datum) + park_refs(
        ds,
        CONTEXT_LAYERS,
        lang=lang,
        datum=datum,
        interactive=("subparks", "stations"),
        labels=("subparks", "stations"),
    )
    refs.append(
        parcels_ref(
            ds,
            "scenario_parcels",
            lang=lang,
            datum=datum,
            classes=states.reindex(bundled),
            order=("fail", "out", "in"),
            extra=extra,
        )
    )
    if scenario.drawn:
        doc = CACHE.get(
            ("drawn_doc", scenario_key(scenario), lang, datum),
            lambda: layer_document(SCENARIO_PARCELS, drawn_layer(scenario), lang=lang, datum=datum),
        )
        refs.append(layer_ref("scenario_drawn", name=t("scen_drawn", lang), doc=doc, popups=False))
    legend = context_legend(ds, lang=lang) + legend_entries(
        [get_spec(lid) for lid in CONTEXT_LAYERS] + [SCENARIO_PARCELS], lang=lang
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
            height=height,
            map_key="scenario",
        )
    )


def parcel_table(ev: Evaluation, scores: Scores, scenario: Scenario, *, lang: str, rows: int = 500) -> pd.DataFrame:
    """Parcels to tick: the included ones first, then the best-scoring others (at most ``rows`` in all):
    included, id, name, score, area (ha), what it fails."""
    score = scores.table["score"].reindex(ev.parcels.index)
    included = ev.parcels.index.isin(list(scenario.parcels))
    others = score[~included].sort_values(ascending=False).index[: max(rows - int(included.sum()), 0)]
    shown = ev.parcels.loc[[*ev.parcels.index[included], *others]] if len(ev.parcels) > rows else ev.parcels
    return pd.DataFrame(
        {
            t("f_included", lang): shown.index.isin(list(scenario.parcels)),
            t("f_id", lang): shown.index.to_numpy(),
            t("f_name", lang): shown[name_col(lang)].astype(str).to_numpy(),
            t("f_score", lang): score.reindex(shown.index).round(3).to_numpy(),
            t("f_area_ha", lang): (pd.to_numeric(shown["area_m2"], errors="coerce") / 1e4).round(2).to_numpy(),
            t("f_failed", lang): failure_texts(ev, shown.index, lang=lang).to_numpy(),
        }
    )


def assign_choices(ds: DataSet, *, lang: str) -> dict[str, str]:
    """Assignment code -> label: nearest (default), each sub-park, a new sub-park in either cluster."""
    names = dict(zip(ds.park.subparks["id"].astype(str), ds.park.subparks[name_col(lang)].astype(str)))
    return {
        ASSIGN_NEAREST: t("scen_nearest", lang),
        **{f"subpark:{sid}": f"{n} ({sid})" for sid, n in names.items()},
        "new:north": t("scen_new_sub", lang, cluster=t("cluster_north", lang)),
        "new:south": t("scen_new_sub", lang, cluster=t("cluster_south", lang)),
    }


def assign_rows(scenario: Scenario) -> list[tuple[str, str, str]]:
    """(piece id, assignment code without the new sub-park's name, the new sub-park's name) per piece."""
    rows = []
    for piece in (*scenario.parcels, *scenario.drawn):
        target = scenario.assign.get(piece, ASSIGN_NEAREST)
        if target.startswith("new:"):
            _, cluster, name = (target.split(":", 2) + ["", ""])[:3]
            rows.append((piece, f"new:{cluster}", name))
        else:
            rows.append((piece, target, ""))
    return rows


def assign_code(choice: str, new_name: str, piece: str) -> str:
    """The stored assignment for a picked choice (a new sub-park gets its name, or the piece id)."""
    if choice.startswith("new:"):
        return f"{choice}:{new_name.strip()[:40] or piece}"
    return choice


#: How the comparison shows a row other than with 3 decimals: floor areas in whole m², shares in %.
ROW_FORMATS: dict[str, str] = {
    **{k: "{:,.0f}" for k, _ in COMPARE_ROWS if k.startswith("capacity_")},
    "park_use_share_added": "{:.0%}",
}
#: The background of a cell that differs from the first scenario.
DIFFERS_STYLE = "background-color: #fefcbf"


def compare_table(named: Mapping[str, ScenarioMetrics], *, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scenarios side by side with translated row labels, and a same-shaped mask of the cells that
    differ from the first scenario."""
    table = compare(named)
    labels = dict(COMPARE_ROWS)
    first = table.iloc[:, 0]
    differs = table.apply(lambda col: ~np.isclose(col.astype(float), first.astype(float), equal_nan=True))
    differs.iloc[:, 0] = False
    shown = table.copy()
    shown.index = [t(labels[k], lang) for k in table.index]
    differs.index = shown.index
    return shown, differs


def compare_styled(named: Mapping[str, ScenarioMetrics], *, lang: str) -> Styler:
    """:func:`compare_table` as the page shows it: 3 decimals (floor areas in whole m², shares in %, see
    :data:`ROW_FORMATS`), "—" where there is no value (no 控规 layer, no score), the cells that differ from the
    first scenario highlighted."""
    shown, differs = compare_table(named, lang=lang)
    styled = shown.style.format(precision=3, na_rep="—")
    labels = dict(COMPARE_ROWS)
    for key, fmt in ROW_FORMATS.items():
        label = t(labels[key], lang)
        if label in shown.index:
            styled = styled.format(fmt, subset=pd.IndexSlice[[label], :], na_rep="—")
    return styled.apply(lambda col: [DIFFERS_STYLE if d else "" for d in differs[col.name]], axis=0)


def compare_map(
    ds: DataSet, named: Mapping[str, ScenarioMetrics], *, lang: str, basemap: dict, datum: str = "wgs84"
) -> MapJson:
    """One map of what each compared scenario adds, the legend naming the scenarios."""
    names = list(named)
    geoms = [to_storage(gpd.GeoSeries([m.added_geometry_m], crs="EPSG:4549")).iloc[0] for m in named.values()]
    added = gpd.GeoDataFrame(
        {
            "id": [f"s{i}" for i in range(len(names))],
            "name_zh": names,
            "name_en": names,
            "slot": [f"s{i}" for i in range(len(names))],
            "added": [round(m.added_km2, 3) for m in named.values()],
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    added = added[~added.geometry.is_empty]
    refs = context_refs(ds, lang=lang, datum=datum) + park_refs(
        ds, ("district", "zones", "subparks"), lang=lang, datum=datum
    )
    if len(added):
        refs.append(
            layer_ref(
                "scenario_added",
                name=SCENARIO_ADDED.label(lang),
                popups=True,
                doc=layer_document(SCENARIO_ADDED, added, lang=lang, datum=datum),
            )
        )
    legend = legend_entries([get_spec(lid) for lid in ("district", "zones", "subparks")], lang=lang)
    legend += [[name, {**SCENARIO_ADDED.style_for(f"s{i}"), "kind": "polygon"}] for i, name in enumerate(names)]
    return map_spec(
        MapSpec(
            lang=lang,
            layers=refs,
            credits=data_credits(ds, refs, lang=lang),
            basemap=basemap,
            fit=bounds_of(ds.park.district, datum=datum),
            legend_title=t("legend", lang),
            legend=legend,
            height=480,
            map_key="compare",
        )
    )


@dataclass(frozen=True)
class SuggestionResult:
    """The exact suggestion and the greedy baseline it is compared with (which ignores zone minimums)."""

    exact: Suggestion
    greedy: Suggestion
    budget_km2: float
    objective: str
    zone_min_km2: Mapping[str, float]


def run_suggestion(
    ds: DataSet,
    ev: Evaluation,
    scores: Scores,
    *,
    budget_km2: float,
    objective: str,
    zone_min_km2: Mapping[str, float],
    tolerance_m: float = 50.0,
) -> SuggestionResult:
    """The best contiguous parcel set within the budget (exact MILP) and the greedy baseline."""
    eligible = ev.parcels[ev.rules["passes"].reindex(ev.parcels.index).to_numpy(dtype=bool)]
    s = scores.table["score"]
    exact = suggest(
        eligible,
        s,
        ds.park,
        budget_km2=budget_km2,
        zone_min_km2=zone_min_km2,
        objective=objective,
        tolerance_m=tolerance_m,
    )
    greedy = greedy_suggest(eligible, s, ds.park, budget_km2=budget_km2, objective=objective, tolerance_m=tolerance_m)
    return SuggestionResult(exact, greedy, budget_km2, objective, dict(zone_min_km2))


# --- the workspace (scenario versions) ------------------------------------------------------------------------
def history_rows(versions: Sequence, *, lang: str) -> pd.DataFrame:
    """A scenario's saved versions for display: version, saved (Beijing time), who, what changed, how."""
    from text.clock import beijing_time
    from text.display import person

    return pd.DataFrame(
        {
            t("hist_version", lang): [v.version for v in versions],
            t("hist_saved", lang): [beijing_time(v.saved_at, seconds=False) for v in versions],
            t("hist_author", lang): [person(v.author, lang) for v in versions],
            t("hist_changes", lang): [v.changes.text(lang) for v in versions],
            t("hist_kind", lang): [t(f"hist_kind_{v.kind}", lang) for v in versions],
        }
    )


def blank_scenario(*, name: str, author: str) -> Scenario:
    """A new, empty scenario (what the scenario and export pages work on before one is opened)."""
    return Scenario(name=name, author=author)


def accept_suggestion(
    history: History, result: SuggestionResult, *, name: str, author: str, weights: Mapping[str, float]
) -> History:
    """``history`` restarted on a new scenario of the suggested parcels, scored with ``weights``."""
    return history.reset(Scenario(name=name, author=author, parcels=result.exact.parcels, weights=dict(weights)))


def add_drawn_shape(history: History, *, name: str, geometry: Mapping) -> History:
    """:func:`add_drawn` of a shape drawn on the map (``geometry`` a GeoJSON geometry in WGS84)."""
    return add_drawn(history, name=name, geometry_wgs84=shapely.geometry.shape(geometry))
