"""AppTest flows of the scenarios page: build, edits kept, undo/redo, save, reopen, compare, suggest."""

import pytest

from gis.scenario import Scenario
from pages.state import DRAWN, HISTORY, NAME, NOTES, SUGGESTION
from store import open_workspace
from tests.apptest_util import maps, open_app, open_tab
from text.messages import t


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    path = tmp_path / "ws.gpkg"
    monkeypatch.setenv("PUTUO_WORKSPACE", str(path))
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    return path


def open_page():
    return open_app("pages/scenarios.py")


def metric(app, key):
    return next(m.value for m in app.metric if m.label == t(key, "zh"))


def current(app) -> Scenario:
    return app.session_state[HISTORY].current


def test_base_scenario_metrics(workspace):
    at = open_page()
    assert metric(at, "m_total") == "10.080 km²" and metric(at, "m_added") == "0.000 km²"


def test_name_and_notes_typed_in_a_row_are_both_kept(workspace):
    """Typing the name, then the notes (each change its own run) keeps both: no input loses its text."""
    at = open_page()
    at.text_input(key=NAME).input("北拓方案")
    at.text_input(key=NOTES).input("与区规划局讨论稿")
    at.run()
    assert current(at).name == "北拓方案" and current(at).notes == "与区规划局讨论稿"
    at.text_input(key=NAME).input("北拓方案二").run()
    assert current(at).notes == "与区规划局讨论稿"  # the other input kept its text
    assert at.text_input(key=NOTES).value == "与区规划局讨论稿"


def test_build_undo_redo_save_and_reopen(workspace):
    at = open_page()
    at.session_state[HISTORY] = at.session_state[HISTORY].apply(current(at).with_parcel("P060", included=True))
    at.run()
    added = metric(at, "m_added")
    assert added != "0.000 km²"
    at.text_input(key=NAME).input("北拓方案").run()
    assert current(at).name == "北拓方案"
    at.button(key="scen_undo").click().run()
    assert current(at).name != "北拓方案" and at.text_input(key=NAME).value == current(at).name
    at.button(key="scen_redo").click().run()
    assert current(at).name == "北拓方案" and at.text_input(key=NAME).value == "北拓方案"
    at.button(key="scen_save").click().run()
    assert at.success[0].value == t("scen_saved", "zh", version=1)
    saved_id = current(at).id
    assert current(at).author  # the acting user, never typed

    fresh = open_page()  # a new browser session, same workspace
    fresh.selectbox(key="scen_open").select(saved_id).run()
    fresh.button(key="scen_load").click().run()
    assert current(fresh).parcels == ("P060",)
    assert metric(fresh, "m_added") == added
    assert [v.version for v in open_workspace(path=workspace).scenarios.history(saved_id)] == [1]
    shown = next(d.value for d in fresh.dataframe if t("hist_changes", "zh") in d.value.columns)
    assert "纳入" in shown[t("hist_changes", "zh")].iloc[0] or "新建" in shown[t("hist_changes", "zh")].iloc[0]
    assert shown[t("hist_saved", "zh")].iloc[0].count(":") == 1 and "T" not in shown[t("hist_saved", "zh")].iloc[0]


def test_the_open_tab_survives_a_save_and_a_language_switch(workspace):
    at = open_page()
    open_tab(at, "scen_tab", "tab_suggest")
    at.button(key="scen_save").click().run()
    assert at.session_state["scen_tab@zh"] == t("tab_suggest", "zh")
    at.radio(key="lang").set_value("en").run()
    assert at.session_state["scen_tab@en"] == t("tab_suggest", "en")


def test_map_states_follow_the_scenario(workspace):
    at = open_page()
    layer = next(r for r in maps(at)["scenario"]["layers"] if r["id"] == "scenario_parcels")
    assert layer["restyle"]["P060"] == "out" and set(layer["restyle"].values()) == {"out", "fail"}
    at.session_state[HISTORY] = at.session_state[HISTORY].apply(current(at).with_parcel("P060", included=True))
    at.run()
    layer = next(r for r in maps(at)["scenario"]["layers"] if r["id"] == "scenario_parcels")
    assert layer["restyle"]["P060"] == "in"


