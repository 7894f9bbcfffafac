"""planner/scenario_edit.py directly: undo/redo, header edits that keep each other, parcel and assignment edits,
metrics shared by content, the comparison in both languages, the history table, the suggestion."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest
import shapely

from gis.errors import ScenarioError
from gis.scenario import Scenario
from planner import scenario_edit as se
from store import change_summary
from store.records import VersionInfo
from tiles.cache import BoundedCache

BASEMAP = {"tiles": [], "datum": "wgs84"}
#: Untranslated text: a metric key, a catalogue code or placeholder, the solver's own words.
RAW = re.compile(r"_km2|_m\b|cmp_|sug_|zone_|hist_|ws_chg|[{}]|HiGHS|milp|[Ii]nfeasible|[Ss]olver|[Oo]ptimi[sz]")


def _named(name: str, **kw) -> Scenario:
    return Scenario(name=name, author="local:root", **kw)


# --- history ------------------------------------------------------------------------------------------------
def test_undo_redo_and_a_new_edit_drops_the_redo_branch():
    h = se.History(_named("A"))
    assert not h.can_undo and not h.can_redo and h.undo() is h and h.redo() is h
    h = se.toggle_parcel(h, "P001")
    h = se.toggle_parcel(h, "P002")
    assert h.current.parcels == ("P001", "P002") and len(h.undo_stack) == 2
    h = h.undo()
    assert h.current.parcels == ("P001",) and h.can_redo
    assert h.redo().current.parcels == ("P001", "P002")
    h = h.undo()
    assert h.current.parcels == () and len(h.redo_stack) == 2
    h = se.toggle_parcel(h, "P009")  # a new edit after undo: the undone steps are gone
    assert h.current.parcels == ("P009",) and not h.can_redo and h.redo() is h
    assert h.undo().current.parcels == ()
    # no change, no step
    assert h.apply(h.current) is h
    assert se.set_parcels(h, ["P009"]) is h


def test_undo_remembers_at_most_the_limit():
    h = se.History(_named("A"))
    for i in range(se.UNDO_LIMIT + 5):
        h = se.toggle_parcel(h, f"P{i:03d}")
    assert len(h.undo_stack) == se.UNDO_LIMIT
    for _ in range(se.UNDO_LIMIT):
        h = h.undo()
    assert not h.can_undo and h.current.parcels == tuple(f"P{i:03d}" for i in range(5))
    assert len(h.redo_stack) == se.UNDO_LIMIT


def test_reset_starts_over_and_can_be_undone():
    h = se.toggle_parcel(se.History(_named("A")), "P001").undo()
    assert h.can_redo
    fresh = _named("B")
    h2 = h.reset(fresh)
    assert h2.current is fresh and not h2.can_redo and h2.undo().current.name == "A"


def test_header_edits_keep_name_notes_and_author():
    """Issue 9's lost edits: the name typed, then the notes, then the author shown must all stay."""
    h = se.History(_named("方案一"))
    h = se.set_header(h, name="北区扩展", notes=None)
    h = se.set_header(h, notes="先看桃浦")
    assert (h.current.name, h.current.notes, h.current.author) == ("北区扩展", "先看桃浦", "local:root")
    h = se.set_header(h, name="北区扩展 v2", notes="先看桃浦")  # what the page sends: both fields
    h = se.set_header(h, name=None, notes="先看桃浦；再看真如")
    assert (h.current.name, h.current.notes, h.current.author) == ("北区扩展 v2", "先看桃浦；再看真如", "local:root")
    # an empty name keeps the old one; long texts are cut; parcels are untouched
    h = se.toggle_parcel(h, "P001")
    h = se.set_header(h, name="   ", notes="x" * 900)
    assert h.current.name == "北区扩展 v2" and len(h.current.notes) == 500 and h.current.parcels == ("P001",)
    assert len(se.set_header(h, name="名" * 200).current.name) == 80
    # each header edit is one undo step, in order
    assert h.undo().current.notes == "先看桃浦；再看真如"


