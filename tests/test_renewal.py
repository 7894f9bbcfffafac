"""The weakest land (亩均效益 class D) offered to the parcel and scenario tools as renewal candidates, with its
performance on the parcel's card."""

from __future__ import annotations

import pytest

from pages import state
from planner import performance as pf
from planner.data import folder_dataset
from tests.apptest_util import open_app
from text.messages import t


@pytest.fixture
def run():
    return pf.evaluate(pf.demo_stats(), folder_dataset().park.parcels, scheme=pf.example_scheme())


def test_the_renewal_candidates_are_the_class_d_parcels_weakest_first(run):
    weak = pf.renewal_candidates(run)
    table = run.table
    assert weak and set(weak) == {str(i) for i in table.index[table["class"] == "D"]}
    assert list(table.loc[list(weak), "score"]) == sorted(table.loc[list(weak), "score"])
    assert pf.renewal_candidates(run, among=[weak[0], "P999"]) == (weak[0],)
    assert pf.renewal_candidates(None) == ()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_cards_line_says_the_class_and_whether_the_parcel_is_a_renewal_candidate(run, lang):
    weak = pf.renewal_candidates(run)[0]
    strong = next(str(i) for i, c in run.table["class"].items() if c == "A")
    line = pf.performance_line(run, weak, lang=lang)
    assert t("perf_card_line_demo", lang) in line and str(run.year) in line
    assert ("更新候选" if lang == "zh" else "renewal") in line
    assert ("更新候选" if lang == "zh" else "renewal") not in pf.performance_line(run, strong, lang=lang)
    assert pf.performance_line(run, "P999", lang=lang) is None


@pytest.fixture
def app(monkeypatch, tmp_path):
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "workspace.gpkg"))
    return open_app("pages/scenarios.py")


def test_the_scenario_tool_adds_the_class_d_parcels_in_one_click(app, run):
    weak = pf.renewal_candidates(run)
    button = app.button(key="scen_add_renewal")
    assert button.label == t("scen_add_renewal", "zh", n=len(weak))
    button.click().run()
    assert not app.exception
    assert set(weak) <= set(app.session_state[state.HISTORY].current.parcels)
    assert not [b for b in app.button if b.key == "scen_add_renewal"]  # all added: nothing more to offer


def test_the_parcel_card_shows_its_land_performance(monkeypatch, tmp_path, run):
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "workspace.gpkg"))
    page = open_app("pages/parcels.py")
    weak = pf.renewal_candidates(run)[0]
    page.selectbox(key="parcel_selected@zh").set_value(weak).run()
    assert pf.performance_line(run, weak, lang="zh") in [c.value.replace("\\", "") for c in page.caption]