def test_compare_two_saved_scenarios_with_translated_rows(workspace):
    ws = open_workspace(path=workspace)
    a = ws.scenarios.save(Scenario(name="甲", parcels=("P060",)), actor="王", base_version=None).scenario
    b = ws.scenarios.save(Scenario(name="乙", parcels=("P060", "P061", "P062")), actor="王", base_version=None).scenario
    at = open_page()
    open_tab(at, "scen_tab", "tab_compare")
    at.multiselect(key="cmp_pick@zh").select(a.id).select(b.id).run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "甲 · v1" in d.value.columns)
    assert list(table.columns) == ["甲 · v1", "乙 · v1"]
    added = t("cmp_added_km2", "zh")
    assert table.loc[added, "乙 · v1"] > table.loc[added, "甲 · v1"] > 0
    assert not any("_" in str(i) for i in table.index)  # no raw keys such as total_km2
    legend = [e[0] for e in maps(at)["compare"]["legend"]["entries"]]
    assert "甲 · v1" in legend and "乙 · v1" in legend  # the legend names the scenarios


def test_suggest_and_accept(workspace):
    at = open_page()
    open_tab(at, "scen_tab", "tab_suggest")
    at.number_input(key="sug_budget").set_value(0.2).run()
    at.button(key="sug_run").click().run()
    result = at.session_state[SUGGESTION]
    assert result.exact.status == "optimal" and at.info
    # the exact optimum is never worse than greedy (a tie may differ in the last bit of the float sum)
    assert result.exact.added_m2 <= 0.2e6 and result.exact.total_score >= result.greedy.total_score - 1e-9
    at.button(key="sug_accept").click().run()
    assert current(at).parcels == result.exact.parcels


def test_infeasible_suggestion_says_which_constraint_and_by_how_much(workspace):
    at = open_page()
    open_tab(at, "scen_tab", "tab_suggest")
    at.number_input(key="sug_min_belt").set_value(0.05).run()
    at.button(key="sug_run").click().run()
    assert at.error and at.error[0].value == t("sug_infeasible", "zh")
    reason = " ".join(x.value for x in at.text)
    assert "苏河水岸" in reason and "km²" in reason and "少于要求的 0.050 km²" in reason
    assert "HiGHS" not in reason and "infeasible" not in reason.lower()


def test_a_stale_save_offers_branch_or_save_over(workspace):
    from pages.state import CONFLICT

    alice = open_page()
    alice.session_state[HISTORY] = alice.session_state[HISTORY].apply(current(alice).with_parcel("P060", included=True))
    alice.run()
    alice.button(key="scen_save").click().run()
    sid = current(alice).id
    bob = open_page()
    bob.selectbox(key="scen_open").select(sid).run()
    bob.button(key="scen_load").click().run()
    alice.session_state[HISTORY] = alice.session_state[HISTORY].apply(current(alice).with_parcel("P061", included=True))
    alice.run()
    alice.button(key="scen_save").click().run()  # version 2, after bob opened version 1
    bob.session_state[HISTORY] = bob.session_state[HISTORY].apply(current(bob).with_parcel("P062", included=True))
    bob.run()
    bob.button(key="scen_save").click().run()
    assert isinstance(bob.session_state[CONFLICT], Exception) and not bob.success  # nothing superseded silently
    assert any(w.value == t("err_title_conflict", "zh") for w in bob.warning)
    shown = " ".join(x.value for x in bob.text)
    assert "第 2 版" in shown or "2" in shown
    bob.button(key="conflict_overwrite").click().run()
    assert bob.success[0].value == t("scen_saved", "zh", version=3)
    assert [v.version for v in open_workspace(path=workspace).scenarios.history(sid)] == [1, 2, 3]


def test_a_conflict_can_be_saved_as_a_new_branch(workspace):
    alice, bob = open_page(), None
    alice.button(key="scen_save").click().run()
    sid = current(alice).id
    bob = open_page()
    bob.selectbox(key="scen_open").select(sid).run()
    bob.button(key="scen_load").click().run()
    alice.text_input(key=NAME).input("甲版").run()
    alice.button(key="scen_save").click().run()
    bob.text_input(key=NAME).input("乙版").run()
    bob.button(key="scen_save").click().run()
    bob.button(key="conflict_branch").click().run()
    assert current(bob).id != sid and current(bob).name == "乙版"
    assert bob.success and [v.version for v in open_workspace(path=workspace).scenarios.history(sid)] == [1, 2]


def test_an_area_drawn_on_the_map_is_added_with_its_name(workspace):
    at = open_page()
    at.session_state[DRAWN] = {
        "type": "Polygon",
        "coordinates": [[[121.40, 31.25], [121.401, 31.25], [121.401, 31.251], [121.40, 31.25]]],
    }
    at.run()
    at.text_input(key="scen_drawn_name").input("新区")
    at.button(key="scen_add_drawn").click().run()
    assert not at.exception
    assert [name for name, _ in current(at).drawn.values()] == ["新区"] and DRAWN not in at.session_state
