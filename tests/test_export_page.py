"""AppTest of the export page: every tab renders, formats and CRSs switch cleanly, atlas and report build."""

import re

import pytest

from export.formats import FORMATS, TARGETS
from gis.scenario import Scenario
from pages.state import HISTORY
from planner.scenario_edit import History
from tests.apptest_util import open_app, open_tab
from text.messages import t


@pytest.fixture
def at(tmp_path, monkeypatch):
    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "ws.gpkg"))
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    return open_app("pages/export.py", timeout=180)


def labels(app):
    return [b.label for b in app.get("download_button")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_gives_a_download(at, fmt):
    at.multiselect(key="exp_layers@zh").select("stations").run()
    at.selectbox(key="exp_format@zh").select(fmt).run()
    target = "cgcs2000_gk120" if fmt == "dxf" else "gcj02" if fmt == "kml" else "cgcs2000"
    at.selectbox(key="exp_crs@zh").select(target).run()
    assert not at.exception and not at.error
    name = next(label for label in labels(at) if label.startswith(t("exp_download", "zh") + " putuo_"))
    ext = {
        "geojson": ".zip",
        "gpkg": ".gpkg",
        "shp": ".zip",
        "kml": ".zip",
        "dxf": ".dxf",
        "csv_wkt": ".zip",
        "csv_xy": ".zip",
    }[fmt]  # two layers chosen: one file per layer is zipped
    assert name.endswith(ext)


def test_kml_in_a_projected_crs_is_refused_with_a_message(at):
    at.selectbox(key="exp_format@zh").select("kml").run()
    at.selectbox(key="exp_crs@zh").select("cgcs2000_gk120").run()
    assert not at.exception and at.error[0].value == t("err_title_export", "zh")


@pytest.mark.parametrize("extent", ["district", "cluster", "subpark", "scenario", "view"])
def test_print_map_extents(at, extent):
    open_tab(at, "exp_tab", "exp_tab_print")
    if extent == "scenario":
        at.session_state[HISTORY] = History(Scenario(name="s", parcels=("P060", "P061")))
    at.radio(key="pm_extent@zh").set_value(extent).run()
    assert not at.exception and not at.error
    assert len(at.get("image")) >= 1  # the preview
    assert any(label.startswith(t("exp_download", "zh") + " (PNG") for label in labels(at))


def test_empty_scenario_extent_frames_the_district(at):
    open_tab(at, "exp_tab", "exp_tab_print")
    at.radio(key="pm_extent@zh").set_value("scenario").run()
    assert not at.exception and not at.error and len(at.get("image")) >= 1


def test_atlas_and_report_build_pdfs(at):
    open_tab(at, "exp_tab", "exp_tab_atlas")
    at.button(key="atlas_make").click().run()
    pdf = at.session_state["atlas_pdf"]
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) == 14
    at.session_state[HISTORY] = History(Scenario(name="报告", author="王", parcels=("P060",)))
    open_tab(at, "exp_tab", "exp_tab_report")
    at.button(key="report_make").click().run()
    report = at.session_state["report_pdf"]
    # the map page, then the measures, weights and the card flowed onto one page
    assert report.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", report)) == 2
    assert set(TARGETS) == {"wgs84", "cgcs2000", "cgcs2000_gk120", "gcj02"}


def test_print_title_follows_a_language_switch_until_edited(at):
    open_tab(at, "exp_tab", "exp_tab_print")
    assert at.text_input(key="pm_title").value == t("exp_default_title", "zh")
    at.radio(key="lang").set_value("en").run()
    assert at.text_input(key="pm_title").value == t("exp_default_title", "en")
    at.text_input(key="pm_title").input("我的标题").run()
    at.radio(key="lang").set_value("zh").run()
    assert at.text_input(key="pm_title").value == "我的标题"


def test_roads_and_metro_lines_are_offered_and_csv_comes_in_two_named_encodings(at):
    options = at.multiselect(key="exp_layers@zh").options
    assert {t("layer_roads", "zh"), t("layer_metro_lines", "zh")} <= set(options)  # as the CLI offers them
    at.multiselect(key="exp_layers@zh").set_value(["roads", "metro_lines"]).run()
    at.selectbox(key="exp_format@zh").select("csv_wkt").run()
    box = at.selectbox(key="exp_encoding_csv@zh")
    assert not box.disabled and box.options == [t("exp_enc_csv_UTF-8", "zh"), t("exp_enc_csv_GB18030", "zh")]
    box.select("GB18030").run()
    assert not at.exception and not at.error
    name = next(label for label in labels(at) if label.startswith(t("exp_download", "zh") + " putuo_"))
    assert name.endswith("putuo_roads_metro_lines_wgs84_GB18030.zip")
    open_tab(at, "exp_tab", "exp_tab_print")
    assert t("layer_roads", "zh") not in at.multiselect(key="pm_layers@zh").options  # drawn under every print map
