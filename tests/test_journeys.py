"""Journeys across pages (AppTest): what one page set, the next one uses — the weights, the preset, the user's
own parcels and the 控规 rule chosen on 候选地块评估 are what 扩区方案, 导出 and the park map score with."""

from __future__ import annotations

import pytest

from pages import state
from planner import evaluate as ev_
from planner.data import folder_dataset
from planner.review import bundled_regulatory
from tests.apptest_util import open_app
from text.messages import t


@pytest.fixture
def app(monkeypatch, tmp_path):
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "workspace.gpkg"))
    return open_app("pages/parcels.py")


def _slider(app, criterion):
    return app.slider(key=state.weight_key(criterion))


def test_weights_and_preset_survive_a_visit_to_other_pages_and_score_the_scenario(app):
    app.selectbox(key="weights_preset@zh").select("transit_first").run()
    _slider(app, "size").set_value(77).run()
    chosen = {s.key: s.value for s in app.slider if s.key.startswith("w_")}
    assert chosen["w_size"] == 77 and chosen["w_transit"] > chosen["w_adjacency"]
    for page in ("pages/scenarios.py", "pages/export.py", "pages/explorer.py"):
        app.switch_page(page).run()
        assert not app.exception, [e.value for e in app.exception]
        assert state.WEIGHTS in app.session_state and app.session_state[state.WEIGHTS]["size"] == 77.0
    app.switch_page("pages/parcels.py").run()
    assert {s.key: s.value for s in app.slider if s.key.startswith("w_")} == chosen  # where the user left them
    assert app.selectbox(key="weights_preset@zh").value == "custom"  # a slider moved after the preset: 自定义


def test_the_scenario_page_scores_with_the_parcels_pages_criteria_and_weights(app):
    _slider(app, "size").set_value(100).run()
    for c in ev_.vector_criteria():
        if c != "size":
            _slider(app, c).set_value(0).run()
    app.switch_page("pages/scenarios.py").run()
    assert not app.exception
    table = next(d.value for d in app.dataframe if t("f_score", "zh") in d.value.columns)
    ev = ev_.evaluate(folder_dataset(), regulatory=bundled_regulatory())  # what the parcels page evaluated
    by_size = ev_.score(ev, {c: (100.0 if c == "size" else 0.0) for c in ev.criteria})
    best = table.sort_values(t("f_score", "zh"), ascending=False).iloc[0]
    assert float(best[t("f_score", "zh")]) == pytest.approx(float(by_size.table["score"].max()), abs=1e-3)
