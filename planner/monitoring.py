"""Plan monitoring and land performance as tasks: tables in, statuses and classes out — one code path for the
coming pages and `python -m gis monitor` / `python -m gis performance`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from gis.errors import MonitoringError
from gis.indicators import PLAN_NAMES, table1
from gis.monitoring import (
    BASE_YEAR,
    TARGET_YEAR,
    IndicatorStatus,
    SpatialIndicators,
    normalise_actuals,
    performance_by_subpark,
    plan_status,
    spatial_indicators,
)
from gis.performance import EXAMPLE_SCHEME, Performance, Scheme, classify, normalise_stats
from planner.auth import User
from planner.data import DataSet, data_dir
from planner.performance import PerformanceRun
from planner.workspace import Workspace, require
from text.clock import beijing_time
from text.display import name_col
from text.messages import t


def indicator_statuses(actuals: pd.DataFrame, *, lang: str = "zh") -> list[IndicatorStatus]:
    """Every Table 1 indicator's standing from the office's actuals table (指标, 年份, 数值)."""
    return plan_status(normalise_actuals(actuals), lang=lang)


def monitor_json(statuses: list[IndicatorStatus]) -> dict[str, Any]:
    """The statuses as ``python -m gis monitor --json`` prints them."""
    return {
        "indicators": [
            {
                "name": s.name,
                "target_2025": s.target_2025,
                "value": s.value,
                "latest_year": s.latest_year,
                "achievement_pct": None if s.achievement_pct is None else round(s.achievement_pct, 1),
                "status": s.status,
            }
            for s in statuses
        ]
    }


def land_performance(
    stats: pd.DataFrame, parcels: gpd.GeoDataFrame, *, scheme: Scheme = EXAMPLE_SCHEME, year: int | None = None
) -> Performance:
    """Indicators, scores and classes of the parcels from the bureau's statistics table."""
    return classify(normalise_stats(stats), parcels, scheme=scheme, year=year)


def performance_json(performance: Performance) -> dict[str, Any]:
    """The classes as ``python -m gis performance --json`` prints them."""

    def num(value: Any, digits: int) -> float | None:
        return None if pd.isna(value) else round(float(value), digits)

    table = performance.table
    return {
        "year": performance.year,
        "scheme": performance.scheme.name,
        "unmatched": list(performance.unmatched),
        "parcels": [
            {
                "id": str(pid),
                "area_mu": num(row["area_mu"], 2),
                "tax_per_mu": num(row["tax_per_mu"], 2),
                "output_per_mu": num(row["output_per_mu"], 2),
                "score": num(row["score"], 1),
                "class": str(row["class"]),
            }
            for pid, row in table.iterrows()
        ],
    }


# --- the office's actuals and 15th-plan targets, kept in the workspace ---------------------------------------
#: Workspace settings holding the yearly actuals ([[key, year, value], …]) and the 2030 targets ({key: {value, note}}).
ACTUALS_SETTING = "monitoring_actuals"
TARGETS_SETTING = "plan_targets_2030"
#: The fictional demonstration actuals, shown until the office saves its own.
DEMO_ACTUALS_FILE = "monitoring/actuals_demo.csv"
#: Years the table editor offers (the plan's baseline to the first year of the 15th plan).
EDIT_YEARS = tuple(range(BASE_YEAR, TARGET_YEAR + 2))
TARGET_YEAR_2030 = 2030


@dataclass(frozen=True)
class Actuals:
    """The yearly actuals in use (``key, year, value``), where they come from (``workspace``, ``demo`` or
    ``none``) and who saved them when (Beijing time)."""

    table: pd.DataFrame
    source: str
    saved_by: str = ""
    saved_at: str = ""


def current_actuals(ws: Workspace) -> Actuals:
    """The actuals the office saved in the workspace, else the bundled fictional demonstration table."""
    stored = ws.settings.get(ACTUALS_SETTING)
    if stored:
        table = pd.DataFrame(stored, columns=["key", "year", "value"]).astype({"year": int, "value": float})
        at, by = ws.settings.stamp(ACTUALS_SETTING) or ("", "")
        return Actuals(table, "workspace", saved_by=by, saved_at=beijing_time(at, seconds=False))
    path = data_dir() / DEMO_ACTUALS_FILE
    if path.is_file():
        return Actuals(normalise_actuals(pd.read_csv(path, dtype=str, encoding="utf-8")), "demo")
    return Actuals(pd.DataFrame({"key": [], "year": [], "value": []}), "none")


