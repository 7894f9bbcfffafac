"""The 亩均效益 page and its planner: the demonstration table classed as gis.performance.classify classes it (table
and map alike, both languages), the scheme edited, refused and saved as the office's, a parcel's card with its
formula and areas, the XLSX typed and formula-free."""

from __future__ import annotations

import io

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from openpyxl import load_workbook

from gis.performance import EXAMPLE_SCHEME, M2_PER_MU, classify, normalise_stats
from pages.performance import SELECT, STATS, THRESHOLDS, YEAR, weight_key
from planner import performance as pf
from planner.data import folder_dataset
from tests.apptest_util import maps, open_app
from tests.conftest import PUTUO_X, PUTUO_Y
from tests.live_app import ROOT
from tests.test_bilingual import problems
from text.messages import t

DEMO_CSV = ROOT / "data" / "performance" / "stats_demo.csv"


@pytest.fixture(autouse=True)
def _workspace(tmp_path, monkeypatch):
    """A workspace of the test's own (a saved scheme stays in it), the bundled data, the single local admin."""
    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "ws.gpkg"))
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    monkeypatch.setenv("PUTUO_AUTH", "none")


def expected(*, year: int | None = None, scheme=EXAMPLE_SCHEME) -> pd.DataFrame:
    """The demonstration table classed by gis.performance directly (read with pandas, not the page's reader)."""
    stats = normalise_stats(pd.read_csv(DEMO_CSV))
    return classify(stats, folder_dataset().park.parcels, scheme=scheme, year=year).table


def table_of(app, lang: str = "zh") -> pd.DataFrame:
    return next(d.value for d in app.dataframe if t("perf_col_class", lang) in d.value.columns)


def classes_shown(app, lang: str = "zh") -> dict[str, str]:
    table = table_of(app, lang)
    return dict(zip(table[t("perf_col_parcel", lang)], table[t("perf_col_class", lang)]))


def drawn(app) -> dict[str, str]:
    """Feature id -> category of the map's performance layer."""
    layer = next(x for x in maps(app)["performance"]["layers"] if x["id"] == "performance")
    return {f[0]: f[1] for f in layer["doc"]["f"]}


