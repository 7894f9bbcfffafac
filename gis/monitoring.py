"""Plan monitoring (实施监测): yearly actuals of Table 1's indicators against the 2025 targets, on/off track before.

For each of the 8 indicators: the value (the 2025 figure; for 五年内累计新增上市及挂牌企业 the sum over 2021–2025), the
achievement against the target in %, and a status — ``met``/``not_met`` once 2025 is known; before, ``on_track`` or
``off_track`` against the straight line from the 2019 baseline to the 2025 target (a cumulative indicator against its
share of the target so far), ``no_baseline`` when the plan gives no 2019 figure to draw that line; ``no_data`` when no
year was reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gis.columns import find_columns, fold
from gis.errors import MonitoringError
from gis.indicators import CUMULATIVE, PLAN_NAMES, table1

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