def test_toggle_set_parcels_and_assignments():
    h = se.History(_named("A"))
    h = se.set_parcels(h, ["P003", "P001", "P002"])
    assert h.current.parcels == ("P003", "P001", "P002")
    h = se.add_drawn(h, name="  新区  ", geometry_wgs84=shapely.box(121.40, 31.25, 121.401, 31.251))
    h = se.add_drawn(h, name="", geometry_wgs84=shapely.box(121.41, 31.25, 121.411, 31.251))
    assert list(h.current.drawn) == ["D01", "D02"] and h.current.drawn["D01"][0] == "新区"
    assert h.current.drawn["D02"][0] == "D02"
    h = se.set_assign(
        h, {"P001": "subpark:N01", "P002": se.ASSIGN_NEAREST, "D01": "new:north:桃浦西", "P999": "subpark:N02"}
    )
    assert dict(h.current.assign) == {"P001": "subpark:N01", "D01": "new:north:桃浦西"}  # nearest is the default
    # set_parcels keeps the order of those already in, appends new ones, drops removed ones' assignments
    h = se.set_parcels(h, ["P002", "P004"])
    assert h.current.parcels == ("P002", "P004") and dict(h.current.assign) == {"D01": "new:north:桃浦西"}
    h = se.set_assign(h, {"P004": "subpark:S01", "D01": "new:north:桃浦西"})
    h = se.toggle_parcel(h, "P004")  # out: its assignment goes too
    assert h.current.parcels == ("P002",) and "P004" not in h.current.assign
    assert se.assign_rows(h.current) == [
        ("P002", "nearest", ""),
        ("D01", "new:north", "桃浦西"),
        ("D02", "nearest", ""),
    ]
    assert se.assign_code("new:south", "  ", "D02") == "new:south:D02"
    assert se.assign_code("subpark:N01", "ignored", "D02") == "subpark:N01"
    with pytest.raises(ScenarioError):
        se.add_drawn(h, name="线", geometry_wgs84=shapely.LineString([(121.4, 31.2), (121.5, 31.3)]))


def test_assign_choices_in_both_languages(ds):
    zh, en = se.assign_choices(ds, lang="zh"), se.assign_choices(ds, lang="en")
    assert list(zh) == list(en) and len(en) == 1 + 14 + 2
    assert en["nearest"] == "nearest sub-park (default)" and en["subpark:N01"] == "Taopu Smart City (N01)"
    assert en["new:north"] == "new sub-park (North cluster)" and zh["new:south"] == "新子园（南区块）"


# --- metrics, maps, comparison --------------------------------------------------------------------------------
def test_metrics_are_shared_by_content_not_by_id_or_name(ds, ev, scores, monkeypatch):
    monkeypatch.setattr(se, "CACHE", BoundedCache(8 * 1024 * 1024))  # this test's cache, counted from empty
    a = Scenario(name="甲", author="local:a", notes="x", parcels=("P056", "P031"))
    b = Scenario(name="Plan B", author="alice", parcels=("P056", "P031"))
    assert a.id != b.id and se.scenario_key(a) == se.scenario_key(b)
    assert se.scenario_key(replace(a, parcels=("P031", "P056"))) != se.scenario_key(a)  # order is content
    assert se.scenario_key(replace(a, assign={"P056": "subpark:N01"})) != se.scenario_key(a)
    ma = se.metrics(ds, ev, scores, a)
    assert se.metrics(ds, ev, scores, b) is ma
    assert len(se.CACHE) == 1
    other = se.metrics(ds, ev, scores, replace(b, parcels=("P056",)))
    assert other is not ma and other.added_km2 < ma.added_km2
    assert ma.base_km2 == pytest.approx(10.08, abs=0.0005)
    assert ma.total_km2 == pytest.approx(ma.base_km2 + ma.added_km2)
    assert ma.flagged == {}
    flagged = se.metrics(ds, ev, scores, _named("F", parcels=("P067",)))
    assert flagged.flagged == {"P067": ["inside_district"]}


def test_parcel_states_and_table(ev, scores):
    sc = _named("A", parcels=("P001", "P067"))
    states = se.parcel_states(ev, sc)
    assert states["P001"] == "in" and states["P067"] == "in" and states["P068"] == "fail" and states["P002"] == "out"
    assert set(states) == {"in", "out", "fail"} and len(states) == 71
    table = se.parcel_table(ev, scores, sc, lang="en", rows=5)
    # the included ones first, then the best-scoring others, at most 5 rows
    assert table["ID"].tolist() == ["P001", "P067", "P056", "P069", "P028"]
    assert table["Include"].tolist() == [True, True, False, False, False]
    assert table.set_index("ID").loc["P067", "Failed rules"] == "50% outside the district"
    assert table.set_index("ID").loc["P001", "Area (ha)"] == pytest.approx(5.0, abs=0.01)
    assert len(se.parcel_table(ev, scores, sc, lang="zh")) == 71  # a small layer: every parcel


