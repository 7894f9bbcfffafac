"""Land performance (亩均效益) as the page's task: the statistics table (an upload, else the bundled fictional
demonstration), the scheme (the office's, stored in the workspace, else the example), the classes with their
stability, the map by class, a parcel's card with its formula, the table and its XLSX."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import geopandas as gpd
import pandas as pd

from gis.errors import PerformanceError
from gis.performance import (
    AREA_MISMATCH_SHARE,
    EXAMPLE_SCHEME,
    INDICATORS,
    Performance,
    Scheme,
    class_stability,
    classify,
    normalise_stats,
)
from layers.registry import PERFORMANCE_PARCELS, get_spec
from layers.webmap import MapJson, MapSpec, bounds_of, layer_document, layer_ref, legend_entries, map_spec
from planner.auth import User
from planner.data import DataSet, data_dir
from planner.maps import context_legend, context_refs, data_credits, park_refs
from planner.workspace import change_setting
from store import Workspace
from text.messages import t

#: The bundled statistics table: fictional, over the demonstration candidate parcels (labelled as such).
DEMO_STATS_FILE = "performance/stats_demo.csv"
#: The workspace setting holding the office's scheme (weights, benchmarks, cap, thresholds).
SCHEME_SETTING = "performance_scheme"
#: The four indicators, in the order of the scheme, the card and the table.
INDICATOR_KEYS: tuple[str, ...] = tuple(INDICATORS)
#: The classes, best first, and the category of a parcel without statistics.
CLASSES: tuple[str, ...] = ("A", "B", "C", "D")
NO_DATA = "none"
#: How far each weight moves (± share) and how many weight sets are drawn for the class stability.
STABILITY_SPREAD = 0.2
STABILITY_DRAWS = 500
#: Context layers under the map.
MAP_CONTEXT = ("district", "stations")


# --- the statistics table ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Stats:
    """A statistics table normalised (:func:`gis.performance.normalise_stats`), whether it is the fictional
    demonstration, and the file name it came from ("" for the demonstration)."""

    table: pd.DataFrame
    demo: bool
    name: str = ""

    @property
    def years(self) -> tuple[int, ...]:
        """The years present, latest first."""
        return tuple(sorted({int(y) for y in self.table["year"]}, reverse=True))


def demo_stats() -> Stats | None:
    """The data folder's fictional demonstration table, normalised, or None when the folder has none (official
    data folders do not ship one). Read as an upload is, once per file version."""
    path = data_dir() / DEMO_STATS_FILE
    try:
        stat = path.stat()
    except OSError:
        return None
    return Stats(table=_read_demo(str(path), stat.st_size, stat.st_mtime_ns), demo=True)


@lru_cache(maxsize=2)
def _read_demo(path: str, size: int, mtime_ns: int) -> pd.DataFrame:
    from pathlib import Path

    return _normalised(Path(path).name, Path(path).read_bytes())


def read_stats_upload(filename: str, data: bytes) -> Stats:
    """The bureau's statistics table (CSV/XLSX) read as every upload is (in a worker, with limits), normalised.

    Raises
    ------
    ImportRefusedError, LimitExceededError
        The file cannot be read as a table.
    PerformanceError
        No parcel key, year, tax or output column, or a value that is not a non-negative number.
    """
    return Stats(table=_normalised(filename, data), demo=False, name=filename[:80])


def _normalised(filename: str, data: bytes) -> pd.DataFrame:
    from ingest.tables import read_table_isolated

    return normalise_stats(read_table_isolated(filename, data))


# --- the scheme --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StartingScheme:
    """The scheme a session starts from and where it comes from: ``office`` (stored in the workspace),
    ``example`` (none stored) or ``damaged`` (the stored one fails the scheme's checks: the example is used and
    ``problem`` says why)."""

    scheme: Scheme
    source: str
    problem: PerformanceError | None = None


def make_scheme(
    *,
    weights: Mapping[str, float],
    benchmarks: Mapping[str, float],
    cap: float,
    thresholds: tuple[float, float, float],
    name: str = "edited",
) -> Scheme:
    """A scheme from the page's numbers, checked by :class:`gis.performance.Scheme` itself.

    Raises
    ------
    PerformanceError
        Weights negative or not adding up to 1, a benchmark or the cap not above 0, thresholds not falling A→C.
    """
    return Scheme(
        name=name,
        weights={k: float(weights[k]) for k in INDICATOR_KEYS},
        benchmarks={k: float(benchmarks[k]) for k in INDICATOR_KEYS},
        cap=float(cap),
        thresholds=(float(thresholds[0]), float(thresholds[1]), float(thresholds[2])),
    )


def example_scheme() -> Scheme:
    """The example scheme (modelled on published county evaluations; not Putuo's policy)."""
    return EXAMPLE_SCHEME


def scheme_value(scheme: Scheme) -> dict[str, Any]:
    """The scheme as the workspace stores it (JSON): weights, benchmarks, cap, thresholds."""
    return {
        "weights": {k: float(scheme.weights[k]) for k in INDICATOR_KEYS},
        "benchmarks": {k: float(scheme.benchmarks[k]) for k in INDICATOR_KEYS},
        "cap": float(scheme.cap),
        "thresholds": [float(v) for v in scheme.thresholds],
    }


def scheme_from_value(value: Any, *, name: str = "office") -> Scheme:
    """A stored scheme read back and checked.

    Raises
    ------
    PerformanceError
        The value is not a scheme (a key or a number missing) or fails the scheme's checks.
    """
    try:
        a, b, c = value["thresholds"]
        return make_scheme(
            weights=value["weights"], benchmarks=value["benchmarks"], cap=value["cap"], thresholds=(a, b, c), name=name
        )
    except PerformanceError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise PerformanceError("perf_scheme_keys", keys=", ".join(INDICATOR_KEYS)) from exc


def starting_scheme(ws: Workspace) -> StartingScheme:
    """The office's scheme stored in the workspace, else the example."""
    stored = ws.settings.get(SCHEME_SETTING)
    if stored is None:
        return StartingScheme(EXAMPLE_SCHEME, "example")
    try:
        return StartingScheme(scheme_from_value(stored), "office")
    except PerformanceError as exc:
        return StartingScheme(EXAMPLE_SCHEME, "damaged", exc)


def same_scheme(a: Scheme, b: Scheme) -> bool:
    """Whether two schemes score alike (their names aside)."""
    return scheme_value(a) == scheme_value(b)


def save_scheme(ws: Workspace, user: User, scheme: Scheme) -> None:
    """Store ``scheme`` as the office's (admins; audited with its value before and after).

    Raises
    ------
    PermissionDeniedError
        The user is not an admin.
    """
    change_setting(ws, user, SCHEME_SETTING, scheme_value(scheme))


# --- the evaluation ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PerformanceRun:
    """The classes of one year under one scheme, each class's stability (share 0–1 of the weight draws keeping
    it), the parcels layer evaluated (EPSG:4326) and whether the statistics are the fictional demonstration."""

    performance: Performance
    stability: pd.Series
    parcels: gpd.GeoDataFrame
    demo: bool

    @property
    def table(self) -> pd.DataFrame:
        """:attr:`gis.performance.Performance.table` (index: parcel id)."""
        return self.performance.table

    @property
    def scheme(self) -> Scheme:
        return self.performance.scheme

    @property
    def year(self) -> int:
        return self.performance.year

    def class_of(self, parcel_id: str) -> str:
        """A, B, C, D, or ``none`` for a parcel without statistics in the year."""
        return str(self.table.at[parcel_id, "class"]) if parcel_id in self.table.index else NO_DATA

    def counts(self) -> dict[str, int]:
        """How many parcels are in each class."""
        found = self.table["class"].astype(str).value_counts()
        return {c: int(found.get(c, 0)) for c in CLASSES}


def evaluate(stats: Stats, parcels: gpd.GeoDataFrame, *, scheme: Scheme, year: int | None = None) -> PerformanceRun:
    """Indicators, score, class and class stability of every parcel with statistics in ``year`` (default the
    latest); ``parcels`` is the candidate parcels layer with an ``id`` column (areas measured in EPSG:4549)."""
    performance = classify(stats.table, parcels, scheme=scheme, year=year)
    stability = class_stability(performance, spread=STABILITY_SPREAD, draws=STABILITY_DRAWS)
    return PerformanceRun(
        performance=performance, stability=stability, parcels=parcels.to_crs("EPSG:4326"), demo=stats.demo
    )


# --- words and numbers -------------------------------------------------------------------------------------
def indicator_name(key: str, lang: str) -> str:
    """亩均税收 … in ``lang``."""
    return t(f"perf_ind_{key}", lang)


def indicator_unit(key: str, lang: str) -> str:
    """万元/亩 … in ``lang``."""
    return t(f"perf_unit_{key}", lang)


def indicator_label(key: str, lang: str) -> str:
    """ "亩均税收（万元/亩）" — the name with its unit."""
    return t("perf_with_unit", lang, name=indicator_name(key, lang), unit=indicator_unit(key, lang))


def _num(value: float) -> str:
    """An indicator as the formula shows it: 1 decimal from 10 up, else 2."""
    return f"{value:.1f}" if round(abs(value), 2) >= 10 else f"{value:.2f}"


def formula_text(row: Mapping[str, Any] | pd.Series, scheme: Scheme, *, lang: str) -> str:
    """The score with the parcel's own numbers: "得分 = 100 × (0.4×min(52.0/30,1.5) + …) = 83.1" (an indicator
    without data is shown as 0)."""
    terms = []
    for k in INDICATOR_KEYS:
        w, value = scheme.weights[k], row[k]
        if value is None or pd.isna(value):
            terms.append(f"{w:g}×0")
        else:
            terms.append(f"{w:g}×min({_num(float(value))}/{scheme.benchmarks[k]:g},{scheme.cap:g})")
    return t("perf_card_formula", lang, terms=" + ".join(terms), score=f"{float(row['score']):.1f}")


def general_formula(scheme: Scheme, *, lang: str) -> str:
    """The formula in words with the scheme's class thresholds."""
    a, b, c = scheme.thresholds
    return t("perf_page_formula_general", lang, a=f"{a:g}", b=f"{b:g}", c=f"{c:g}")


def _names(parcels: gpd.GeoDataFrame, lang: str) -> pd.Series:
    column = next((c for c in (f"name_{lang}", "name", "name_zh") if c in parcels.columns), None)
    ids = parcels["id"].astype(str)
    if column is None:
        return pd.Series(ids.to_numpy(), index=ids.to_numpy())
    names = parcels[column].where(parcels[column].notna(), ids).astype(str)
    return pd.Series(names.to_numpy(), index=ids.to_numpy())


def parcel_ids(run: PerformanceRun) -> list[str]:
    """Every parcel of the layer, in its order (those without statistics too)."""
    return [str(v) for v in run.parcels["id"]]


# --- the card ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PerformanceCard:
    """One parcel's card: indicators (label with unit, value as shown), score, class, the formula with its
    numbers, areas stated and measured (亩) and whether they differ too much, and the class stability."""

    parcel_id: str
    name: str
    year: int
    has_data: bool
    klass: str = NO_DATA
    score: float | None = None
    indicators: tuple[tuple[str, str], ...] = ()
    formula: str = ""
    missing: tuple[str, ...] = ()
    area_stated_mu: float | None = None
    area_measured_mu: float | None = None
    mismatch: bool = False
    stability: float | None = None


def parcel_card(run: PerformanceRun, parcel_id: str, *, lang: str) -> PerformanceCard:
    """The card of ``parcel_id`` (a parcel without statistics has ``has_data`` False)."""
    name = str(_names(run.parcels, lang).get(parcel_id, parcel_id))
    if parcel_id not in run.table.index:
        return PerformanceCard(parcel_id=parcel_id, name=name, year=run.year, has_data=False)
    row = run.table.loc[parcel_id]
    stated = row["area_mu_stated"]
    return PerformanceCard(
        parcel_id=parcel_id,
        name=name,
        year=run.year,
        has_data=True,
        klass=str(row["class"]),
        score=float(row["score"]),
        indicators=tuple(
            (indicator_label(k, lang), "—" if pd.isna(row[k]) else f"{float(row[k]):,.2f}") for k in INDICATOR_KEYS
        ),
        formula=formula_text(row, run.scheme, lang=lang),
        missing=tuple(indicator_name(k, lang) for k in INDICATOR_KEYS if pd.isna(row[k])),
        area_stated_mu=None if pd.isna(stated) else float(stated),
        area_measured_mu=float(row["area_mu_measured"]),
        mismatch=bool(row["area_mismatch"]),
        stability=float(run.stability.get(parcel_id, math.nan)),
    )


def area_text(card: PerformanceCard, *, lang: str) -> str:
    """The stated and measured areas in words."""
    measured = f"{card.area_measured_mu or 0.0:,.2f}"
    if card.area_stated_mu is None:
        return t("perf_card_area_measured", lang, measured=measured)
    return t("perf_card_area", lang, stated=f"{card.area_stated_mu:,.2f}", measured=measured)


def mismatch_text(card: PerformanceCard, *, lang: str) -> str:
    """How far the stated area is from the measured one, when that is more than the tolerance ("" otherwise)."""
    if not card.mismatch or card.area_stated_mu is None or not card.area_measured_mu:
        return ""
    share = abs(card.area_stated_mu - card.area_measured_mu) / card.area_measured_mu
    return t("perf_card_mismatch", lang, share=f"{share:.0%}", limit=f"{AREA_MISMATCH_SHARE:.0%}")


def stability_text(card: PerformanceCard, *, lang: str) -> str:
    """What the stability share means, in words."""
    return t(
        "perf_card_stability_note",
        lang,
        spread=f"{STABILITY_SPREAD:.0%}",
        draws=STABILITY_DRAWS,
        share=f"{card.stability or 0.0:.0%}",
    )


# --- the table and its XLSX --------------------------------------------------------------------------------
def performance_table(run: PerformanceRun, *, lang: str) -> pd.DataFrame:
    """One row per parcel with statistics, best score first: parcel, name, year, class, score, the four
    indicators, areas used, stated and measured (亩), whether they differ too much, the class stability (%),
    and the sums of tax, output, energy and workers. Numbers stay numbers (rounded as shown)."""
    table = run.table.sort_values("score", ascending=False)
    names = _names(run.parcels, lang)

    def rounded(column: str, digits: int) -> list[float | None]:
        return [None if pd.isna(v) else round(float(v), digits) for v in table[column]]

    out: dict[str, list[Any]] = {
        t("perf_col_parcel", lang): [str(i) for i in table.index],
        t("f_name", lang): [str(names.get(str(i), i)) for i in table.index],
        t("perf_col_year", lang): [int(v) for v in table["year"]],
        t("perf_col_class", lang): [str(v) for v in table["class"]],
        t("perf_col_score", lang): rounded("score", 1),
    }
    for k in INDICATOR_KEYS:
        out[indicator_label(k, lang)] = rounded(k, 2)
    out[t("perf_col_area_used", lang)] = rounded("area_mu", 2)
    out[t("perf_col_area_stated", lang)] = rounded("area_mu_stated", 2)
    out[t("perf_col_area_measured", lang)] = rounded("area_mu_measured", 2)
    out[t("perf_col_mismatch", lang, limit=f"{AREA_MISMATCH_SHARE:.0%}")] = [bool(v) for v in table["area_mismatch"]]
    out[t("perf_col_stability", lang)] = [round(float(run.stability[i]) * 100.0, 1) for i in table.index]
    for column, key in (("tax", "perf_col_tax"), ("output", "perf_col_output"), ("energy", "perf_col_energy")):
        out[t(key, lang)] = rounded(column, 1)
    out[t("perf_col_workers", lang)] = rounded("workers", 0)
    return pd.DataFrame(out)


def table_xlsx(run: PerformanceRun, *, lang: str) -> bytes:
    """:func:`performance_table` as an Excel workbook: numbers typed, text never a formula
    (:func:`export.formats.xlsx_bytes`); the sheet says when the statistics are the fictional demonstration."""
    from export.formats import xlsx_bytes

    sheet = t("perf_page_sheet_demo" if run.demo else "perf_page_sheet", lang)
    return xlsx_bytes(performance_table(run, lang=lang), sheet=sheet)


def xlsx_name(run: PerformanceRun) -> str:
    """The download's file name (``_demo`` for the fictional demonstration)."""
    return f"putuo_land_performance_{run.year}{'_demo' if run.demo else ''}.xlsx"


# --- the map -----------------------------------------------------------------------------------------------
def performance_frame(run: PerformanceRun, *, lang: str) -> gpd.GeoDataFrame:
    """Every parcel of the layer with the columns its map layer shows: id, name, class (``none`` without
    statistics), class as shown, score and tax per mu as text."""
    ids = parcel_ids(run)
    names = _names(run.parcels, lang)
    table = run.table
    classes = [run.class_of(i) for i in ids]

    def shown(i: str, column: str, fmt: str) -> str | None:
        return format(float(table.at[i, column]), fmt) if i in table.index and pd.notna(table.at[i, column]) else None

    return gpd.GeoDataFrame(
        {
            "id": ids,
            "name": [str(names.get(i, i)) for i in ids],
            "perf_class": classes,
            "class_text": [t(f"perf_legend_{c.lower()}", lang) for c in classes],
            "score": [shown(i, "score", ".1f") for i in ids],
            "tax_per_mu": [shown(i, "tax_per_mu", ",.2f") for i in ids],
        },
        geometry=run.parcels.geometry.to_numpy(),
        crs=run.parcels.crs,
    )


def class_ranges(scheme: Scheme, *, lang: str) -> dict[str, str]:
    """Each class's score range in words: A "≥ 100 分", B "70–100 分" …"""
    a, b, c = (f"{v:g}" for v in scheme.thresholds)
    return {
        "A": t("perf_range_top", lang, low=a),
        "B": t("perf_range_mid", lang, low=b, high=a),
        "C": t("perf_range_mid", lang, low=c, high=b),
        "D": t("perf_range_low", lang, high=c),
    }


def performance_legend(run: PerformanceRun, *, lang: str) -> list[list]:
    """Legend entries of the classes (with their score ranges), and "no statistics" when a parcel has none."""
    ranges = class_ranges(run.scheme, lang=lang)
    drawn = {run.class_of(i) for i in parcel_ids(run)}
    entries = []
    for cat in PERFORMANCE_PARCELS.categories:
        if cat.value != NO_DATA:
            label = t("perf_legend_range", lang, label=t(cat.label_key, lang), range=ranges[cat.value])
        elif NO_DATA in drawn:
            label = t(cat.label_key, lang)
        else:
            continue
        entries.append([label, {**PERFORMANCE_PARCELS.style_for(cat.value), "kind": "polygon"}])
    return entries


def performance_map(
    ds: DataSet,
    run: PerformanceRun,
    *,
    lang: str,
    basemap: dict,
    datum: str = "wgs84",
    selected: str | None = None,
    height: int = 560,
) -> MapJson:
    """The 亩均效益 map: context, the parcels coloured by class A–D (grey without statistics), the selected one
    outlined; a click on a parcel names it to the page."""
    frame = performance_frame(run, lang=lang)
    refs = context_refs(ds, lang=lang, datum=datum) + park_refs(
        ds, MAP_CONTEXT, lang=lang, datum=datum, interactive=("stations",), labels=("stations",)
    )
    doc = layer_document(PERFORMANCE_PARCELS, frame, lang=lang, datum=datum)
    refs.append(layer_ref(PERFORMANCE_PARCELS.id, name=PERFORMANCE_PARCELS.label(lang), doc=doc, popups=False))
    legend = context_legend(ds, lang=lang) + legend_entries([get_spec(lid) for lid in MAP_CONTEXT], lang=lang)
    legend += performance_legend(run, lang=lang)
    return map_spec(
        MapSpec(
            lang=lang,
            layers=refs,
            credits=data_credits(ds, refs, lang=lang),
            basemap=basemap,
            fit=bounds_of(frame, datum=datum),
            legend_title=t("legend", lang),
            legend=legend,
            selected={"layer": PERFORMANCE_PARCELS.id, "id": selected} if selected else None,
            height=height,
            map_key="performance",
        )
    )


# --- the weakest land as candidates for renewal ---------------------------------------------------------------
#: The class whose parcels are offered as renewal candidates (低效用地) to the parcel and scenario tools.
RENEWAL_CLASS = "D"


def renewal_candidates(run: PerformanceRun | None, *, among: Iterable[str] | None = None) -> tuple[str, ...]:
    """The parcels of class D (lowest score first), optionally only those ``among`` some ids (e.g. the parcels
    the scenario tool can add); () without an evaluation."""
    if run is None or run.table.empty:
        return ()
    weak = run.table[run.table["class"].astype(str) == RENEWAL_CLASS].sort_values("score")
    ids = [str(i) for i in weak.index]
    if among is not None:
        allowed = {str(i) for i in among}
        ids = [i for i in ids if i in allowed]
    return tuple(ids)


def performance_line(run: PerformanceRun | None, parcel_id: str, *, lang: str) -> str | None:
    """One sentence for a parcel's card: its 亩均效益 class and score in the year evaluated, and whether it is a
    renewal candidate; None when it has no statistics."""
    if run is None or parcel_id not in run.table.index:
        return None
    row = run.table.loc[parcel_id]
    key = "perf_card_line_renewal" if str(row["class"]) == RENEWAL_CLASS else "perf_card_line"
    source = t("perf_card_line_demo" if run.demo else "perf_card_line_own", lang)
    return t(key, lang, cls=str(row["class"]), score=f"{float(row['score']):.1f}", year=run.year, source=source)
