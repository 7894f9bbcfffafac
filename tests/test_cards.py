"""The parcel card's numbers, each shown and explained: the whole criteria table, what the hard rules measured,
the rank out of how many, weights as percents that add up to 100, contributions labelled with their weights."""

import io

import numpy as np
import pandas as pd
import pytest
import rasterio

from planner import evaluate as ev_
from planner.export_jobs import parcel_file
from tests.apptest_util import open_app
from text.messages import t


@pytest.fixture
def at(monkeypatch):
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    return open_app("pages/parcels.py")


def _table(app, column: str) -> pd.DataFrame:
    """The static table (every column seen at once, texts wrapped) that has ``column``."""
    return next(tb.value for tb in app.table if column in tb.value.columns)


def _card_of(app, parcel_id: str, lang: str = "zh"):
    app.selectbox(key=f"parcel_selected@{lang}").select(parcel_id).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.mark.parametrize(
    "shares",
    [
        {"a": 1, "b": 1, "c": 1},
        {"a": 1.0, "b": 1.0, "c": 1.0, "d": 1.0, "e": 1.0, "f": 1.0, "g": 1.0, "h": 1.0},
        {"a": 20, "b": 10, "c": 20, "d": 15, "e": 10, "f": 10, "g": 15, "h": 10},
    ],
)
def test_percent_shares_add_up_to_exactly_100(shares):
    out = ev_.percent_shares(shares)
    assert sum(out.values()) == 100 and set(out) == set(shares)
    exact = {k: v / sum(shares.values()) * 100 for k, v in shares.items()}
    assert all(abs(out[k] - exact[k]) < 1 for k in shares)  # each within a point of its exact share


def test_percent_shares_of_no_weight_are_zero():
    assert ev_.percent_shares({"a": 0, "b": 0}) == {"a": 0, "b": 0}


def test_equal_slider_weights_are_labelled_with_percents_that_add_up_to_100(at):
    for slider in at.slider:
        if slider.key.startswith("w_"):
            slider.set_value(1)
    at.run()
    labels = [s.label for s in at.slider if s.key.startswith("w_")]
    assert len(labels) == 8  # 8 criteria: 12.5 % each, which rounded one by one would show 8 × 12 % = 96 %
    assert sum(int(label.rsplit("(", 1)[1].rstrip("%)")) for label in labels) == 100


def test_the_card_shows_every_column_of_the_criteria_in_a_table_that_wraps(at):
    _card_of(at, "P001")
    card = _table(at, t("f_contrib_short", "zh"))
    assert card.columns.tolist() == [
        t(k, "zh") for k in ("f_criterion", "f_raw", "f_norm_short", "f_weight", "f_contrib_short")
    ]
    total = float(next(m.value for m in at.metric if m.label == t("card_total", "zh")))
    assert card.iloc[-1].tolist() == [t("card_sum", "zh"), "", "", "100%", f"{total:.3f}"]
    body = card.iloc[:-1]
    assert sum(int(w.rstrip("%")) for w in body[t("f_weight", "zh")]) == 100  # percents, adding up to 100
    assert all(len(v.split(".")[1]) == 2 for v in body[t("f_norm_short", "zh")])  # one format per column
    assert all(len(v.split(".")[1]) == 3 for v in body[t("f_contrib_short", "zh")])
    assert sum(float(v) for v in body[t("f_contrib_short", "zh")]) == pytest.approx(total, abs=0.005)


def test_the_rank_says_out_of_how_many(at, ev, scores):
    _card_of(at, "P001")
    ranked = int(scores.table["rank"].notna().sum())
    rank = next(m.value for m in at.metric if m.label == t("f_rank", "zh"))
    assert rank.endswith(f" / {ranked}") and int(rank.split(" / ")[0]) >= 1


@pytest.mark.parametrize(
    "parcel,lang,rule,text",
    [
        ("P069", "zh", "no_overlap", "与 N04 真如铁三角科技园重叠 1.5 公顷"),
        ("P069", "en", "no_overlap", "overlaps N04 Zhenru Iron Triangle Sci-tech Park by 1.5 ha"),
        ("P070", "zh", "no_overlap", "与 S05 新曹杨高新技术产业园重叠 1.3 公顷"),
        ("P067", "zh", "inside_district", "区外 2.0 公顷，占地块 50.0%"),
        ("P001", "zh", "inside_district", "全部位于普陀区内（区外 0 m²）"),
        ("P001", "zh", "valid", "1 个多边形，4 个顶点，边界不自相交"),
        ("P001", "zh", "no_overlap", "不与任何子园重叠；最近的 S03 华东师范大学国家大学科技园相距 178 米"),
    ],
)
def test_the_hard_rules_say_what_was_measured_not_the_rules_name(ds, ev, scores, parcel, lang, rule, text):
    card = ev_.parcel_card(ds, ev, scores, parcel, lang=lang)
    rows = dict(zip(card.rules[t("f_rule", lang)], card.rules[t("f_value", lang)]))
    assert rows[t(f"rule_{rule}", lang)] == text