def test_compare_table_translated_with_differences_flagged(ds, ev, scores):
    base = se.metrics(ds, ev, scores, _named("方案甲"))
    more = se.metrics(ds, ev, scores, _named("Plan B", parcels=("P056", "P031")))
    same = se.metrics(ds, ev, scores, _named("C"))
    named = {"方案甲": base, "Plan B": more, "C": same}
    for lang in ("zh", "en"):
        shown, differs = se.compare_table(named, lang=lang)
        assert list(shown.columns) == ["方案甲", "Plan B", "C"] and shown.shape == differs.shape
        assert list(shown.index) == list(differs.index) and len(shown.index) == len(se.COMPARE_ROWS) == 23
        for label in shown.index:
            assert not RAW.search(label), label
    shown, differs = se.compare_table(named, lang="en")
    assert shown.index[0] == "Park total (km²)"
    assert shown.loc["Park total (km²)", "方案甲"] == pytest.approx(10.08, abs=1e-3)
    assert not differs["方案甲"].any() and not differs["C"].any()  # the first column and an equal one: nothing
    assert differs.loc["Park total (km²)", "Plan B"] and differs.loc["Added (km²)", "Plan B"]
    assert not differs.loc["South cluster (km²)", "Plan B"]  # both parcels lie in the north
    assert differs.loc["Mean score of added land", "Plan B"]  # NaN (nothing added) against a score
    zh, _ = se.compare_table(named, lang="zh")
    assert zh.index[0] == "园区总面积（km²）"
    with pytest.raises(ScenarioError):
        se.compare_table({f"s{i}": base for i in range(5)}, lang="en")


def test_compare_map_legend_names_the_scenarios(ds, ev, scores):
    named = {
        "方案甲": se.metrics(ds, ev, scores, _named("方案甲", parcels=("P056",))),
        "Plan B": se.metrics(ds, ev, scores, _named("Plan B", parcels=("P031",))),
        "空方案": se.metrics(ds, ev, scores, _named("空方案")),
    }
    spec = se.compare_map(ds, named, lang="en", basemap=BASEMAP)
    assert [entry[0] for entry in spec["legend"]["entries"][-3:]] == ["方案甲", "Plan B", "空方案"]
    colours = [entry[1]["fillColor"] for entry in spec["legend"]["entries"][-3:]]
    assert len(set(colours)) == 3
    added = spec["layers"][-1]
    assert added["id"] == "scenario_added" and [f[0] for f in added["doc"]["f"]] == ["s0", "s1"]  # empty one left out
    assert spec["map_key"] == "compare"


def test_scenario_map_spec(ds, ev, scores):
    sc = se.add_drawn(
        se.History(_named("A", parcels=("P001",))),
        name="区",
        geometry_wgs84=shapely.box(121.40, 31.25, 121.401, 31.251),
    ).current
    spec = se.scenario_map(ds, ev, scores, sc, lang="zh", basemap=BASEMAP)
    ids = [ref["id"] for ref in spec["layers"]]
    assert ids[-2:] == ["scenario_parcels", "scenario_drawn"] and spec["draw"] is True
    parcels = spec["layers"][-2]
    assert parcels["restyle"]["P001"] == "in" and parcels["restyle"]["P068"] == "fail"
    assert parcels["restyle"]["P002"] == "out"
    assert parcels["extra"]["values"]["P001"][0] == "已纳入"


