"""Plan monitoring and land performance (亩均效益): hand-computed cases whose answers are known."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gis.errors import MonitoringError, PerformanceError
from gis.monitoring import normalise_actuals, plan_status
from gis.performance import (
    EXAMPLE_SCHEME,
    M2_PER_MU,
    Scheme,
    class_stability,
    classes,
    classify,
    normalise_stats,
)
from tests.conftest import PUTUO_X, PUTUO_Y


def actuals(rows: list[tuple[str, int, float]]) -> pd.DataFrame:
    return normalise_actuals(pd.DataFrame(rows, columns=["指标", "年份", "数值"]))


def by_key(statuses):
    return {s.key: s for s in statuses}


def test_a_2025_value_met_or_not_and_the_achievement():
    s = by_key(plan_status(actuals([("高新技术企业数量（家）", 2025, 430), ("战略性新兴产业产值（亿元）", 2025, 270)])))
    assert (s["hitech_firms"].status, s["hitech_firms"].value) == ("met", 430)
    assert s["hitech_firms"].achievement_pct == pytest.approx(430 / 415 * 100)
    assert (s["sei_output"].status, s["sei_output"].achievement_pct) == ("not_met", pytest.approx(90.0))


def test_the_cumulative_indicator_is_summed_over_the_plan_years():
    rows = [
        ("五年内累计新增上市及挂牌企业（家）", y, n)
        for y, n in ((2020, 9), (2021, 2), (2022, 3), (2023, 1), (2024, 4), (2025, 3))
    ]
    listed = by_key(plan_status(actuals(rows)))["new_listed"]
    assert (listed.value, listed.latest_year, listed.status) == (13, 2025, "met")  # 2020 is before the plan
    early = by_key(plan_status(actuals(rows[:3])))["new_listed"]  # 2 + 3 by 2022 against 12 × 2/5 = 4.8
    assert (early.value, early.expected, early.status) == (5, pytest.approx(4.8), "on_track")


def test_an_indicator_without_data_and_a_year_before_2025_on_or_off_track():
    s = by_key(
        plan_status(actuals([("高新技术企业数量（家）", 2022, 360), ("每万人当年新增发明专利授权数（件）", 2022, 64)]))
    )
    assert s["rd_intensity"].status == "no_data" and s["rd_intensity"].value is None
    # 316 -> 415 over 2019-2025: 2022 expects 316 + 99 × 3/6 = 365.5
    assert (s["hitech_firms"].expected, s["hitech_firms"].status) == (pytest.approx(365.5), "off_track")
    # 57.12 -> 70: 2022 expects 63.56
    assert s["patents_per_10k"].status == "on_track"
    assert len(s) == 8


def test_an_indicator_without_a_baseline_before_2025_cannot_be_tracked():
    s = by_key(plan_status(actuals([("企业研发经费支出占销售收入比重（%）", 2023, 4.0)])))
    assert s["rd_intensity"].status == "no_baseline" and s["rd_intensity"].latest_year == 2023


def test_names_are_accepted_half_width_without_unit_and_in_english():
    rows = [("高新技术企业数量(家)", 2025, 1), ("高新技术企业数量", 2024, 2), ("High-tech enterprises", 2023, 3)]
    table = actuals(rows)
    assert set(table["key"]) == {"hitech_firms"} and sorted(table["year"]) == [2023, 2024, 2025]
    with pytest.raises(MonitoringError) as unknown:
        actuals([("GDP", 2025, 1)])
    assert "GDP" in unknown.value.text("zh") and "Table 1" in unknown.value.text("en")
    with pytest.raises(MonitoringError) as bad:
        actuals([("高新技术企业数量（家）", 2025, "很多")])
    assert bad.value.code == "mon_bad_row" and "第 2 行" in bad.value.text("zh")


# --- land performance -----------------------------------------------------------------------------------------
def parcels(*areas_mu: float) -> gpd.GeoDataFrame:
    """Square parcels of the given areas (亩), side by side in EPSG:4549."""
    sides = [np.sqrt(a * M2_PER_MU) for a in areas_mu]
    x = PUTUO_X + np.cumsum([0, *[s + 10 for s in sides[:-1]]])
    return gpd.GeoDataFrame(
        {"id": [f"P{k}" for k in range(len(areas_mu))]},
        geometry=[shapely.box(x0, PUTUO_Y, x0 + s, PUTUO_Y + s) for x0, s in zip(x, sides)],
        crs=4549,
    ).to_crs(4326)


def stats(rows: list[dict]) -> pd.DataFrame:
    return normalise_stats(pd.DataFrame(rows))


def test_a_30_mu_parcel_paying_1500_wan_pays_50_wan_per_mu():
    perf = classify(
        stats(
            [
                {
                    "地块编号": "P0",
                    "年份": 2025,
                    "税收（万元）": 1500,
                    "产值（万元）": 15000,
                    "能耗（吨标准煤）": 3000,
                    "从业人员（人）": 150,
                }
            ]
        ),
        parcels(30),
    )
    row = perf.table.loc["P0"]
    assert row["area_mu"] == pytest.approx(30, rel=1e-6) and row["tax_per_mu"] == pytest.approx(50)
    assert row["output_per_mu"] == pytest.approx(500) and row["output_per_energy"] == pytest.approx(5)
    assert row["output_per_worker"] == pytest.approx(100)
    # 100 × (0.4 × min(50/30, 1.5) + 0.3 × 1 + 0.2 × min(5/2, 1.5) + 0.1 × 1) = 100 × (0.6 + 0.3 + 0.3 + 0.1)
    assert row["score"] == pytest.approx(130) and row["class"] == "A"


def test_enterprises_on_one_parcel_add_up_and_the_stated_area_is_used_and_compared():
    table = stats(
        [
            {"地块编号": "P0", "年份": 2025, "税收（万元）": 300, "产值（万元）": 1000, "用地面积（亩）": 20},
            {"地块编号": "P0", "年份": 2025, "税收（万元）": 300, "产值（万元）": 1000},
            {"地块编号": "P0", "年份": 2024, "税收（万元）": 9999, "产值（万元）": 1},
        ]
    )
    row = classify(table, parcels(30)).table.loc["P0"]
    assert row["tax"] == 600 and row["area_mu"] == 20 and row["tax_per_mu"] == pytest.approx(30)
    assert row["area_mismatch"]  # 20 stated against 30 measured
    assert np.isnan(row["output_per_energy"])  # no energy reported: that indicator scores 0


def test_class_thresholds_at_their_edges():
    assert list(classes(np.array([100.0, 99.99, 70.0, 69.99, 40.0, 39.99, 0.0]), (100.0, 70.0, 40.0))) == [
        "A",
        "B",
        "B",
        "C",
        "C",
        "D",
        "D",
    ]


def test_keyed_by_credit_code_with_a_mapping_and_unmatched_parcels_reported():
    raw = pd.DataFrame(
        [
            {"统一社会信用代码": "91310107X", "年份": 2025, "税收（万元）": 10, "产值（万元）": 100},
            {"统一社会信用代码": "91310107Y", "年份": 2025, "税收（万元）": 10, "产值（万元）": 100},
        ]
    )
    table = normalise_stats(raw, credit_to_parcel={"91310107X": "P0", "91310107Y": "P9"})
    perf = classify(table, parcels(10))
    assert list(perf.table.index) == ["P0"] and perf.unmatched == ("P9",)
    with pytest.raises(PerformanceError) as no_key:
        normalise_stats(raw)
    assert no_key.value.code == "perf_no_key"


def test_a_scheme_is_checked_and_stability_is_a_share():
    with pytest.raises(PerformanceError):
        Scheme(name="bad", weights={**EXAMPLE_SCHEME.weights, "tax_per_mu": 0.9}, benchmarks=EXAMPLE_SCHEME.benchmarks)
    perf = classify(
        stats(
            [
                {
                    "地块编号": f"P{k}",
                    "年份": 2025,
                    "税收（万元）": 30 * (k + 1) * 10,
                    "产值（万元）": 500 * 10,
                    "能耗（吨标准煤）": 2500,
                    "从业人员（人）": 50,
                }
                for k in range(3)
            ]
        ),
        parcels(10, 10, 10),
    )
    stable = class_stability(perf, spread=0.3, draws=200)
    assert ((stable >= 0) & (stable <= 1)).all() and len(stable) == 3
    # far above every edge: the weights cannot move it
    assert stable["P2"] == 1.0 and perf.table.loc["P2", "class"] == "A"


def test_the_bundled_demonstration_tables_load_and_say_they_are_fictional():
    from gis.io import read_layer
    from gis.settings import SETTINGS

    raw = pd.read_csv(SETTINGS.data_dir / "monitoring" / "actuals_demo.csv")
    statuses = by_key(plan_status(normalise_actuals(raw)))
    assert len(statuses) == 8 and statuses["foreign_share"].status == "no_data"
    assert {s.status for s in statuses.values()} <= {"met", "not_met", "no_data"}
    stats_raw = pd.read_csv(SETTINGS.data_dir / "performance" / "stats_demo.csv", dtype={"地块编号": str})
    perf = classify(normalise_stats(stats_raw), read_layer(SETTINGS.data_dir / "parcels" / "parcels.geojson"))
    assert not perf.unmatched and "D" in set(perf.table["class"]) and perf.year == 2025
    for table in (raw, stats_raw):
        assert table["说明"].str.contains("虚构").all() and table["说明"].str.contains("fictional").all()


def _gis(*args: str):
    import subprocess
    import sys

    from tests.live_app import ROOT

    return subprocess.run([sys.executable, "-m", "gis", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_monitor_and_performance_commands_print_the_issues_json(tmp_path):
    import json

    from gis.settings import SETTINGS

    monitor = _gis("monitor", str(SETTINGS.data_dir / "monitoring" / "actuals_demo.csv"), "--json")
    assert monitor.returncode == 0, monitor.stderr
    indicators = json.loads(monitor.stdout)["indicators"]
    assert len(indicators) == 8 and indicators[4]["name"] == "高新技术企业数量（家）"
    assert set(indicators[0]) == {"name", "target_2025", "value", "latest_year", "achievement_pct", "status"}
    performance = _gis(
        "performance",
        str(SETTINGS.data_dir / "performance" / "stats_demo.csv"),
        "--parcels",
        str(SETTINGS.data_dir / "parcels" / "parcels.geojson"),
        "--json",
    )
    assert performance.returncode == 0, performance.stderr
    parcels = json.loads(performance.stdout)["parcels"]
    assert parcels and set(parcels[0]) == {"id", "area_mu", "tax_per_mu", "output_per_mu", "score", "class"}
    assert {p["class"] for p in parcels} <= {"A", "B", "C", "D"}


def test_a_hostile_table_is_refused_through_the_upload_door(tmp_path):
    """Tables go through the same reader as every upload: in a worker, with its limits and messages."""
    import json

    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{k}" for k in range(5000)) + "\n" + ",".join("1" * 5000) + "\n", encoding="utf-8")
    refused = _gis("monitor", str(wide), "--json", "--lang", "en")
    assert refused.returncode == 2 and json.loads(refused.stdout)["error"]["code"] in (
        "imp_table_columns",
        "imp_csv_line_columns",
    )  # counted on the first line
    notatable = tmp_path / "actuals.kml"
    notatable.write_text("<kml/>", encoding="utf-8")
    refused = _gis("monitor", str(notatable), "--json")
    assert refused.returncode == 2 and json.loads(refused.stdout)["error"]["code"] == "imp_not_table"
    unknown = tmp_path / "actuals.csv"
    unknown.write_text("指标,年份,数值\nGDP,2025,1\n", encoding="utf-8")
    refused = _gis("monitor", str(unknown), "--json")
    assert refused.returncode == 2 and json.loads(refused.stdout)["error"]["code"] == "mon_unknown_indicator"
