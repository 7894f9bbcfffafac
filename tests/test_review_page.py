"""The 合规审查 page and its words: the example proposals reviewed, a drawn site added or refused, the 审查意见 PDF,
both languages; the command line's clauses in English."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import geopandas as gpd
import pytest
import shapely

from gis.crs import to_metric
from pages import state
from pages.review import DRAWN, PROPOSALS, SELECT
from planner import review as rv
from planner.data import folder_dataset
from tests.apptest_util import maps, open_app
from tests.live_app import ROOT
from text.messages import t

#: What the review finds for the six example proposals (scripts/build_demo_regulatory.py says why).
EXPECTED = ["pass", "pass", "fail", "fail", "fail", "no_data"]


@pytest.fixture
def at(monkeypatch, tmp_path):
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "workspace.gpkg"))  # remembered mappings: this test's own
    return open_app("pages/review.py")


def _texts(app) -> list[str]:
    return [x.value for x in app.text]


def _summary(app):
    return next(d.value for d in app.dataframe if t("rev_col_verdict", "zh") in d.value.columns)


def test_the_examples_are_reviewed_and_the_map_draws_each_verdict(at):
    assert t("rev_kg_bundled", "zh", n=93) in _texts(at)
    assert "proposals" not in {layer["id"] for layer in maps(at)["review"]["layers"]}
    at.button(key="review_demo").click().run()
    assert not at.exception and not at.error
    assert t("rev_counts", "zh", n=6, passed=2, failed=3, missing=1) in _texts(at)
    summary = _summary(at)
    assert list(summary[t("rev_col_verdict", "zh")]) == [t(f"rev_verdict_{v}", "zh") for v in EXPECTED]
    assert list(summary[t("rev_col_failed", "zh")])[2:5] == ["容积率上限", "用地性质", "建筑限高、绿地率下限"]
    layers = {layer["id"]: layer for layer in maps(at)["review"]["layers"]}
    assert len(layers["konggui"]["doc"]["f"]) == 93
    drawn = layers["proposals"]["doc"]["f"]
    assert [f[0] for f in drawn] == ["1", "2", "3", "4", "5", "6"] and [f[1] for f in drawn] == EXPECTED


def test_a_failing_proposal_says_what_would_comply_rule_by_rule(at):
    at.button(key="review_demo").click().run()
    at.selectbox(key=SELECT).set_value(2).run()
    checks = next(d.value for d in at.dataframe if t("rev_head_fix", "zh") in d.value.columns)
    far = checks[checks[t("rev_head_rule", "zh")] == "容积率上限"].iloc[0]
    assert far[t("rev_head_clause", "zh")] == "控规图则 PT-007-01 容积率上限"
    assert (far[t("rev_head_limit", "zh")], far[t("rev_head_value", "zh")], far[t("rev_head_margin", "zh")]) == (
        "4.00",
        "4.30",
        "-0.30",
    )
    assert far[t("rev_head_result", "zh")] == "不符合"
    assert far[t("rev_head_fix", "zh")] == t("rev_fix_gfa_less", "zh", amount="5,828")
    use = checks[checks[t("rev_head_rule", "zh")] == "用地性质"].iloc[0]
    assert use[t("rev_head_limit", "zh")] == "1001 工业用地" and use[t("rev_head_value", "zh")] == "100101 一类工业用地"
    assert maps(at)["review"]["selected"] == {"layer": "proposals", "id": "3"}


def test_english_page_has_english_clauses_and_verdicts(monkeypatch):
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    app = open_app("pages/review.py", lang="en")
    app.button(key="review_demo").click().run()
    app.selectbox(key=SELECT).set_value(4).run()
    assert not app.exception
    summary = next(d.value for d in app.dataframe if t("rev_col_verdict", "en") in d.value.columns)
    assert list(summary[t("rev_col_verdict", "en")]) == [t(f"rev_verdict_{v}", "en") for v in EXPECTED]
    checks = next(d.value for d in app.dataframe if t("rev_head_fix", "en") in d.value.columns)
    height = checks[checks[t("rev_head_rule", "en")] == "Building height limit"].iloc[0]
    assert height[t("rev_head_clause", "en")] == "Regulatory plan sheet PT-015-01: building height limit"
    assert height[t("rev_head_fix", "en")] == "Lower the building by 36.0 m to meet the height limit."
    kg = next(layer for layer in maps(app)["review"]["layers"] if layer["id"] == "konggui")["doc"]
    assert "0902 Business and finance land" in kg["s"]
    assert not [s for s in kg["s"] if re.search("[\u4e00-\u9fff]", s)]  # no Chinese left on the English map


def _site_in(parcel_id: str, inset_m: float = 5.0) -> dict:
    plan = to_metric(rv.bundled_regulatory())
    geom = plan.loc[plan["parcel_id"] == parcel_id].geometry.iloc[0].buffer(-inset_m)
    return shapely.geometry.mapping(gpd.GeoSeries([geom], crs=plan.crs).to_crs(4326).iloc[0])


def test_a_drawn_site_is_added_with_its_figures_and_reviewed(at):
    site = _site_in("PT-007-01")
    at.session_state[DRAWN] = site
    at.run()
    at.text_input(key="review_new_name").input("测试研发楼")
    at.selectbox(key="review_new_code@zh").set_value("100101")
    at.number_input(key="review_new_gfa").set_value(10_000.0)
    at.number_input(key="review_new_h").set_value(30.0)
    at.run()
    at.button(key="review_add_drawn").click().run()
    assert not at.exception and not at.error
    added = at.session_state[PROPOSALS]
    assert list(added["name"]) == ["测试研发楼"] and added["gfa_m2"].iloc[0] == 10_000.0
    assert DRAWN not in at.session_state
    summary = _summary(at)
    assert summary.iloc[0][t("rev_col_parcels", "zh")] == "PT-007-01"
    # height and FAR pass; coverage and green were not given: the verdict is "lacks data", not "complies"
    assert summary.iloc[0][t("rev_col_verdict", "zh")] == t("rev_verdict_no_data", "zh")
    assert [f[0] for f in next(x for x in maps(at)["review"]["layers"] if x["id"] == "proposals")["doc"]["f"]] == ["1"]


def test_a_site_outside_the_plan_is_refused_and_nothing_is_added(at):
    far_away = shapely.geometry.mapping(shapely.box(121.30, 31.30, 121.301, 31.301))
    at.session_state[DRAWN] = far_away
    at.run()
    at.button(key="review_add_drawn").click().run()
    assert not at.exception
    assert PROPOSALS not in at.session_state or at.session_state[PROPOSALS] is None
    assert any(t("reg_outside", "zh", name=t("rev_drawn_name", "zh", n=1)) in x.value for x in at.text)


def test_a_loaded_plan_replaces_the_bundled_one_for_the_session(at):
    plan = rv.bundled_regulatory().iloc[:5]
    at.session_state[state.REGULATORY] = plan
    at.run()
    assert not at.exception
    assert len(next(x for x in maps(at)["review"]["layers"] if x["id"] == "konggui")["doc"]["f"]) == 5
    assert any(x.value.startswith("正在使用载入的控规图层") for x in at.text)


def test_the_review_sheet_pdf_holds_the_clauses_the_numbers_and_the_title_block(tmp_path):
    assert shutil.which("pdftotext"), "poppler-utils is missing: run `bash scripts/setup.sh --dev`"
    ds, plan, proposals = folder_dataset(), rv.bundled_regulatory(), rv.demo_proposals()
    run = rv.run_review(proposals, plan)
    pdf = rv.review_sheet(ds, plan, proposals, run, 2, lang="zh", author="王工", unit="普陀区规划资源局")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    squeezed = "".join(text.split())
    for expected in (
        "数字经济产业楼合规审查意见",
        "控规图则PT-007-01容积率上限",
        "计容建筑面积减少",  # the sentence wraps in its cell: its pieces
        "5,828m²即可",
        "满足容积率上限。",
        "普陀区规划资源局",
        "EPSG:4549",
        "".join(t("report_page", "zh", page=2, pages=2).split()),
    ):
        assert expected in squeezed, expected


def test_the_command_line_prints_english_clauses_with_lang_en():
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "gis",
            "review",
            str(ROOT / "data/regulatory/proposals_demo.geojson"),
            "--regulatory",
            str(ROOT / "data/regulatory/konggui.geojson"),
            "--json",
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 1, out.stderr
    first = json.loads(out.stdout)["proposals"][0]
    assert first["name"] == "智能软件研发中心" and first["pass"] is True
    assert first["checks"][1]["clause"] == "Regulatory plan sheet PT-001-01: floor area ratio, maximum"


def _bureau_file() -> gpd.GeoDataFrame:
    """A bureau's 控规 export whose field names the app does not know."""
    plan = rv.bundled_regulatory().iloc[:3]
    return gpd.GeoDataFrame(
        {"DKBH": plan["parcel_id"].to_numpy(), "YDXZ": plan["code"].to_numpy(), "RJL_MAX": plan["far_max"].to_numpy()},
        geometry=plan.geometry.to_numpy(),
        crs=plan.crs,
    )