def indicator_statuses_of(actuals: Actuals, *, lang: str) -> list[IndicatorStatus]:
    """Every Table 1 indicator's standing from the actuals in use."""
    return plan_status(actuals.table, lang=lang)


def save_actuals(ws: Workspace, user: User, table: pd.DataFrame) -> None:
    """Keep these actuals (``key, year, value``) as the office's (editors; audited with before and after: every
    change is a new version in the audit trail)."""
    require(user, "save")
    rows = sorted((str(k), int(y), float(v)) for k, y, v in table[["key", "year", "value"]].itertuples(index=False))
    ws.settings.set(ACTUALS_SETTING, [list(r) for r in rows], actor=user.name)


def import_actuals(filename: str, data: bytes) -> pd.DataFrame:
    """An uploaded actuals table (指标, 年份, 数值), read as every upload is (in a worker, with limits), as
    ``key, year, value``.

    Raises
    ------
    ImportRefusedError, LimitExceededError, MonitoringError
    """
    from ingest.tables import read_table_isolated

    return normalise_actuals(read_table_isolated(filename, data))


def merge_actuals(current: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """``current`` with the rows of ``new`` added or replacing the same indicator and year."""
    both = pd.concat([current, new], ignore_index=True)
    return both.drop_duplicates(["key", "year"], keep="last").sort_values(["key", "year"]).reset_index(drop=True)


def editor_table(actuals: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """The actuals as the page's table editor shows them: one row per Table 1 indicator (its name and unit), one
    text column per year (:data:`EDIT_YEARS`, headed ``"2019"`` …), "" where nothing was reported."""
    plan = table1()
    wide = actuals.pivot_table(index="key", columns="year", values="value", aggfunc="last")
    out = pd.DataFrame(
        {
            t("ind_indicator", lang): [PLAN_NAMES[k] if lang == "zh" else plan.at[k, "name_en"] for k in plan.index],
            t("ind_unit", lang): plan["unit_en" if lang == "en" else "unit_zh"].to_numpy(),
        },
        index=plan.index,
    )
    for year in EDIT_YEARS:
        column = wide[year] if year in wide.columns else pd.Series(dtype=float)
        out[str(year)] = [_cell(v) for v in column.reindex(plan.index)]
    return out


def _cell(value: float) -> str:
    """A figure as the editor shows it: text, "" for none (a number column would show an English "None")."""
    return "" if pd.isna(value) else f"{value:,.4f}".rstrip("0").rstrip(".").replace(",", "")


def from_editor(edited: pd.DataFrame) -> pd.DataFrame:
    """The table editor's rows (indexed by indicator key, one column per year) as ``key, year, value``.

    Raises
    ------
    MonitoringError
        A value that is negative or not a finite number.
    """
    rows = []
    for key, row in edited.iterrows():
        for year in EDIT_YEARS:
            value = row.get(str(year))
            if value is None or pd.isna(value) or not str(value).strip():
                continue
            value = str(value).strip().replace(",", "")
            number = pd.to_numeric(value, errors="coerce")
            if pd.isna(number) or number < 0 or number == float("inf"):
                raise MonitoringError(
                    "mon_bad_cell", indicator=PLAN_NAMES.get(str(key), str(key)), year=year, value=str(value)[:20]
                )
            rows.append((str(key), int(year), float(number)))
    return pd.DataFrame(rows, columns=["key", "year", "value"]).astype({"year": int, "value": float})


def status_table(statuses: list[IndicatorStatus], *, lang: str) -> pd.DataFrame:
    """The standing of each indicator for display: 2019, 2025 target, value, latest year, achievement, status."""

    def num(v: float | None) -> str:
        return "–" if v is None else f"{v:,.2f}".rstrip("0").rstrip(".")

    return pd.DataFrame(
        {
            t("ind_indicator", lang): [s.name for s in statuses],
            t("ind_2019", lang): [num(s.baseline_2019) for s in statuses],
            t("ind_2025", lang): [num(s.target_2025) for s in statuses],
            t("mon_col_value", lang): [num(s.value) for s in statuses],
            t("mon_col_year", lang): ["–" if s.latest_year is None else str(s.latest_year) for s in statuses],
            t("mon_col_achievement", lang): [
                "–" if s.achievement_pct is None else f"{s.achievement_pct:.1f}%" for s in statuses
            ],
            t("mon_col_status", lang): [t(f"mon_status_{s.status}", lang) for s in statuses],
        }
    )


def chart_table(actuals: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """The reported years of the indicators with a 2019 baseline as an index (2019 = 100), and each one's 2025
    target on the same scale: columns ``indicator``, ``year``, ``index``, ``kind`` (``actual`` or ``target``)."""
    plan = table1().dropna(subset=["y2019"])
    rows = []
    for key, row in plan.iterrows():
        name = row[name_col(lang)]
        own = actuals[actuals["key"] == key].sort_values("year")
        rows.append((name, BASE_YEAR, 100.0, "actual"))
        rows += [
            (name, int(y), v / row["y2019"] * 100.0, "actual")
            for y, v in zip(own["year"], own["value"])
            if y > BASE_YEAR
        ]
        rows += [(name, BASE_YEAR, 100.0, "target"), (name, TARGET_YEAR, row["y2025"] / row["y2019"] * 100.0, "target")]
    out = pd.DataFrame(rows, columns=["indicator", "year", "index", "kind"])
    out["kind"] = out["kind"].map({"actual": t("mon_kind_actual", lang), "target": t("mon_kind_target", lang)})
    return out.round({"index": 1})


def targets_2030(ws: Workspace) -> dict[str, dict[str, Any]]:
    """The office's 2030 (15th-plan) targets: indicator key -> ``{"value": float | None, "note": str}``."""
    stored = ws.settings.get(TARGETS_SETTING) or {}
    return {
        str(k): {"value": stored.get(k, {}).get("value"), "note": str(stored.get(k, {}).get("note") or "")}
        for k in table1().index
    }


def save_targets(ws: Workspace, user: User, targets: dict[str, dict[str, Any]]) -> None:
    """Keep the 2030 targets (editors; audited). Values must be non-negative numbers or empty; notes ≤ 200 chars.

    Raises
    ------
    MonitoringError
        A target that is not a non-negative number.
    """
    require(user, "save")
    clean: dict[str, dict[str, Any]] = {}
    for key in table1().index:
        entry = targets.get(str(key), {})
        value = entry.get("value")
        if value is not None and not pd.isna(value):
            number = pd.to_numeric(value, errors="coerce")
            if pd.isna(number) or number < 0:
                raise MonitoringError("mon_bad_target", indicator=PLAN_NAMES[str(key)], value=str(value)[:20])
            value = float(number)
        else:
            value = None
        note = str(entry.get("note") or "").strip()[:200]
        if value is not None or note:
            clean[str(key)] = {"value": value, "note": note}
    ws.settings.set(TARGETS_SETTING, clean, actor=user.name)


def trajectory_table(statuses: list[IndicatorStatus], targets: dict[str, dict[str, Any]], *, lang: str) -> pd.DataFrame:
    """From the 2025 value to the 2030 target: the growth it needs each year (compound, %), per indicator."""
    rows = []
    for s in statuses:
        target = targets.get(s.key, {}).get("value")
        start = s.value if s.latest_year == TARGET_YEAR else None
        growth = "–"
        if target is not None and start:
            growth = f"{((target / start) ** (1 / (TARGET_YEAR_2030 - TARGET_YEAR)) - 1):+.1%}"
        rows.append(
            {
                t("ind_indicator", lang): s.name,
                t("mon_col_2025_value", lang): "–" if start is None else f"{start:,.2f}".rstrip("0").rstrip("."),
                t("mon_col_2030_target", lang): "–" if target is None else f"{target:,.2f}".rstrip("0").rstrip("."),
                t("mon_col_growth", lang): growth,
                t("mon_col_note", lang): targets.get(s.key, {}).get("note", ""),
            }
        )
    return pd.DataFrame(rows)


def spatial(ds: DataSet, regulatory: gpd.GeoDataFrame | None) -> SpatialIndicators:
    """The spatial indicators of this data set (and 控规 layer), computed once per data set and layer."""
    from planner.review import land_use_codes, layer_digest

    key = f"spatial_indicators:{layer_digest(regulatory) if regulatory is not None else 'none'}"
    return ds.keep(key, lambda: spatial_indicators(ds.park, regulatory=regulatory, codes=land_use_codes()))


def spatial_table(si: SpatialIndicators, *, lang: str) -> pd.DataFrame:
    """The spatial indicators as rows (indicator, value) for display and the report."""
    rows = [(t("mon_sp_park", lang), f"{si.park_km2:.2f} km²")]
    rows += [(t(f"cluster_{c}", lang), f"{a:.2f} km²") for c, a in si.clusters_km2.items()]
    rows += [(t("mon_sp_zone", lang, zone=t(f"zone_{z}", lang)), f"{a:.2f} km²") for z, a in si.zones_km2.items()]
    rows.append((t("mon_sp_metro", lang, radius=f"{si.metro_radius_m:.0f}"), f"{si.metro_share:.1%}"))
    if si.capacity_m2 is not None:
        rows.append((t("mon_sp_capacity", lang), f"{si.capacity_m2 / 10_000:,.1f} {t('unit_10k_m2', lang)}"))
        rows += [
            (f"{t('mon_sp_capacity', lang)} · {t(f'cluster_{c}', lang)}", f"{v / 10_000:,.1f} {t('unit_10k_m2', lang)}")
            for c, v in si.capacity_by_cluster_m2.items()
        ]
    return pd.DataFrame(rows, columns=[t("ind_indicator", lang), t("mon_col_value", lang)])


def performance_summary(ds: DataSet, run: PerformanceRun | None, *, lang: str) -> pd.DataFrame | None:
    """Land performance per sub-park (classified parcels, A–D counts, area, tax per mu) of a 亩均效益 evaluation
    (:func:`planner.performance.evaluate`); None without one."""
    if run is None or run.table.empty:
        return None
    table = performance_by_subpark(run.table, ds.park.parcels, ds.park.subparks)
    names = ds.park.subparks.set_index(ds.park.subparks["id"].astype(str))[name_col(lang)]
    return pd.DataFrame(
        {
            t("f_subpark", lang): [f"{names.get(i, i)}" for i in table.index],
            t("perf_sum_parcels", lang): table["parcels"].to_numpy(),
            **{t("perf_sum_class", lang, cls=c): table[c].to_numpy() for c in ("A", "B", "C", "D")},
            t("perf_sum_area", lang): [f"{v:,.1f}" for v in table["area_mu"]],
            t("perf_sum_tax", lang): [f"{v:,.1f}" for v in table["tax_per_mu"]],
        }
    )


def final_evaluation_pdf(
    ds: DataSet,
    actuals: Actuals,
    targets: dict[str, dict[str, Any]],
    regulatory: gpd.GeoDataFrame | None,
    *,
    lang: str,
    author: str = "",
    unit: str = "",
    performance: PerformanceRun | None = None,
) -> bytes:
    """The 十四五终期评估 report: the park, the indicators against their targets (table and chart), the spatial
    indicators, land performance per sub-park (from ``performance``), the 2030 targets and the growth they need; where
    the actuals come from on the first page."""
    from layers.evaluation_report import evaluation_report
    from layers.reports import Block

    statuses = plan_status(actuals.table, lang=lang)
    si = spatial(ds, regulatory)
    met = sum(s.status == "met" for s in statuses)
    source = (
        t("mon_source_workspace", lang, by=actuals.saved_by, at=actuals.saved_at)
        if actuals.source == "workspace"
        else t(f"mon_source_{actuals.source}", lang)
    )
    facts = [
        (t("eval_fact_met", lang), f"{met} / {len(statuses)}"),
        (t("mon_sp_park", lang), f"{si.park_km2:.2f} km²"),
        (t("mon_sp_metro", lang, radius=f"{si.metro_radius_m:.0f}"), f"{si.metro_share:.1%}"),
        (t("eval_fact_source", lang), source),
    ]
    blocks = [
        Block(t("eval_indicators", lang), status_table(statuses, lang=lang), (0.34, 0.1, 0.1, 0.1, 0.1, 0.1, 0.16)),
        Block(t("eval_spatial", lang), spatial_table(si, lang=lang), (0.65, 0.35)),
        Block(t("eval_targets", lang), trajectory_table(statuses, targets, lang=lang), (0.3, 0.14, 0.14, 0.14, 0.28)),
    ]
    summary = performance_summary(ds, performance, lang=lang)
    if summary is not None:
        widths = (0.22, 0.1, 0.08, 0.08, 0.08, 0.08, 0.18, 0.18)
        blocks.append(Block(t("eval_performance", lang), summary, widths))
    return evaluation_report(
        ds.park,
        title=t("eval_title", lang),
        facts=facts,
        chart=chart_table(actuals.table, lang=lang),
        blocks=blocks,
        lang=lang,
        author=author,
        unit=unit,
        note=t("eval_sources", lang),
    )
