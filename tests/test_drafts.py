"""Work in progress survives a reload, a deep link and a server restart: the weights, the preset (自定义 once a
slider moved), the 控规 rule, the language and the scenario being edited are autosaved per user in the workspace
and restored in a new session, with a way to discard the scenario draft."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pages import state
from planner import drafts
from planner import scenario_edit as se
from planner.auth import User
from planner.workspace import open_from_env
from tests.apptest_util import open_app
from tests.live_app import ROOT


@pytest.fixture
def workspace_env(monkeypatch, tmp_path):
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "workspace.gpkg"))
    monkeypatch.setenv("PUTUO_AUTOSAVE", "1")


def _edit_a_scenario(app, parcels: tuple[str, ...]) -> None:
    """What the scenario page's parcel clicks do: the history gains a scenario with these parcels."""
    h = app.session_state[state.HISTORY]
    app.session_state[state.HISTORY] = se.set_parcels(h, list(parcels))
    app.run()
    assert not app.exception, [e.value for e in app.exception]


def test_a_new_session_gets_back_the_weights_language_and_scenario_and_can_discard_it(workspace_env):
    first = open_app("pages/parcels.py")
    first.slider(key=state.weight_key("size")).set_value(77).run()
    assert first.selectbox(key="weights_preset@zh").value == "custom"  # no longer the preset's weights
    first.radio(key="lang").set_value("en").run()
    first.switch_page("pages/scenarios.py").run()
    _edit_a_scenario(first, ("P001", "P002"))

    again = open_app()  # a reload: a new session, nothing in its state
    assert again.session_state[state.LANG] == "en"
    assert again.session_state[state.WEIGHTS]["size"] == 77.0
    again.switch_page("pages/scenarios.py").run()
    assert not again.exception, [e.value for e in again.exception]
    assert tuple(again.session_state[state.HISTORY].current.parcels) == ("P001", "P002")
    notice = [i.value for i in again.info if "restored" in i.value]
    assert notice and "autosaved" in notice[0]
    again.switch_page("pages/parcels.py").run()
    assert again.slider(key=state.weight_key("size")).value == 77
    assert again.selectbox(key="weights_preset@en").value == "custom"

    again.switch_page("pages/scenarios.py").run()
    next(b for b in again.button if b.key == "draft_discard").click().run()
    assert not again.exception, [e.value for e in again.exception]
    assert not again.session_state[state.HISTORY].current.parcels
    assert not [i.value for i in again.info if "restored" in i.value]

    third = open_app("pages/scenarios.py")  # the discarded draft does not come back; the weights do
    assert not third.session_state[state.HISTORY].current.parcels
    assert third.session_state[state.WEIGHTS]["size"] == 77.0


def test_a_link_that_names_the_language_wins_over_the_remembered_one(workspace_env):
    first = open_app()
    first.radio(key="lang").set_value("en").run()
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.query_params["lang"] = "zh"
    app.run()
    assert app.session_state[state.LANG] == "zh"


def test_drafts_are_per_user_and_a_bad_stored_draft_is_no_draft(workspace_env):
    ws, _ = open_from_env()
    audited = len(ws.audit.entries())
    alice, bob = User("alice", "editor", "password"), User("bob", "editor", "password")
    sc = se.blank_scenario(name="甲方案", author="alice")
    sc = se.set_parcels(se.History(sc), ["P003"]).current
    drafts.save(ws, alice, drafts.Draft(lang="en", weights={"size": 40}, scenario=sc, base=(sc.id, 2)))
    got = drafts.load(ws, alice)
    assert got is not None and got.scenario == sc and got.base == (sc.id, 2) and got.weights == {"size": 40.0}
    assert got.saved_at and drafts.load(ws, bob) is None
    drafts.forget_scenario(ws, alice)
    assert drafts.load(ws, alice).scenario is None and drafts.load(ws, alice).lang == "en"
    ws.settings.set_own("bob", drafts.DRAFT, {"scenario": {"id": 5}, "weights": "x"})
    assert drafts.load(ws, bob) is None
    assert len(ws.audit.entries()) == audited  # work in progress, not a decision: not in the audit trail


def test_drafts_off_keeps_nothing(workspace_env, monkeypatch):
    monkeypatch.setenv("PUTUO_AUTOSAVE", "0")
    ws, _ = open_from_env()
    user = User("carol", "editor", "password")
    drafts.save(ws, user, drafts.Draft(lang="en"))
    assert drafts.load(ws, user) is None and ws.settings.get_own("carol", drafts.DRAFT) is None
