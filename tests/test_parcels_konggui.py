"""The 控规 in parcel evaluation: the criterion 用途与园区产业相容 (park-use share), the optional hard rule, the card's
planned uses, floor area allowed, existing and remaining floor area, the allowance in the tables. Hand-built parcels,
控规 and buildings in EPSG:4549 whose answers are known, then the parcels page on the bundled data."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gis.analysis import floor_area_within
from gis.landuse import load_landuse
from gis.regulatory import normalise_layer
from gis.scoring import LANDUSE_CRITERION, VECTOR_CRITERIA, add_park_use_rule
from pages import state
from pages.parcels import PARK_USE_BOX
from planner import evaluate as ev_
from planner.data import folder_dataset, with_layers
from tests.apptest_util import open_app
from tests.conftest import PUTUO_X, PUTUO_Y
from text.messages import t

#: South-west corner of the test strip: inside the district, clear of every sub-park (the base rules pass there).
X0, Y0 = PUTUO_X + 2000, PUTUO_Y + 1000


def _box(x0: float, x1: float) -> shapely.Polygon:
    """A 100 m deep strip from x0 to x1 metres east of X0 (EPSG:4549)."""
    return shapely.box(X0 + x0, Y0, X0 + x1, Y0 + 100)


#: The 控规: K1 M0 (新型产业用地) FAR 3 over [0, 150); K2 0802 (科研用地) FAR 2 over [150, 300); K3 16 (留白用地)
#: FAR 0.5 over [300, 700).
KONGGUI = [("K1", "M0", 3.0, _box(0, 150)), ("K2", "0802", 2.0, _box(150, 300)), ("K3", "16", 0.5, _box(300, 700))]
#: The parcels: A all M0; B half 0802, half 16; C all 16; D outside every 控规 parcel.
PARCELS = {"A": _box(0, 100), "B": _box(200, 400), "C": _box(500, 600), "D": _box(1000, 1100)}
#: Known allowances (m² of floor area): A 10,000 m² × 3; B 10,000 × 2 + 10,000 × 0.5; C 10,000 × 0.5; D none.
ALLOWANCE = {"A": 30_000.0, "B": 25_000.0, "C": 5_000.0, "D": 0.0}
SHARE = {"A": 1.0, "B": 0.5, "C": 0.0, "D": 0.0}


def _layer(rows: dict, geoms: list) -> gpd.GeoDataFrame:
    """A layer drawn in EPSG:4549 and stored as the app keeps layers (EPSG:4326)."""
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=4549).to_crs(4326)


@pytest.fixture(scope="module")
def codes():
    return load_landuse()


@pytest.fixture(scope="module")
def plan(codes):
    rows = {
        "地块编号": [k[0] for k in KONGGUI],
        "用地代码": [k[1] for k in KONGGUI],
        "容积率上限": [k[2] for k in KONGGUI],
    }
    return normalise_layer(_layer(rows, [k[3] for k in KONGGUI]), kind="regulatory", codes=codes)


@pytest.fixture(scope="module")
def buildings():
    """Two buildings on A (12,000 + 8,000 m²); one straddling A's east edge whose representative point is not on A
    (not counted); one on B of unknown floor area; one on C (6,200 m², more than C's 5,000 m² allowance)."""
    geoms = [
        shapely.Point(X0 + 20, Y0 + 20),
        shapely.Point(X0 + 70, Y0 + 70),
        shapely.box(X0 + 90, Y0 + 40, X0 + 140, Y0 + 60),
        shapely.Point(X0 + 250, Y0 + 50),
        shapely.Point(X0 + 550, Y0 + 50),
    ]
    rows = {
        "id": ["b1", "b2", "b3", "b4", "b5"],
        "name_zh": ["甲", "乙", "丙", "丁", "戊"],
        "name_en": ["a", "b", "c", "d", "e"],
        "floor_area_m2": [12_000.0, 8_000.0, 99_999.0, np.nan, 6_200.0],
    }
    return _layer(rows, geoms)


@pytest.fixture(scope="module")
def hds(buildings):
    """The bundled data set with the hand-built parcels and buildings in place of its own."""
    ids = list(PARCELS)
    rows = {"id": ids, "name_zh": [f"地块{i}" for i in ids], "name_en": [f"Parcel {i}" for i in ids]}
    parcels = _layer({**rows, "intended_use": ["rd_services"] * len(ids)}, list(PARCELS.values()))
    return with_layers(folder_dataset(), {"parcels": parcels, "buildings": buildings})


def _scores(ev):
    return ev_.score(ev, ev_.default_weights(ev.criteria))


def _card_rows(card) -> dict[str, str]:
    return dict(zip(*card.capacity.T.to_numpy()))


def test_the_landuse_criterion_is_the_parcels_park_use_share(hds, plan):
    ev = ev_.evaluate(hds, regulatory=plan)
    assert ev.regulated and ev.criteria == (*VECTOR_CRITERIA, LANDUSE_CRITERION)
    assert ev.norm[LANDUSE_CRITERION].to_dict() == pytest.approx(SHARE, abs=1e-4)
    assert ev.raw["allowance_m2"].to_dict() == pytest.approx(ALLOWANCE, rel=1e-4)
    assert ev.raw.loc["A", "planned_codes"] == "M0" and ev.raw.loc["D", "planned_codes"] == ""
    assert set(ev.raw.loc["B", "planned_codes"].split("、")) == {"0802", "16"}
    scores = _scores(ev)
    explained = {
        (pid, lang): ev_.parcel_card(hds, ev, scores, pid, lang=lang).criteria.iloc[-1].tolist()
        for pid in ("A", "D")
        for lang in ("zh", "en")
    }
    assert explained["A", "zh"][:2] == ["用途与园区产业相容", "控规用途：M0；园区产业用途占 100%"]
    assert explained["A", "en"][:2] == [
        "Planned use fits the park's industries",
        "planned uses: M0; park-industry use 100%",
    ]
    assert (
        explained["D", "zh"][1] == "不在任何控规地块内"
        and explained["D", "en"][1] == "outside every regulatory-plan parcel"
    )


def test_the_konggui_is_part_of_the_evaluations_content_key(hds, plan):
    ev = ev_.evaluate(hds, regulatory=plan)
    assert ev_.evaluate(hds, regulatory=plan.copy()) is ev  # the same content: cached
    denser = plan.assign(far_max=plan["far_max"] * 2)
    assert ev_.evaluate(hds, regulatory=denser).raw.loc["A", "allowance_m2"] == pytest.approx(60_000, rel=1e-4)


def test_without_a_konggui_the_evaluation_is_unchanged(hds, plan):
    bare = ev_.evaluate(hds)
    assert not bare.regulated and bare.criteria == VECTOR_CRITERIA
    for absent in (None, plan.iloc[:0]):
        ev = ev_.evaluate(hds, regulatory=absent, require_park_use=True)  # no 控规: no criterion, no rule
        assert ev is bare
    regulated = ev_.evaluate(hds, regulatory=plan)
    pd.testing.assert_frame_equal(regulated.norm[list(VECTOR_CRITERIA)], bare.norm)
    scores = _scores(bare)
    card = ev_.parcel_card(hds, bare, scores, "A", lang="zh")
    assert card.capacity is None and card.allowance_m2 is None and len(card.rules) == 4
    for lang in ("zh", "en"):
        assert t("f_allowance_m2", lang) not in ev_.ranking_table(bare, scores, lang=lang).columns
        assert t("f_allowance_m2", lang) not in ev_.export_table(bare, scores, lang=lang).columns
    assert "allowance_m2" not in ev_.scored_layer(bare, scores).columns


def test_the_park_use_rule_off_and_on(hds, plan):
    off = ev_.evaluate(hds, regulatory=plan)
    assert off.rules["passes"].all() and "park_use" not in off.rules.columns  # every base rule passes here
    on = ev_.evaluate(hds, regulatory=plan, require_park_use=True)
    assert on.raw is off.raw and on.key != off.key and on.measured_key == off.key  # measured once, claimed as one
    assert on.rules["passes"].to_dict() == {"A": True, "B": True, "C": False, "D": False}  # B: exactly half passes
    assert on.rules.loc["C", "failed"] == ["park_use"] and off.rules.loc["C", "failed"] == []
    texts = {lang: ev_.failure_texts(on, lang=lang) for lang in ("zh", "en")}
    assert texts["zh"]["C"] == "控规用途 16，园区产业用途仅占 0%（须不低于 50%）"
    assert texts["en"]["C"] == "planned use 16: only 0% park-industry use (at least 50% required)"
    assert texts["zh"]["D"] == "不在任何控规地块内" and texts["zh"]["A"] == ""
    ranked = {
        rule: set(ev_.ranking_table(ev, _scores(ev), lang="en")[t("f_id", "en")])
        for rule, ev in (("off", off), ("on", on))
    }
    assert ranked == {"off": {"A", "B", "C", "D"}, "on": {"A", "B"}}
    assert set(ev_.failing_table(on, lang="zh")[t("f_id", "zh")]) == {"C", "D"}
    rules = ev_.parcel_card(hds, on, _scores(on), "B", lang="zh").rules
    last = rules.iloc[-1].tolist()
    assert last[:2] == ["控规用途须为园区产业用途", "通过"] and last[2].endswith("，园区产业用途占 50%")
    assert set(last[2].removeprefix("控规用途 ").split("，")[0].split("、")) == {"0802", "16"}


def test_the_rule_leaves_the_rules_it_is_given_as_they_were():
    rules = pd.DataFrame({"passes": [True, False], "failed": [[], ["min_area"]]}, index=["p", "q"])
    share, planned = pd.Series([0.2, 0.9], index=["p", "q"]), pd.Series(["1101", "M0"], index=["p", "q"])
    out = add_park_use_rule(rules, share, planned)
    assert out["failed"].tolist() == [["park_use"], ["min_area"]] and out["passes"].tolist() == [False, False]
    assert rules["failed"].tolist() == [[], ["min_area"]] and rules["passes"].tolist() == [True, False]
    assert "park_use" not in rules.columns and out.loc["q", "failed"] is not rules.loc["q", "failed"]


def test_the_card_shows_allowance_existing_and_remaining_floor_area(hds, plan):
    ev = ev_.evaluate(hds, regulatory=plan)
    scores = _scores(ev)
    cards = {(pid, lang): ev_.parcel_card(hds, ev, scores, pid, lang=lang) for pid in PARCELS for lang in ("zh", "en")}
    a = _card_rows(cards["A", "zh"])
    assert a == {
        "控规用途": "M0 新型产业用地（上海，无国家代码）",
        "容积率上限允许建筑面积": "30,000 m²",
        "现状建筑面积": "20,000 m²",  # the straddling building's representative point is not on A
        "剩余可建建筑面积": "10,000 m²",
    }
    assert cards["A", "zh"].allowance_m2 == pytest.approx(30_000, rel=1e-4)
    assert cards["A", "zh"].existing_floor_m2 == pytest.approx(20_000)
    c_zh, c_en = _card_rows(cards["C", "zh"]), _card_rows(cards["C", "en"])
    assert (c_zh["现状建筑面积"], c_zh["剩余可建建筑面积"]) == ("6,200 m²", "超出 1,200 m²")
    assert (c_en["Existing floor area"], c_en["Remaining floor area"]) == ("6,200 m²", "over by 1,200 m²")
    b = _card_rows(cards["B", "zh"])
    assert b["现状建筑面积"] == "—" and b["剩余可建建筑面积"] == "25,000 m²（现状建筑面积未知）"
    assert cards["B", "zh"].existing_floor_m2 is None
    assert set(b["控规用途"].split("、")) == {"0802 科研用地", "16 留白用地"}
    d = _card_rows(cards["D", "en"])
    assert d == {
        "Planned uses": "outside every regulatory-plan parcel",
        "Floor area the maximum FAR allows": "0 m²",
        "Existing floor area": "—",
        "Remaining floor area": "0 m² (existing floor area unknown)",
    }


def test_floor_area_within_counts_known_floor_areas_by_representative_point(buildings):
    areas = gpd.GeoDataFrame(geometry=[PARCELS["A"], PARCELS["B"], PARCELS["D"]], index=["A", "B", "D"], crs=4549)
    found = floor_area_within(areas, buildings)
    assert found["A"] == pytest.approx(20_000) and np.isnan(found["B"]) and np.isnan(found["D"])
    assert floor_area_within(areas, buildings.drop(columns="floor_area_m2")).isna().all()


def test_the_ranking_and_export_tables_carry_the_allowance(hds, plan):
    ev = ev_.evaluate(hds, regulatory=plan)
    scores = _scores(ev)
    for lang in ("zh", "en"):
        head = t("f_allowance_m2", lang)
        ranking = ev_.ranking_table(ev, scores, lang=lang).set_index(t("f_id", lang))
        export = ev_.export_table(ev, scores, lang=lang).set_index(t("f_id", lang))
        for table in (ranking, export):
            assert table[head].to_dict() == {pid: pytest.approx(m2, abs=1) for pid, m2 in ALLOWANCE.items()}
    assert (
        t("f_allowance_m2", "zh") == "控规允许建筑面积（m²）" and t("f_allowance_m2", "en") == "Floor area allowed (m²)"
    )
    layer = ev_.scored_layer(ev, scores).set_index("id")
    assert layer["allowance_m2"].to_dict() == pytest.approx(ALLOWANCE, rel=1e-4)


# --- the parcels page on the bundled data (P001: M0 and 1001, 150,060 m²; P004: 16 留白用地) -----------------------
@pytest.fixture
def page_env(monkeypatch):
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)


