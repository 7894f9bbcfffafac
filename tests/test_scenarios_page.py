"""AppTest flows of the scenarios page: build, undo/redo, save, reopen in a new session, compare, suggest."""

import pytest
from streamlit.testing.v1 import AppTest

from gis.store import ScenarioStore
from layers.i18n import t
from views import common
from tests.live_app import ROOT


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    path = tmp_path / "ws.gpkg"
    monkeypatch.setenv("PUTUO_WORKSPACE", str(path))
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    return path


def open_page(workspace):
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.run()
    app.switch_page("views/scenarios.py").run()
    assert not app.exception
    return app


def metric(app, key):
    return next(m.value for m in app.metric if m.label == t(key, "zh"))


def test_base_scenario_metrics(workspace):
    at = open_page(workspace)
    assert metric(at, "m_total") == "10.080 km²" and metric(at, "m_added") == "0.000 km²"


def test_build_undo_redo_save_and_reopen(workspace):
    at = open_page(workspace)
    s = at.session_state[common.SCENARIO]
    at.session_state[common.SCENARIO] = s.with_parcel("P060", included=True)
    at.run()
    added = metric(at, "m_added")
    assert added != "0.000 km²"
    at.text_input(key="scen_name_0").input("北拓方案").run()
    assert at.session_state[common.SCENARIO].name == "北拓方案"
    at.button(key="scen_undo").click().run()
    assert at.session_state[common.SCENARIO].name != "北拓方案"
    at.button(key="scen_redo").click().run()
    assert at.session_state[common.SCENARIO].name == "北拓方案"
    at.button(key="scen_save").click().run()
    assert at.success[0].value == t("scen_saved", "zh").format(1)
    saved_id = at.session_state[common.SCENARIO].id

    fresh = open_page(workspace)  # a new browser session, same workspace
    fresh.selectbox(key="scen_open").select(saved_id).run()
    fresh.button(key="scen_load").click().run()
    assert fresh.session_state[common.SCENARIO].parcels == ("P060",)
    assert metric(fresh, "m_added") == added
    history = ScenarioStore(workspace).history(saved_id)
    assert history["version"].tolist() == [1]


def test_compare_two_saved_scenarios(workspace):
    store = ScenarioStore(workspace)
    from gis.scenario import Scenario

    a, _ = store.save(Scenario(name="甲", parcels=("P060",)))
    b, _ = store.save(Scenario(name="乙", parcels=("P060", "P061", "P062")))
    at = open_page(workspace)
    at.multiselect(key=common.widget_key("cmp_pick", "zh")).select(a.id).select(b.id).run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "甲 v1" in d.value.columns)
    assert list(table.columns) == ["甲 v1", "乙 v1"]
    assert table.loc["added_km2", "乙 v1"] > table.loc["added_km2", "甲 v1"] > 0


def test_suggest_and_accept(workspace):
    at = open_page(workspace)
    at.number_input(key="sug_budget").set_value(0.2).run()
    at.button(key="sug_run").click().run()
    assert "optimal" in at.info[0].value
    exact, greedy = at.session_state[common.SUGGESTION]
    # the exact optimum is never worse than greedy (a tie may differ in the last bit of the float sum)
    assert exact.added_m2 <= 0.2e6 and exact.total_score >= greedy.total_score - 1e-9
    at.button(key="sug_accept").click().run()
    assert at.session_state[common.SCENARIO].parcels == exact.parcels
    assert metric(at, "m_pieces") == metric(open_page(workspace), "m_pieces")  # contiguous: no new piece