def shown(app) -> str:
    return " ".join(
        [x.value for x in app.text]
        + [x.value for x in app.caption]
        + [x.value for x in app.warning]
        + [x.value for x in app.error]
        + [x.value for x in app.success]
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_demo_table_is_classed_as_classify_does_and_the_map_draws_the_table(lang):
    app = open_app("pages/performance.py", lang=lang)
    assert not app.exception and not app.error
    assert app.title[0].value == t("perf_page_title", lang)
    assert any(w.value == t("perf_page_demo_notice", lang) for w in app.warning)  # said to be fictional
    want = expected()
    assert len(want) == 38 and set(want["class"]) == {"A", "B", "C", "D"}  # the demo spans every class
    table = table_of(app, lang)
    assert sorted(table[t("perf_col_parcel", lang)]) == sorted(want.index)  # one row per parcel with statistics
    assert classes_shown(app, lang) == want["class"].to_dict()
    scores = dict(zip(table[t("perf_col_parcel", lang)], table[t("perf_col_score", lang)]))
    assert scores == pytest.approx(want["score"].round(1).to_dict())
    assert set(table[t("perf_col_year", lang)]) == {2025}  # the latest year by default
    # the map: every parcel of the layer, coloured by the table's class, grey without statistics
    parcels = folder_dataset().park.parcels
    assert drawn(app) == {pid: want["class"].get(pid, "none") for pid in parcels["id"]}
    legend = [e[0] for e in maps(app)["performance"]["legend"]["entries"]]
    assert (
        t("perf_legend_range", lang, label=t("perf_legend_a", lang), range=t("perf_range_top", lang, low="100"))
        in legend
    )
    assert t("perf_legend_none", lang) in legend
    n = want["class"].value_counts()
    counts = t("perf_page_counts", lang, year=2025, n=38, a=n["A"], b=n["B"], c=n["C"], d=n["D"])
    assert counts in [x.value for x in app.text]
    assert problems(app, lang) == []
    app.selectbox(key=SELECT).set_value("P009").run()  # the card speaks the page's language too
    assert not app.exception and problems(app, lang) == []


def test_an_earlier_year_is_classed_from_that_years_rows():
    app = open_app("pages/performance.py")
    assert app.selectbox(key=YEAR).options == ["2025", "2024", "2023", "2022", "2021"]
    app.selectbox(key=YEAR).set_value(2021).run()
    assert not app.exception
    assert set(table_of(app)[t("perf_col_year", "zh")]) == {2021}
    assert classes_shown(app) == expected(year=2021)["class"].to_dict()


# P009 in 2025: 987.1 万元 tax, 15,849.5 万元 output, 13,272.4 tce, 192 workers on 48.57 亩 (measured): per mu
# 20.32 and 326.3, 1.194 per tce, 82.55 per worker. Example scheme: 100 × (0.4 × 20.32/30 + 0.3 × 326.3/500
# + 0.2 × 1.194/2 + 0.1 × 82.55/100) = 66.9 -> C (40 ≤ 66.9 < 70).
def test_a_threshold_or_a_weight_moved_changes_the_class_of_a_hand_picked_parcel():
    app = open_app("pages/performance.py")
    assert classes_shown(app)["P009"] == "C" and drawn(app)["P009"] == "C"
    app.number_input(key=THRESHOLDS[1]).set_value(65.0).run()  # B from 65 points: 66.9 is a B
    assert not app.exception and not app.error
    assert classes_shown(app)["P009"] == "B" and drawn(app)["P009"] == "B"
    assert any(c.value.startswith(t("perf_scheme_src_edited", "zh")) for c in app.caption)
    assert any("B 类 ≥ 65 分" in c.value for c in app.caption)  # the formula below says the new threshold
    app.number_input(key=THRESHOLDS[1]).set_value(70.0).run()
    assert classes_shown(app)["P009"] == "C"
    # most weight on output per worker, its best indicator: 100 × (0.1 × 0.677 + 0.1 × 0.653 + 0.1 × 0.597
    # + 0.7 × 0.825) = 77.1 -> B
    for key, w in (("tax_per_mu", 0.1), ("output_per_mu", 0.1), ("output_per_energy", 0.1), ("output_per_worker", 0.7)):
        app.number_input(key=weight_key(key)).set_value(w)
    app.run()
    assert not app.exception and not app.error
    table = table_of(app)
    row = table[table[t("perf_col_parcel", "zh")] == "P009"].iloc[0]
    assert row[t("perf_col_score", "zh")] == pytest.approx(77.1, abs=0.05) and row[t("perf_col_class", "zh")] == "B"
    assert drawn(app)["P009"] == "B"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_weights_not_adding_up_to_1_are_refused_in_the_users_language(lang):
    app = open_app("pages/performance.py", lang=lang)
    app.number_input(key=weight_key("tax_per_mu")).set_value(0.5).run()  # 0.5 + 0.3 + 0.2 + 0.1 = 1.1
    assert not app.exception
    assert [e.value for e in app.error] == [t("err_title_performance", lang)]
    assert t("perf_scheme_weights", lang, total=1.1) in [x.value for x in app.text]
    assert "performance" not in maps(app) and not app.dataframe  # nothing classed under a refused scheme
    app.button(key="perf_reset").click().run()  # back to the scheme the session started from
    assert not app.error and classes_shown(app, lang) == expected()["class"].to_dict()


def test_an_admin_saves_the_scheme_and_a_new_session_starts_from_it():
    from planner.auth import single_user
    from planner.workspace import open_from_env

    app = open_app("pages/performance.py")
    assert any(c.value.startswith(t("perf_scheme_src_example", "zh")) for c in app.caption)
    app.number_input(key=THRESHOLDS[1]).set_value(65.0).run()
    app.button(key="perf_save").click().run()
    assert not app.exception and not app.error
    assert [s.value for s in app.success] == [t("perf_page_saved", "zh")]
    assert any(c.value.startswith(t("perf_scheme_src_office", "zh")) for c in app.caption)
    ws = open_from_env()[0]
    assert ws.settings.get(pf.SCHEME_SETTING)["thresholds"] == [100.0, 65.0, 40.0]
    audit = ws.audit.entries(object_id=pf.SCHEME_SETTING)
    assert [(a.action, a.actor) for a in audit] == [("settings.change", single_user().name)]  # audited

    fresh = open_app("pages/performance.py")  # a new session
    assert fresh.number_input(key=THRESHOLDS[1]).value == 65.0
    assert any(c.value.startswith(t("perf_scheme_src_office", "zh")) for c in fresh.caption)
    assert classes_shown(fresh)["P009"] == "B"
    office = pf.make_scheme(
        weights=EXAMPLE_SCHEME.weights, benchmarks=EXAMPLE_SCHEME.benchmarks, cap=1.5, thresholds=(100, 65, 40)
    )
    assert classes_shown(fresh) == expected(scheme=office)["class"].to_dict()


def test_a_viewer_sees_the_save_button_disabled_with_the_reason(tmp_path, monkeypatch):
    from planner import auth
    from planner.workspace import open_from_env
    from store.accounts import add_account

    monkeypatch.setenv("PUTUO_AUTH", "local")
    ws = open_from_env()[0]
    add_account(ws, "li", "viewer", actor="cli:test", password="correct horse 1")
    from streamlit.testing.v1 import AppTest

    from pages import state

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.session_state[state.TOKEN] = auth.sign_in(ws, auth.AuthConfig(mode="local"), "li", "correct horse 1").token
    app.run()
    app.switch_page("pages/performance.py").run()
    assert not app.exception and not app.error
    assert app.button(key="perf_save").disabled
    assert any(c.value == t("perf_page_save_admin_only", "zh") for c in app.caption)
    assert ws.settings.get(pf.SCHEME_SETTING) is None


def test_a_damaged_stored_scheme_is_said_and_the_example_used():
    from planner.auth import single_user
    from planner.workspace import change_setting, open_from_env

    change_setting(open_from_env()[0], single_user(), pf.SCHEME_SETTING, {"weights": {"tax_per_mu": 1.0}})
    app = open_app("pages/performance.py")
    assert not app.exception
    reason = t("perf_scheme_keys", "zh", keys=", ".join(pf.INDICATOR_KEYS))
    assert t("perf_scheme_src_damaged", "zh", reason=reason) in [w.value for w in app.warning]
    assert classes_shown(app) == expected()["class"].to_dict()


# --- a parcel's card ------------------------------------------------------------------------------------------
def test_the_card_shows_the_indicators_the_formula_and_the_stability():
    app = open_app("pages/performance.py")
    app.selectbox(key=SELECT).set_value("P009").run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics[t("perf_card_class", "zh")] == "C" and metrics[t("f_score", "zh")] == "66.9"
    assert metrics["亩均税收（万元/亩）"] == "20.32" and metrics["人均产值（万元/人）"] == "82.55"
    formula = (
        "得分 = 100 × (0.4×min(20.3/30,1.5) + 0.3×min(326.3/500,1.5) + 0.2×min(1.19/2,1.5) + 0.1×min(82.5/100,1.5))"
        " = 66.9"
    )
    assert formula in [x.value for x in app.text]
    assert maps(app)["performance"]["selected"] == {"layer": "performance", "id": "P009"}
    app.selectbox(key=SELECT).set_value("P002").run()  # a parcel the table has no row for
    assert t("perf_card_no_data", "zh", id="P002", year=2025) in [i.value for i in app.info]


def test_an_uploaded_table_with_a_stated_area_far_from_the_measured_one_is_flagged():
    parcels = folder_dataset().park.parcels
    measured_mu = float(parcels.loc[parcels["id"] == "P001"].to_crs(4549).area.iloc[0]) / M2_PER_MU
    rows = pd.DataFrame(
        [
            {"地块编号": "P001", "年份": 2024, "税收（万元）": 600, "产值（万元）": 6000, "用地面积（亩）": 10},
            {"地块编号": "P999", "年份": 2024, "税收（万元）": 1, "产值（万元）": 1},
        ]
    )
    app = open_app("pages/performance.py")
    app.session_state[STATS] = pf.Stats(table=normalise_stats(rows), demo=False, name="统计局2024.xlsx")
    app.run()
    app.selectbox(key=SELECT).set_value("P001").run()
    assert not app.exception and not app.error
    assert not any(w.value == t("perf_page_demo_notice", "zh") for w in app.warning)
    assert t("perf_page_using_upload", "zh", name="统计局2024.xlsx", n=2) in [x.value for x in app.text]
    assert t("perf_page_unmatched", "zh", n=1, ids="P999") in [w.value for w in app.warning]
    share = f"{abs(10 - measured_mu) / measured_mu:.0%}"
    assert t("perf_card_mismatch", "zh", share=share, limit="10%") in [w.value for w in app.warning]
    assert t("perf_card_area", "zh", stated="10.00", measured=f"{measured_mu:,.2f}") in [x.value for x in app.text]
    # on the stated 10 亩: 60 万元 tax and 600 万元 output per mu; no energy or workers (they score 0):
    # 100 × (0.4 × min(60/30, 1.5) + 0.3 × min(600/500, 1.5)) = 100 × (0.6 + 0.36) = 96 -> B
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["亩均税收（万元/亩）"] == "60.00" and metrics["单位能耗产出（万元/吨标准煤）"] == "—"
    assert metrics[t("f_score", "zh")] == "96.0" and metrics[t("perf_card_class", "zh")] == "B"
    assert drawn(app) == {pid: ("B" if pid == "P001" else "none") for pid in parcels["id"]}


# --- the planner: hand-built parcels ------------------------------------------------------------------------
def squares(names: dict[str, str], area_mu: float = 30.0) -> gpd.GeoDataFrame:
    """Square parcels of ``area_mu`` 亩 side by side in EPSG:4549 (id -> name)."""
    side = float(np.sqrt(area_mu * M2_PER_MU))
    geoms = [
        shapely.box(PUTUO_X + i * (side + 10), PUTUO_Y, PUTUO_X + i * (side + 10) + side, PUTUO_Y + side)
        for i in range(len(names))
    ]
    return gpd.GeoDataFrame(
        {"id": list(names), "name_zh": list(names.values()), "name_en": list(names.values())}, geometry=geoms, crs=4549
    ).to_crs(4326)


def hand_run(**overrides) -> pf.PerformanceRun:
    """One 30 亩 parcel: 1,500 万元 tax, 15,000 万元 output, 3,000 tce, 150 workers — per mu 50 and 500, 5 per tce,
    100 per worker; and a second parcel without energy or workers."""
    rows = pd.DataFrame(
        [
            {
                "地块编号": "X1",
                "年份": 2025,
                "税收（万元）": 1500,
                "产值（万元）": 15000,
                "能耗（吨标准煤）": 3000,
                "从业人员（人）": 150,
            },
            {"地块编号": "X2", "年份": 2025, "税收（万元）": 300, "产值（万元）": 3000},
        ]
    )
    stats = pf.Stats(table=normalise_stats(rows), demo=overrides.pop("demo", False))
    parcels = squares(overrides.pop("names", {"X1": "一号地块", "X2": "二号地块"}))
    return pf.evaluate(stats, parcels, scheme=EXAMPLE_SCHEME)


def test_the_formula_text_with_a_parcels_own_numbers_hand_computed():
    run = hand_run()
    # 100 × (0.4 × min(50/30, 1.5) + 0.3 × min(500/500, 1.5) + 0.2 × min(5/2, 1.5) + 0.1 × min(100/100, 1.5))
    # = 100 × (0.6 + 0.3 + 0.3 + 0.1) = 130
    x1 = pf.parcel_card(run, "X1", lang="zh")
    assert x1.formula == (
        "得分 = 100 × (0.4×min(50.0/30,1.5) + 0.3×min(500.0/500,1.5) + 0.2×min(5.00/2,1.5) + 0.1×min(100.0/100,1.5))"
        " = 130.0"
    )
    assert x1.klass == "A" and x1.stability == 1.0  # 130 stays above 100 however the weights move by ±20 %
    # 10 per mu and 100 per mu, no energy or workers: 100 × (0.4 × 10/30 + 0.3 × 100/500) = 19.3
    x2 = pf.parcel_card(run, "X2", lang="en")
    assert x2.formula == "Score = 100 × (0.4×min(10.0/30,1.5) + 0.3×min(100.0/500,1.5) + 0.2×0 + 0.1×0) = 19.3"
    assert x2.missing == ("Output per unit of energy", "Output per worker") and x2.klass == "D"


def test_the_xlsx_opens_with_typed_values_and_no_formula():
    run = hand_run(names={"X1": '=HYPERLINK("http://evil","x")', "X2": "@SUM(A1)"}, demo=True)
    book = load_workbook(io.BytesIO(pf.table_xlsx(run, lang="zh")))
    sheet = book.active
    assert sheet.title == t("perf_page_sheet_demo", "zh")  # the fictional demonstration says so
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header == list(pf.performance_table(run, lang="zh").columns)
    first = dict(zip(header, rows[1]))
    assert first["地块编号"] == "X1" and first["等级"] == "A" and first["得分"] == 130.0 and first["年份"] == 2025
    assert first["亩均税收（万元/亩）"] == 50.0 and first["等级稳定性（%）"] == 100.0
    assert first["面积相差超过 10%"] is False and first["申报面积（亩）"] is None
    assert first["名称"] == '=HYPERLINK("http://evil","x")'  # the name as typed, as text
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if isinstance(cell.value, str) and cell.value.startswith(("=", "@")):
                assert cell.data_type == "s", cell.coordinate  # a string cell: never evaluated, no prefix
    assert pf.xlsx_name(run) == "putuo_land_performance_2025_demo.xlsx"


def test_an_uploaded_table_is_read_as_uploads_are_and_a_bad_one_refused():
    from gis.errors import PerformanceError

    csv = "地块编号,年份,税收（万元）,产值（万元）\nP001,2024,10,100\nP001,2025,12,120\n".encode("gbk")
    stats = pf.read_stats_upload("统计.csv", csv)
    assert stats.years == (2025, 2024) and not stats.demo and stats.name == "统计.csv"
    with pytest.raises(PerformanceError) as bad:
        pf.read_stats_upload("统计.csv", "地块编号,年份,税收（万元）,产值（万元）\nP001,2025,很多,1\n".encode())
    assert bad.value.code == "perf_bad_number"
    with pytest.raises(PerformanceError) as keyless:
        pf.read_stats_upload("统计.csv", "年份,税收（万元）,产值（万元）\n2025,1,1\n".encode())
    assert keyless.value.code == "perf_no_key"


def test_a_stored_scheme_round_trips_and_a_broken_one_is_refused():
    from gis.errors import PerformanceError

    assert pf.same_scheme(pf.scheme_from_value(pf.scheme_value(EXAMPLE_SCHEME)), EXAMPLE_SCHEME)
    for broken in (None, "x", {"weights": {}}, {**pf.scheme_value(EXAMPLE_SCHEME), "cap": "much"}):
        with pytest.raises(PerformanceError):
            pf.scheme_from_value(broken)
    with pytest.raises(PerformanceError) as thresholds:
        pf.scheme_from_value({**pf.scheme_value(EXAMPLE_SCHEME), "thresholds": [40, 70, 100]})
    assert thresholds.value.code == "perf_scheme_thresholds"