def _frame_with(app, column: str) -> pd.DataFrame:
    return next(d.value for d in [*app.dataframe, *app.table] if column in d.value.columns)


@pytest.mark.parametrize(
    "lang,uses,allowance",
    [
        ("zh", "M0 新型产业用地（上海，无国家代码）、1001 工业用地", "容积率上限允许建筑面积"),
        (
            "en",
            "M0 New industrial land (Shanghai M0; no national code), 1001 Industrial land",
            "Floor area the maximum FAR allows",
        ),
    ],
)
def test_the_parcels_page_shows_the_konggui_on_the_card(page_env, lang, uses, allowance):
    app = open_app("pages/parcels.py", lang=lang)
    app.selectbox(key=f"parcel_selected@{lang}").select("P001").run()
    assert not app.exception
    rows = dict(zip(*_frame_with(app, t("f_cap_item", lang)).T.to_numpy()))
    assert rows[t("cap_uses", lang)] == uses and rows[allowance] == "150,060 m²"
    assert rows[t("cap_existing", lang)] == "—"
    criteria = _frame_with(app, t("f_contrib_short", lang))
    assert t("crit_landuse", lang) in criteria[t("f_criterion", lang)].tolist()
    ranking = _frame_with(app, t("f_rank", lang))
    assert t("f_allowance_m2", lang) in ranking.columns