def test_a_plan_with_unknown_field_names_is_mapped_loaded_and_its_mapping_remembered(at):
    from pages.review import KG_RAW

    at.session_state[KG_RAW] = ("bureau.gpkg", _bureau_file())
    at.run()
    key = rv.mapping_key(["DKBH", "YDXZ", "RJL_MAX"])
    boxes = {f: at.selectbox(key=f"review_kgmap_{key}_{f}") for f in rv.plan_fields()}
    assert all(b.value == "" for b in boxes.values())  # nothing recognised: nothing guessed
    boxes["parcel_id"].set_value("DKBH")
    boxes["code"].set_value("YDXZ")
    boxes["far_max"].set_value("RJL_MAX")
    at.run()
    at.button(key="review_kg_load").click().run()
    assert not at.exception and not at.error
    loaded = at.session_state[state.REGULATORY]
    assert list(loaded["parcel_id"]) == ["PT-001-01", "PT-001-02", "PT-002-01"] and "height_max_m" not in loaded
    assert any(x.value == t("rev_kg_loaded", "zh", name="bureau.gpkg", n=3) for x in at.text)
    # the next file with these columns starts from the mapping saved in the workspace
    at.session_state[KG_RAW] = ("bureau2.gpkg", _bureau_file())
    at.run()
    assert at.selectbox(key=f"review_kgmap_{key}_far_max").value == "RJL_MAX"


def test_an_unmapped_required_field_is_refused_with_the_names_the_app_knows(at):
    from pages.review import KG_RAW

    other = _bureau_file().rename(columns={"DKBH": "BH"})  # columns no mapping was remembered for
    at.session_state[KG_RAW] = ("bureau.gpkg", other)
    at.run()
    at.button(key="review_kg_load").click().run()
    assert not at.exception
    shown = " ".join(x.value for x in at.text)
    assert "地块编号, 用地代码, 容积率上限" in shown and "parcel_id" in shown  # what is missing, what is recognised
    assert state.REGULATORY not in at.session_state or at.session_state[state.REGULATORY] is None
