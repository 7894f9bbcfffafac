"""Plan monitoring and land performance as tasks: tables in, statuses and classes out — one code path for the
coming pages and `python -m gis monitor` / `python -m gis performance`."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd

from gis.monitoring import IndicatorStatus, normalise_actuals, plan_status
from gis.performance import EXAMPLE_SCHEME, Performance, Scheme, classify, normalise_stats


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
