"""Build the fictional demonstration tables of plan monitoring and land performance (亩均效益).

* ``data/monitoring/actuals_demo.csv`` — yearly actuals 2020–2025 of Table 1's indicators (指标, 年份, 数值), drawn
  (seeded) around the straight line from the plan's 2019 baseline to its 2025 target; a few indicators left without
  data on purpose. NOT the park's statistics.
* ``data/performance/stats_demo.csv`` — per-parcel statistics 2021–2025 (地块编号, 年份, 税收（万元）, 产值（万元）,
  能耗（吨标准煤）, 从业人员（人）) for the fictional candidate parcels in industrial use. NOT any enterprise's data:
  the bureau's real table is confidential and never bundled.

Both files say in their first column header row's neighbour (``说明`` column) that they are fictional. Run::

    python scripts/build_demo_monitoring.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gis.indicators import PLAN_NAMES, table1  # noqa: E402
from gis.io import read_layer  # noqa: E402

SEED = 2025
NOTE = "虚构演示数据，并非园区统计 / fictional demonstration data, not the park's statistics"
#: indicators left without yearly data (the page must show "no data" for them)
NO_DATA = ("foreign_share",)
INDUSTRIAL_USES = ("industrial", "old_factory", "warehouse")


def actuals(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for key, row in table1().iterrows():
        if key in NO_DATA:
            continue
        target = float(row["y2025"])
        if key == "new_listed":  # five-year cumulative: new listings per year
            rows += [(PLAN_NAMES[key], year, int(rng.integers(1, 4))) for year in range(2021, 2026)]
            continue
        start = float(row["y2019"]) if not pd.isna(row["y2019"]) else target * 0.8
        for year in range(2020, 2026):
            line = start + (target - start) * (year - 2019) / 6
            value = line * rng.uniform(0.9, 1.06)
            whole = row["unit_zh"] == "家" or value >= 100  # firms are counted in whole numbers
            rows.append((PLAN_NAMES[key], year, int(round(value)) if whole else round(value, 2)))
    out = pd.DataFrame(rows, columns=["指标", "年份", "数值"], dtype=object)  # counts stay whole numbers
    out["说明"] = NOTE
    return out


def stats(rng: np.random.Generator) -> pd.DataFrame:
    parcels = read_layer(ROOT / "data/parcels/parcels.geojson")
    own = parcels[parcels["current_use"].isin(INDUSTRIAL_USES)]
    rows = []
    for parcel in own.itertuples():
        mu = float(parcel.area_m2) / (10_000 / 15)
        level = rng.lognormal(-0.3, 0.8)  # how well this parcel performs, kept over the years
        for year in range(2021, 2026):
            trend = 1 + 0.04 * (year - 2021)
            output = mu * 400 * level * trend * rng.uniform(0.9, 1.1)
            rows.append(
                {
                    "地块编号": parcel.id,
                    "年份": year,
                    "税收（万元）": round(output * rng.uniform(0.04, 0.08), 1),
                    "产值（万元）": round(output, 1),
                    "能耗（吨标准煤）": round(output / rng.uniform(1.0, 4.0), 1),
                    "从业人员（人）": int(output / rng.uniform(60, 160)) + 5,
                    "说明": NOTE,
                }
            )
    return pd.DataFrame(rows)


def main() -> None:
    rng = np.random.default_rng(SEED)
    for folder, table in (("monitoring/actuals_demo.csv", actuals(rng)), ("performance/stats_demo.csv", stats(rng))):
        path = ROOT / "data" / folder
        path.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(path, index=False, encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {len(table)} rows")


if __name__ == "__main__":
    main()