def test_an_invalid_parcel_says_why(ds):
    import geopandas as gpd
    import shapely

    bowtie = shapely.Polygon([(121.400, 31.240), (121.404, 31.244), (121.404, 31.240), (121.400, 31.244)])
    mine = ev_.add_user_parcels(
        None, gpd.GeoDataFrame(geometry=[bowtie], crs="EPSG:4326"), names=["x"], intended_use=["ai"]
    )
    ev = ev_.evaluate(ds, user_parcels=mine)
    scores = ev_.score(ev, ev_.default_weights(ev.criteria))
    rows = ev_.parcel_card(ds, ev, scores, "U001", lang="zh").rules
    assert rows[t("f_value", "zh")].iloc[0] == t("rule_m_invalid", "zh", reason=t("geom_self_intersection", "zh"))


def test_the_card_on_the_page_shows_the_rules_measured_values(at):
    _card_of(at, "P069")
    rules = _table(at, t("f_value", "zh"))
    values = rules[t("f_value", "zh")].tolist()
    assert "与 N04 真如铁三角科技园重叠 1.5 公顷" in values
    assert not set(values) & {t("rule_m_valid", "zh"), t("rule_m_inside", "zh"), t("rule_m_no_overlap", "zh")}


def test_neighbours_say_their_kind(at):
    _card_of(at, "P001")
    near = _table(at, t("f_dist_m", "zh"))
    assert near[t("f_kind", "zh")].tolist() == [t("kind_subpark", "zh")] * 3 + [t("kind_station", "zh")] * 3


def test_ranking_columns_are_contributions_with_their_weights(at):
    import re

    ranking = next(d.value for d in at.dataframe if t("f_rank", "zh") in d.value.columns and len(d.value) > 40)
    found = [re.fullmatch(r"(.+)贡献（权重 (\d+)%）", str(c)) for c in ranking.columns]
    shares = {m.group(1): int(m.group(2)) for m in found if m}
    assert len(shares) == 8 and sum(shares.values()) == 100
    assert shares[ev_.criterion_label("adjacency", "zh")] == 18  # 20 of 110


def test_float_columns_get_one_number_format():
    from pages.cards import fixed_decimals

    frame = pd.DataFrame({"a": [0.2, 0.195], "b": [1, 2], "c": ["x", "y"]})
    config = fixed_decimals(frame)
    assert list(config) == ["a"] and config["a"]["type_config"]["format"] == "%.3f"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_score_exports_record_the_weights_used(ev, fmt):
    weights = {c: (60.0 if c == "transit" else 10.0) for c in ev.criteria}
    scores = ev_.score(ev, weights)
    data = parcel_file(ev, scores, fmt=fmt, lang="zh")
    table = pd.read_csv(io.BytesIO(data)) if fmt == "csv" else pd.read_excel(io.BytesIO(data))
    shares = ev_.percent_shares(scores.weights.to_dict())
    assert sum(shares.values()) == 100
    for c in ev.criteria:
        header = t("f_contrib_of", "zh", criterion=ev_.criterion_label(c, "zh"), share=shares[c])
        assert header in table.columns, (header, table.columns.tolist())


def test_the_page_says_what_the_suitability_geotiff_holds(ds):
    surf = ev_.surface(ds, ev_.default_weights(ev_.vector_criteria()), cell_m=200.0)
    with rasterio.MemoryFile(ev_.surface_geotiff(surf)) as mem, mem.open() as src:
        values = src.read(1)
    valid = values[values != 255]
    assert valid.max() > 1 and valid.max() <= 100  # score × 100
    for lang in ("zh", "en"):
        assert "0–100" in t("legend_surface", lang) and "× 100" in t("legend_surface", lang)
    assert np.isfinite(surf.score).any()


def test_the_home_maps_parcel_panel_shows_the_rules_and_neighbours_in_full(monkeypatch):
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    app = open_app()
    app.session_state["home_parcel"] = "P069"
    app.run()
    assert not app.exception
    rules = _table(app, t("f_value", "zh"))
    assert "与 N04 真如铁三角科技园重叠 1.5 公顷" in rules[t("f_value", "zh")].tolist()
    assert t("f_kind", "zh") in _table(app, t("f_dist_m", "zh")).columns


def test_the_report_shows_weights_as_whole_percents_adding_up_to_100(ds, ev, monkeypatch):
    from gis.scenario import Scenario
    from planner import export_jobs as jobs

    seen = {}
    monkeypatch.setattr(jobs, "scenario_report", lambda *a, **kw: seen.update(kw) or b"%PDF-")
    scores = ev_.score(ev, dict.fromkeys(ev.criteria, 1.0))  # 7 equal weights: 14.29 % each
    scenario = Scenario(name="北扩方案", author="local:root", parcels=("P056",))
    jobs.report_pdf(ds, ev, scores, scenario, jobs.layers_for_export(ds, ev, scores, scenario), author="x", lang="zh")
    assert round(sum(seen["weights"].values()) * 100) == 100
    assert all(round(w * 100, 6) == int(round(w * 100)) for w in seen["weights"].values())  # whole percents
    card = seen["cards"]["P056"]
    weights = card[t("f_weight", "zh")].tolist()
    assert all(w.endswith("%") for w in weights) and weights[-1] == "100%"  # "14%", never "14.3" or "20.0"
    assert sum(int(w.rstrip("%")) for w in weights[:-1]) == 100
