"""planner/evaluate.py directly: measure once, weights normalised, ranks stable, failures explained in both
languages, the parcel card adds up, the map spec, the user's own parcels."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gis.errors import ScoringError, UnknownFeatureError
from gis.scoring import PRESETS
from planner import data as datasets
from planner import evaluate as ev_
from tests.conftest import PUTUO_X, PUTUO_Y, metric_square

BASEMAP = {"tiles": [], "datum": "wgs84"}
#: What a failure text must never show: rule ids, column names, catalogue codes, placeholders.
RAW_CODE = re.compile(
    r"inside_district|no_overlap|min_area|outside_share|overlap_m2|rule_|geom_|[{}]|"
    r"Self-intersection|\bvalid\b"
)
FAILING = ["P067", "P068", "P069", "P070", "P071"]


@pytest.fixture
def user_parcels(squares_4549):
    """Two drawn parcels: a 300 m square in Putuo and a self-crossing 'bow tie' (invalid)."""
    bowtie = shapely.Polygon(
        [(PUTUO_X, PUTUO_Y), (PUTUO_X + 200, PUTUO_Y + 200), (PUTUO_X + 200, PUTUO_Y), (PUTUO_X, PUTUO_Y + 200)]
    )
    drawn = gpd.GeoDataFrame(
        {"id": ["x", "y"]}, geometry=[metric_square(PUTUO_X, PUTUO_Y, 300), bowtie], crs="EPSG:4549"
    )
    return ev_.add_user_parcels(None, drawn, names=["我的地块", "=cmd"], intended_use=["life_health", ""])


def test_evaluate_measures_every_parcel_once_per_data_set(ds, ev):
    assert ev_.evaluate(ds) is ev  # kept by the data set
    ids = ds.park.parcels["id"].astype(str).tolist()
    assert list(ev.parcels.index) == ids and list(ev.raw.index) == ids and list(ev.rules.index) == ids
    assert ev.criteria == tuple(PRESETS["balanced"]) and ev.user_ids == ()
    assert ((ev.norm >= 0) & (ev.norm <= 1)).all().all()
    assert sorted(ev.rules.index[~ev.rules["passes"].to_numpy(dtype=bool)]) == FAILING
    assert ev.parcels.crs.to_epsg() == 4326 and ev.key.startswith(ds.version)


def test_default_weights_are_the_balanced_preset_and_10_for_a_raster():
    w = ev_.default_weights(["adjacency", "transit", "raster:noise"])
    assert w == {
        "adjacency": PRESETS["balanced"]["adjacency"],
        "transit": PRESETS["balanced"]["transit"],
        "raster:noise": 10.0,
    }
    assert ev_.criterion_label("raster:噪声 dB", "en") == "噪声 dB"
    assert ev_.criterion_label("transit", "en") == "Transit access"
    assert ev_.criterion_label("transit", "zh") != "Transit access"


def test_score_normalises_weights_and_adds_up(ev, scores):
    w = scores.weights
    assert w.sum() == pytest.approx(1.0)
    assert w["adjacency"] == pytest.approx(0.2) and w["transit"] == pytest.approx(0.15)
    t = scores.table
    contrib = t[[f"c_{c}" for c in ev.criteria]].sum(axis=1)
    assert np.allclose(contrib, t["score"])
    # the same weights scaled: the same scores; a missing criterion counts 0
    tripled = ev_.score(ev, {c: 3 * v for c, v in ev_.default_weights(ev.criteria).items()})
    assert np.allclose(tripled.table["score"], t["score"]) and tripled.table["rank"].equals(t["rank"])
    only = ev_.score(ev, {"transit": 5.0})
    assert only.weights["transit"] == 1.0 and only.weights.drop("transit").eq(0).all()
    assert np.allclose(only.table["score"], ev.norm["transit"])


def test_ranks_are_1_to_n_by_score_ties_in_input_order_and_failing_parcels_unranked(ev, scores):
    t = scores.table
    ranked = t[t["rank"].notna()].sort_values("rank")
    assert ranked["rank"].tolist() == list(range(1, 67))
    assert (np.diff(ranked["score"].to_numpy()) <= 1e-12).all()
    assert t.loc[FAILING, "rank"].isna().all() and (t.loc[FAILING, "score_class"] == "fail").all()
    assert set(t["score_class"]) <= {"fail", "c1", "c2", "c3", "c4", "c5"}
    # only the layout: many parcels tie; ties keep the layer's order, every time
    layout = ev_.score(ev, {"layout": 1.0}).table
    top = layout[layout["score"] == layout["score"].max()].dropna(subset=["rank"])
    assert len(top) > 5
    assert top.sort_values("rank").index.tolist() == [p for p in ev.parcels.index if p in set(top.index)]
    assert ev_.score(ev, {"layout": 1.0}).table["rank"].equals(layout["rank"])


@pytest.mark.parametrize(
    "weights", [{}, {"adjacency": 0.0}, {"adjacency": -1.0, "transit": 2.0}, {"adjacency": float("nan")}]
)
def test_score_refuses_weights_that_mean_nothing(ev, weights):
    with pytest.raises(ScoringError) as err:
        ev_.score(ev, weights)
    assert err.value.text("zh") and err.value.text("en")


def test_failing_table_explains_each_failure_in_both_languages(ev):
    zh, en = ev_.failing_table(ev, lang="zh"), ev_.failing_table(ev, lang="en")
    assert zh.iloc[:, 0].tolist() == en["ID"].tolist() == FAILING
    reasons_en, reasons_zh = dict(zip(en["ID"], en["Failed rules"])), dict(zip(zh.iloc[:, 0], zh.iloc[:, 2]))
    assert reasons_en["P067"] == "50% outside the district" and reasons_zh["P067"] == "超出普陀区 50%"
    assert reasons_en["P069"] == "overlaps a sub-park by 15,000 m²" and reasons_zh["P069"] == "与子园重叠 15,000 m²"
    assert reasons_en["P071"] == "area 1,500 m², below the minimum 5,000 m²"
    assert reasons_zh["P071"] == "面积 1,500 m²，小于最小值 5,000 m²"
    for text in [*reasons_en.values(), *reasons_zh.values()]:
        assert text and not RAW_CODE.search(text), text
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in reasons_zh.values())
    # a passing parcel has no failure text
    assert ev_.failure_texts(ev, ["P001", "P067"], lang="en").tolist() == ["", "50% outside the district"]


def test_user_parcels_are_measured_with_the_layer_and_explained(ds, ev, user_parcels):
    before = user_parcels.copy()
    assert user_parcels["id"].tolist() == ["U001", "U002"]
    assert user_parcels.loc[0, "area_m2"] == pytest.approx(90_000.0, abs=0.5)
    ev2 = ev_.evaluate(ds, user_parcels=user_parcels)
    assert ev2 is not ev and ev2.key != ev.key and ev2.user_ids == ("U001", "U002")
    assert ev_.evaluate(ds, user_parcels=user_parcels.copy()) is ev2  # cached by content
    assert len(ev2.parcels) == 73 and len(ev.parcels) == 71  # the data set's own evaluation is unchanged
    assert user_parcels.equals(before)
    table = ev_.failing_table(ev2, lang="en")
    bowtie = dict(zip(table["ID"], table["Failed rules"]))["U002"]
    assert bowtie.startswith("invalid geometry: the boundary crosses itself")
    bowtie_zh = dict(zip(*ev_.failing_table(ev2, lang="zh").iloc[:, [0, 2]].T.to_numpy()))["U002"]
    assert bowtie_zh.startswith("几何无效：边界自相交")
    assert not RAW_CODE.search(bowtie) and not RAW_CODE.search(bowtie_zh)
    # appending more continues the numbering
    more = ev_.add_user_parcels(
        user_parcels,
        gpd.GeoDataFrame(geometry=[metric_square(PUTUO_X, PUTUO_Y, 50)], crs="EPSG:4549"),
        names=["三"],
        intended_use=[""],
    )
    assert more["id"].tolist() == ["U001", "U002", "U003"] and user_parcels.equals(before)


def test_parcel_card_contributions_add_up_to_the_score(ds, ev, scores):
    card = ev_.parcel_card(ds, ev, scores, "P001", lang="en")
    assert (card.id, card.name, card.rank, card.failed) == ("P001", "Candidate parcel P001", 17, None)
    assert card.score == pytest.approx(scores.table.loc["P001", "score"])
    assert card.criteria["Contribution"].sum() == pytest.approx(card.score, abs=0.005)
    assert card.criteria["Criterion"].tolist()[0] == "Adjacency to the park"
    assert card.rules["Result"].tolist() == ["pass"] * 4
    assert len(card.neighbours) == 6 and card.intended_use
    failing = ev_.parcel_card(ds, ev, scores, "P067", lang="zh")
    assert failing.rank is None and failing.failed == "超出普陀区 50%"
    assert list(failing.rules.iloc[:, 1]) == ["通过", "未通过", "通过", "通过"]
    with pytest.raises(UnknownFeatureError):
        ev_.parcel_card(ds, ev, scores, "P999", lang="en")


def test_parcel_card_of_a_parcel_whose_intended_use_is_the_officials_own_words(ds):
    # an imported parcel layer keeps its authors' words for the intended use ("商业"): shown as written
    parcels = ds.park.parcels.copy()
    parcels.loc[parcels.index[0], "intended_use"] = "商业"
    own = datasets.with_layers(ds, {"parcels": parcels})
    ev = ev_.evaluate(own)
    scores = ev_.score(ev, ev_.default_weights(ev.criteria))
    assert ev_.parcel_card(own, ev, scores, "P001", lang="zh").intended_use == "商业"
    assert ev_.parcel_card(own, ev, scores, "P001", lang="en").intended_use == "商业"
    assert ev_.industry_label("life_health", "en") == "life & health"
    assert ev_.industry_label("", "zh") == "未填写"


def test_parcel_choices_offer_all_of_a_small_layer_and_search_a_large_one(ev, scores):
    assert ev_.parcel_choices(ev, scores, lang="en") == list(ev.parcels.index)
    # limit 2 makes 71 parcels "large" (more than 20 x limit)
    best = ev_.parcel_choices(ev, scores, lang="en", limit=2)
    assert best == ["P056", "P028"]  # the best ranked
    assert ev_.parcel_choices(ev, scores, query="p07", lang="en", limit=2) == ["P070", "P071"]
    assert ev_.parcel_choices(ev, scores, query="曹杨", lang="zh", limit=3)[:1] == ["P001"]
    assert ev_.parcel_choices(ev, scores, query="p07", lang="en", limit=2, keep="P005") == ["P005", "P070", "P071"]
    assert ev_.parcel_choices(ev, scores, query="zzz", lang="en", limit=2, keep="nope") == []


def test_ranking_and_export_tables(ev, scores):
    ranking = ev_.ranking_table(ev, scores, lang="en")
    assert ranking["Rank"].tolist() == list(range(1, 67)) and ranking["ID"].iloc[0] == "P056"
    export = ev_.export_table(ev, scores, lang="zh")
    assert len(export) == 71 and export.iloc[-5:, 1].tolist() == FAILING  # failing parcels last
    assert export.iloc[:66, -1].eq("").all() and export.iloc[-5:, -1].ne("").all()


def test_sensitivity_without_spread_keeps_every_rank(ev, scores):
    fixed = ev_.sensitivity_table(ev, scores, spread=0.0, draws=5, top_n=3, lang="en")
    assert fixed["Rank"].tolist() == list(range(1, 67))
    assert fixed["Share of draws in top N"].tolist() == ["100%"] * 3 + ["0%"] * 63
    assert fixed["Rank range"].tolist() == [f"{r}–{r}" for r in range(1, 67)]
    moving = ev_.sensitivity_table(ev, scores, spread=0.3, draws=200, top_n=3, lang="zh")
    lo_hi = [tuple(map(int, s.split("–"))) for s in moving.iloc[:, 4]]
    assert all(lo <= r <= hi for (lo, hi), r in zip(lo_hi, moving.iloc[:, 0]))
    assert any(lo < hi for lo, hi in lo_hi)
    with pytest.raises(ScoringError):
        ev_.sensitivity_table(ev, scores, spread=1.5, draws=5, top_n=3, lang="en")


def test_parcels_map_spec(ds, ev, scores, user_parcels):
    spec = ev_.parcels_map(ds, ev, scores, lang="en", basemap=BASEMAP, selected="P001")
    ids = [ref["id"] for ref in spec["layers"]]
    assert ids == ["roads", "metro_lines", "district", "zones", "subparks", "stations", "scored_parcels"]
    scored = spec["layers"][-1]
    assert scored["restyle"] == scores.table["score_class"].astype(str).to_dict()
    assert scored["extra"]["labels"] == ["Score", "Rank", "Failed rules"]
    assert scored["extra"]["values"]["P001"] == ["0.683", "17", None]
    assert scored["extra"]["values"]["P067"][1:] == ["–", "50% outside the district"]
    assert spec["selected"] == {"layer": "scored_parcels", "id": "P001"} and spec["draw"] is True
    assert spec["map_key"] == "parcels"
    # the user's parcels are their own layer, selectable there
    ev2 = ev_.evaluate(ds, user_parcels=user_parcels)
    s2 = ev_.score(ev2, ev_.default_weights(ev2.criteria))
    spec2 = ev_.parcels_map(ds, ev2, s2, lang="zh", basemap=BASEMAP, selected="U001")
    own = spec2["layers"][-1]
    assert own["id"] == "user_parcels" and set(own["restyle"]) == {"U001", "U002"}
    assert "U001" not in spec2["layers"][-2]["restyle"]
    assert spec2["selected"] == {"layer": "user_parcels", "id": "U001"}


def test_scored_layer_is_a_copy_with_the_scores(ev, scores):
    before = ev.parcels.copy()
    layer = ev_.scored_layer(ev, scores)
    assert len(layer) == 71 and layer.crs.to_epsg() == 4326
    row = layer.set_index("id").loc["P067"]
    assert np.isnan(row["rank"]) and row["score_class"] == "fail" and row["failed"] == "inside_district"
    assert ev.parcels.equals(before) and "score" not in ev.parcels
    assert pd.api.types.is_float_dtype(layer["rank"])