# --- history table ----------------------------------------------------------------------------------------------
def test_history_rows_in_beijing_time_with_translated_changes():
    v1 = _named("甲")
    v2 = replace(v1, parcels=("P001", "P002"), name="乙")
    versions = [
        VersionInfo(1, "2026-11-27T16:30:00.000000Z", "local:root", change_summary(None, v1), "save", None),
        VersionInfo(2, "2026-11-28T01:05:09.000000Z", "alice", change_summary(v1, v2), "overwrite", 1),
        VersionInfo(3, "", "cli:ops", change_summary(v2, v2), "branch", 2),
    ]
    zh = se.history_rows(versions, lang="zh")
    en = se.history_rows(versions, lang="en")
    assert list(en.columns) != list(zh.columns) and len(en) == 3
    assert en.iloc[:, 0].tolist() == [1, 2, 3]
    assert en.iloc[:, 1].tolist() == ["2026-11-28 00:30", "2026-11-28 09:05", "–"]  # UTC+8 across midnight
    assert en.iloc[:, 2].tolist() == ["local user root", "alice", "command line ops"]
    assert zh.iloc[:, 2].tolist() == ["本机用户 root", "alice", "命令行 ops"]
    assert en.iloc[1, 3] == "parcels added: P001, P002; name changed from '甲' to '乙'"
    assert zh.iloc[1, 3].startswith("加入地块 P001, P002")
    assert en.iloc[2, 3] == "no change" and zh.iloc[2, 3] == "无改动"
    assert en.iloc[:, 4].tolist() == ["saved", "saved over", "branched"]
    for text in [*en.iloc[:, 3], *zh.iloc[:, 3], *zh.iloc[:, 4]]:
        assert not RAW.search(text), text


# --- suggestion -------------------------------------------------------------------------------------------------
def test_run_suggestion_fits_the_budget_stays_eligible_and_beats_greedy(ds, ev, scores):
    result = se.run_suggestion(ds, ev, scores, budget_km2=0.3, objective="score", zone_min_km2={})
    exact, greedy = result.exact, result.greedy
    assert exact.status == "optimal" and exact.reasons == () and exact.parcels
    assert exact.added_m2 <= 0.3e6 and greedy.added_m2 <= 0.3e6
    passing = set(ev.rules.index[ev.rules["passes"].to_numpy(dtype=bool)])
    assert set(exact.parcels) <= passing and set(greedy.parcels) <= passing
    assert exact.total_score >= greedy.total_score - 1e-9
    assert exact.total_score == pytest.approx(scores.table.loc[list(exact.parcels), "score"].sum())
    assert result.zone_min_km2 == {} and result.budget_km2 == 0.3
    # a belt minimum the reachable belt land can meet is met
    met = se.run_suggestion(ds, ev, scores, budget_km2=0.5, objective="score", zone_min_km2={"belt": 0.01}).exact
    assert met.status == "optimal"
    assert se.metrics(ds, ev, scores, _named("S", parcels=met.parcels)).zones_added_km2["belt"] >= 0.01 - 1e-6


def test_run_suggestion_explains_a_belt_minimum_that_cannot_be_met(ds, ev, scores):
    result = se.run_suggestion(ds, ev, scores, budget_km2=0.5, objective="score", zone_min_km2={"belt": 0.4})
    exact = result.exact
    assert exact.status == "infeasible" and exact.parcels == () and len(exact.reasons) == 1
    en, zh = exact.reasons[0].text("en"), exact.reasons[0].text("zh")
    # the constraint (the belt), what is reachable and what was asked (the shortfall), what to relax
    assert "Suzhou Creek belt" in en and "0.015 km²" in en and "0.400 km²" in en and "Relax" in en
    assert "苏河水岸" in zh and "0.015 km²" in zh and "0.400 km²" in zh and "请降低" in zh
    assert not RAW.search(en) and not RAW.search(zh)
    # a minimum above the budget says so too
    over = se.run_suggestion(
        ds, ev, scores, budget_km2=0.2, objective="score", zone_min_km2={"belt": 0.1, "core": 0.1, "city": 0.1}
    ).exact
    texts = [m.text("en") for m in over.reasons]
    assert over.status == "infeasible" and len(texts) == 4
    assert texts[-1].startswith("The zone minimums add up to 0.300 km², above the area budget of 0.200 km²")
    for m in over.reasons:
        assert not RAW.search(m.text("en")) and not RAW.search(m.text("zh"))
    with pytest.raises(ScenarioError):
        se.run_suggestion(ds, ev, scores, budget_km2=0, objective="score", zone_min_km2={})


def test_drawn_layer_is_the_drawn_areas(ds):
    sc = se.add_drawn(
        se.History(_named("A")), name="区一", geometry_wgs84=shapely.box(121.40, 31.25, 121.401, 31.251)
    ).current
    layer = se.drawn_layer(sc)
    assert layer["id"].tolist() == ["D01"] and layer["name_zh"].tolist() == ["区一"]
    assert layer.crs.to_epsg() == 4326 and np.allclose(layer.total_bounds, [121.40, 31.25, 121.401, 31.251])
