"""实施监测: actuals kept in the workspace with their trail, the 2030 targets and the growth they need, the spatial
indicators on hand-built squares, the page in both languages and the 终期评估 PDF."""

from __future__ import annotations

import shutil
import subprocess

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from gis.datasets import ParkData
from gis.errors import MonitoringError, PermissionDeniedError
from gis.landuse import load_landuse
from gis.monitoring import normalise_actuals, plan_status, spatial_indicators
from gis.regulatory import normalise_layer
from planner import monitoring as pm
from planner.auth import User
from planner.data import folder_dataset
from planner.workspace import open_from_env
from tests.apptest_util import open_app, open_tab
from tests.conftest import PUTUO_X, PUTUO_Y
from text.messages import t

CRS = "EPSG:4549"


@pytest.fixture
def ws(monkeypatch, tmp_path):
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "workspace.gpkg"))
    return open_from_env()[0]


EDITOR = User(name="wang", role="editor", via="local")
VIEWER = User(name="li", role="viewer", via="local")


def test_the_demo_is_used_until_the_office_saves_and_every_save_leaves_a_trail(ws):
    demo = pm.current_actuals(ws)
    assert demo.source == "demo" and len(demo.table) > 30
    mine = pd.DataFrame({"key": ["hitech_firms", "hitech_firms"], "year": [2024, 2025], "value": [400.0, 420.0]})
    pm.save_actuals(ws, EDITOR, mine)
    kept = pm.current_actuals(ws)
    assert kept.source == "workspace" and kept.saved_by == "wang" and kept.saved_at
    assert kept.table.to_dict("list") == {"key": ["hitech_firms"] * 2, "year": [2024, 2025], "value": [400.0, 420.0]}
    pm.save_actuals(ws, EDITOR, pm.merge_actuals(kept.table, mine.assign(value=[401.0, 420.0]).iloc[:1]))
    assert pm.current_actuals(ws).table["value"].tolist() == [401.0, 420.0]
    trail = ws.audit.entries(object_id=pm.ACTUALS_SETTING, newest_first=False)
    assert len(trail) == 2 and all(e.actor == "wang" for e in trail)
    last = trail[-1].summary.text("zh")
    assert "400.0" in last and "401.0" in last  # the value before and after
    with pytest.raises(PermissionDeniedError):
        pm.save_actuals(ws, VIEWER, mine)


def test_the_table_editor_round_trips_and_refuses_a_negative_figure():
    actuals = pd.DataFrame({"key": ["sei_output", "new_listed"], "year": [2023, 2021], "value": [250.5, 3.0]})
    table = pm.editor_table(actuals, lang="zh")
    assert list(table.index)[:3] == ["rd_intensity", "patents_per_10k", "sei_output"]
    assert table.loc["sei_output", "2023"] == "250.5" and table.loc["sei_output", "2024"] == ""
    back = pm.from_editor(table).sort_values(["key", "year"]).reset_index(drop=True)
    assert back.to_dict("list") == {"key": ["new_listed", "sei_output"], "year": [2021, 2023], "value": [3.0, 250.5]}
    table.loc["sei_output", "2024"] = "1,200"  # a thousands separator is read
    assert pm.from_editor(table).set_index("year").loc[2024, "value"] == 1200.0
    table.loc["sei_output", "2024"] = "-1"
    with pytest.raises(MonitoringError) as bad:
        pm.from_editor(table)
    assert "2024" in bad.value.text("zh") and "战略性新兴产业产值" in bad.value.text("zh")
    table.loc["sei_output", "2024"] = "=1+1"  # text is never a number (nor a formula)
    with pytest.raises(MonitoringError):
        pm.from_editor(table)


def test_targets_2030_are_kept_and_the_growth_they_need_is_compound(ws):
    pm.save_targets(ws, EDITOR, {"hitech_firms": {"value": 600, "note": "区十五五规划"}, "sei_output": {"value": None}})
    targets = pm.targets_2030(ws)
    assert targets["hitech_firms"] == {"value": 600.0, "note": "区十五五规划"}
    assert targets["sei_output"] == {"value": None, "note": ""}
    actuals = normalise_actuals(pd.DataFrame({"指标": ["高新技术企业数量（家）"], "年份": [2025], "数值": [435]}))
    table = pm.trajectory_table(plan_status(actuals), targets, lang="zh").set_index(t("ind_indicator", "zh"))
    # (600 / 435) ** (1 / 5) - 1 = 6.64 %
    assert table.loc["高新技术企业数量（家）", t("mon_col_growth", "zh")] == "+6.6%"
    assert table.loc["战略性新兴产业产值（亿元）", t("mon_col_growth", "zh")] == "–"
    with pytest.raises(MonitoringError):
        pm.save_targets(ws, EDITOR, {"hitech_firms": {"value": "many"}})


def _to(g):
    return gpd.GeoSeries([g], crs=CRS).to_crs("EPSG:4326").iloc[0]


