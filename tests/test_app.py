"""Streamlit AppTest for every page and the explorer's flows (language, select a sub-park, read the panel)."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from layers.i18n import t
from views import common
from tests.live_app import ROOT

PAGES = ["views/explorer.py", "views/parcels.py", "views/scenarios.py", "views/data_import.py", "views/export.py",
         "views/indicators.py", "views/data_sources.py"]


@pytest.fixture
def at(monkeypatch, tmp_path):
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "ws.gpkg"))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    app.run()
    assert not app.exception
    return app


def _map_args(app) -> dict:
    comps = [e for e in app.main if getattr(e, "type", None) == "component_instance"]
    assert len(comps) == 1, "the explorer shows exactly one map"
    return json.loads(comps[0].proto.json_args)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_both_languages(at, page, lang):
    at.radio(key=common.LANG).set_value(lang).run()
    at.switch_page(page).run()
    assert not at.exception
    assert at.title and at.title[0].value


def test_home_shows_map_with_local_leaflet_and_every_layer(at):
    args = _map_args(at)
    assert args["js_links"] == ["/app/static/vendor/leaflet/leaflet.js"]
    assert args["css_links"] == ["/app/static/vendor/leaflet/leaflet.css"]
    assert set(args["returned_objects"]) == {"last_active_drawing", "last_object_clicked"}  # no rerun on pan
    for layer, first in [("district", "310107"), ("zones", "belt"), ("subparks", "N01"), ("parcels", "P001"),
                         ("stations", "M")]:
        assert f'["{layer}",' in args["script"] and f'["{first}' in args["script"]
    assert at.info[0].value == t("demo_banner", "zh")


def test_area_table_totals_plan_figure(at):
    cluster_table = at.dataframe[0].value
    total = cluster_table[cluster_table.iloc[:, 0] == t("total", "zh")]
    assert float(total[t("f_area_km2", "zh")].iloc[0]) == pytest.approx(10.08, rel=0.01)
    assert int(total[t("f_count", "zh")].iloc[0]) == 14
    per_subpark = at.dataframe[1].value
    assert len(per_subpark) == 15  # 14 sub-parks + total row


def test_flow_switch_language_select_subpark_read_panel(at):
    assert at.title[0].value == "张江普陀园规划助手"
    assert any(t("panel_hint", "zh") in m.value for m in at.markdown)
    at.radio(key=common.LANG).set_value("en").run()
    assert at.title[0].value == "Putuo Park Planner"
    at.selectbox(key=common.widget_key(common.SELECTED_SUBPARK, "en")).select("S01").run()
    assert not at.exception
    heads = [s.value for s in at.subheader]
    assert "Changfeng Eco-business District" in heads
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["km²"]) == pytest.approx(3.06, abs=0.01)
    assert float(metrics["Area (ha)"]) == pytest.approx(306, abs=1)
    texts = " ".join(x.value for x in at.text)
    assert "digital economy" in texts and "Suzhou Creek belt" in texts
    at.radio(key=common.LANG).set_value("zh").run()
    assert "长风生态商务区" in [s.value for s in at.subheader]  # the selection survives a language switch


def test_map_click_selection_is_applied_on_next_run(at):
    at.session_state[common.PENDING_SELECTION] = "N02"
    at.run()
    assert at.selectbox(key=common.widget_key(common.SELECTED_SUBPARK, "zh")).value == "N02"
    assert "未来岛高新技术产业园" in [s.value for s in at.subheader]


def test_selection_highlight_is_sent_without_rebuilding_map(at):
    script_before = _map_args(at)["script"]
    at.selectbox(key=common.widget_key(common.SELECTED_SUBPARK, "zh")).select("N01").run()
    args = _map_args(at)
    assert args["script"] == script_before  # same map: the browser keeps its view
    assert args["feature_group"] and "geo_json" in args["feature_group"]


def test_basemap_choices(at):
    at.selectbox(key=common.widget_key(common.BASEMAP, "zh")).select("amap").run()
    assert not at.exception and "autonavi" in _map_args(at)["script"]
    at.selectbox(key=common.widget_key(common.BASEMAP, "zh")).select("tianditu_img").run()
    assert any(t("basemap_needs_key", "zh") in w.value for w in at.warning)


def test_broken_data_folder_shows_error_not_crash(monkeypatch, tmp_path):
    monkeypatch.setenv("PUTUO_DATA_DIR", str(tmp_path))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    assert not app.exception
    assert app.error and "Layer file not found" in app.error[0].value


def test_indicators_page_table(at):
    at.switch_page("views/indicators.py").run()
    df = at.dataframe[0].value
    assert len(df) == 8
    row = df[df.iloc[:, 0].str.contains("高新技术企业")]
    assert float(row.iloc[0, 2]) == 316 and float(row.iloc[0, 3]) == 415


def test_data_page_reports_invariants(at):
    at.switch_page("views/data_sources.py").run()
    assert at.success and at.success[0].value == t("data_valid", "zh")


def test_choices_survive_a_language_switch_with_translated_labels(at):
    at.selectbox(key=common.widget_key(common.BASEMAP, "zh")).select("positron").run()
    at.radio(key=common.LANG).set_value("en").run()
    box = at.selectbox(key=common.widget_key(common.BASEMAP, "en"))
    assert box.value == "positron"  # carried over, shown with its English label (a new key per language)
    assert t("basemap_positron", "en") in box.options