@pytest.mark.parametrize(
    "lang,reason,use",
    [
        ("zh", "控规用途 16，园区产业用途仅占 0%（须不低于 50%）", "16 留白用地"),
        ("en", "planned use 16: only 0% park-industry use (at least 50% required)", "16 Reserved (blank) land"),
    ],
)
def test_the_rule_checkbox_fails_p004_and_is_kept_across_pages(page_env, lang, reason, use):
    app = open_app("pages/parcels.py", lang=lang)
    ids = t("f_id", lang)

    def ranked() -> set[str]:
        return set(_frame_with(app, t("f_rank", lang))[ids])

    def failing() -> dict[str, str]:
        table = _frame_with(app, t("f_failed", lang))
        return dict(zip(table[ids], table[t("f_failed", lang)]))

    assert app.checkbox(key=PARK_USE_BOX).value is False and "P004" in ranked()
    app.checkbox(key=PARK_USE_BOX).check().run()
    assert not app.exception and app.session_state[state.PARK_USE_RULE] is True
    assert "P004" not in ranked() and failing()["P004"] == reason
    app.switch_page("pages/explorer.py").run()
    app.session_state["home_parcel"] = "P004"  # the park map's card of P004 follows the same 控规 and rule
    app.run()
    assert any(reason in w.value.replace("\\", "") for w in app.warning)  # the warning is Markdown-escaped
    assert _frame_with(app, t("f_cap_item", lang)).iloc[0, 1] == use
    app.switch_page("pages/parcels.py").run()
    assert app.checkbox(key=PARK_USE_BOX).value is True and "P004" in failing()
    app.checkbox(key=PARK_USE_BOX).uncheck().run()
    assert "P004" in ranked() and "P004" not in failing()