def test_spatial_indicators_on_hand_built_squares(data):
    """Two 1 km² sub-parks 3 km apart; the belt covers half of the north one; a station at the north one's centre
    reaches all of it (its corners are 707 m away) and none of the south one; a 控规 parcel with FAR 2.0 over the
    south-west quarter of the south one."""
    x, y = PUTUO_X, PUTUO_Y
    north, south = shapely.box(x, y, x + 1000, y + 1000), shapely.box(x + 3000, y, x + 4000, y + 1000)
    park = ParkData(
        district=data.district,
        creek_edge=data.creek_edge,
        subparks=gpd.GeoDataFrame(
            {"id": ["N", "S"], "cluster": ["north", "south"]}, geometry=[_to(north), _to(south)], crs=4326
        ),
        zones=gpd.GeoDataFrame({"id": ["belt"]}, geometry=[_to(shapely.box(x, y, x + 500, y + 1000))], crs=4326),
        buildings=data.buildings.iloc[:0],
        parcels=data.parcels.iloc[:0],
        stations=gpd.GeoDataFrame({"id": ["st"]}, geometry=[_to(shapely.Point(x + 500, y + 500))], crs=4326),
    )
    codes = load_landuse()
    plan = normalise_layer(
        gpd.GeoDataFrame(
            {"地块编号": ["K1"], "用地代码": ["M0"], "容积率上限": [2.0]},
            geometry=[_to(shapely.box(x + 3000, y, x + 3500, y + 500))],
            crs=4326,
        ),
        kind="regulatory",
        codes=codes,
    )
    si = spatial_indicators(park, regulatory=plan, codes=codes)
    assert si.park_km2 == pytest.approx(2.0, rel=1e-6)
    assert si.clusters_km2 == {"north": pytest.approx(1.0, rel=1e-6), "south": pytest.approx(1.0, rel=1e-6)}
    assert si.zones_km2 == {"belt": pytest.approx(0.5, rel=1e-6)}
    assert si.metro_share == pytest.approx(0.5, rel=1e-3)  # all of the north square, none of the south
    assert si.capacity_m2 == pytest.approx(500_000.0, rel=1e-6)  # 250,000 m² × 2.0
    assert si.capacity_by_cluster_m2 == {"north": pytest.approx(0.0), "south": pytest.approx(500_000.0, rel=1e-6)}
    assert spatial_indicators(park).capacity_m2 is None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_shows_the_standing_saves_an_edit_and_lists_the_spatial_indicators(ws, lang):
    app = open_app("pages/indicators.py", lang=lang)
    assert [w.body for w in app.warning] == [t("mon_source_demo", lang)]
    statuses = plan_status(pm.current_actuals(ws).table, lang=lang)
    shown = app.dataframe[0].value
    assert list(shown[t("mon_col_status", lang)]) == [t(f"mon_status_{s.status}", lang) for s in statuses]
    open_tab(app, "mon_tab", "mon_tab_actuals", lang=lang)
    app.button(key="mon_save").click().run()  # the demo figures saved as the office's own
    assert not app.exception and not app.error
    assert not app.warning and pm.current_actuals(ws).source == "workspace"
    open_tab(app, "mon_tab", "mon_tab_spatial", lang=lang)
    table = app.dataframe[0].value
    assert table.iloc[0, 1] == "10.08 km²" and len(table) == 10  # park, 2 clusters, 3 zones, metro, 3 capacities
    assert t("perf_sum_tax", lang) in app.dataframe[1].value.columns  # land performance per sub-park


def test_the_final_evaluation_pdf_renders_with_its_tables_and_chart(ws, tmp_path):
    assert shutil.which("pdftotext"), "poppler-utils is missing: run `bash scripts/setup.sh --dev`"
    pdf = pm.final_evaluation_pdf(
        folder_dataset(),
        pm.current_actuals(ws),
        {"hitech_firms": {"value": 600.0, "note": "区十五五规划"}},
        None,
        lang="zh",
        author="王工",
        unit="园区管理办公室",
    )
    path = tmp_path / "eval.pdf"
    path.write_bytes(pdf)
    text = "".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    for expected in (
        "“十四五”规划实施终期评估",
        "规划指标完成情况",
        "空间指标",
        "2030年目标",
        "区十五五规划",
        "园区管理办公室",
    ):
        assert expected in text, expected
    assert "控规允许" not in text  # no 控规 layer: no capacity row
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(path), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p-*.png"))) == 3


def test_land_performance_is_summed_up_per_subpark_inside_or_nearest(data):
    from gis.monitoring import performance_by_subpark

    x, y = PUTUO_X, PUTUO_Y
    subparks = gpd.GeoDataFrame(
        {"id": ["N", "S"]},
        geometry=[_to(shapely.box(x, y, x + 1000, y + 1000)), _to(shapely.box(x + 3000, y, x + 4000, y + 1000))],
        crs=4326,
    )
    parcels = gpd.GeoDataFrame(
        {"id": ["in_n", "near_n", "near_s", "unclassified"]},
        geometry=[
            _to(shapely.box(x + 100, y + 100, x + 200, y + 200)),  # inside N
            _to(shapely.box(x + 1100, y, x + 1200, y + 100)),  # 100 m east of N, 1,800 m from S
            _to(shapely.box(x + 2800, y, x + 2900, y + 100)),  # 100 m west of S
            _to(shapely.box(x + 500, y + 500, x + 600, y + 600)),
        ],
        crs=4326,
    )
    performance = pd.DataFrame(
        {"class": ["A", "D", "B"], "area_mu": [30.0, 10.0, 20.0], "tax": [1500.0, 100.0, 400.0]},
        index=pd.Index(["in_n", "near_n", "near_s"], name="parcel_id"),
    )
    table = performance_by_subpark(performance, parcels, subparks)
    assert table.loc["N", ["parcels", "A", "B", "C", "D"]].tolist() == [2, 1, 0, 0, 1]
    assert table.loc["S", ["parcels", "B"]].tolist() == [1, 1]
    assert table.loc["N", "tax_per_mu"] == pytest.approx(1600 / 40)  # Σ tax / Σ area, not a mean of ratios
