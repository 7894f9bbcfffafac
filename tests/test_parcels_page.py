"""AppTest flows of the candidate-parcels page: weights reorder the ranking, presets, card, rules, user parcels."""

import geopandas as gpd
import numpy as np
import pytest
import shapely
from rasterio.transform import from_origin

from gis.errors import ExportError
from gis.raster import geotiff_bytes
from gis.scoring import LANDUSE_CRITERION, VECTOR_CRITERIA
from pages import state
from pages.parcels import DRAWN, RASTERS, USER
from planner.evaluate import add_uploaded_parcels, raster_criterion
from planner.export_jobs import PARCEL_FILES, parcel_file
from tests.apptest_util import maps, open_app, open_tab
from text.messages import t

#: The page's criteria: the bundled data folder has a 控规 layer, which adds its criterion.
CRITERIA = (*VECTOR_CRITERIA, LANDUSE_CRITERION)


@pytest.fixture
def at(monkeypatch):
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    return open_app("pages/parcels.py")


def _ranking(app):
    return next(d.value for d in app.dataframe if t("f_rank", "zh") in d.value.columns and len(d.value) > 40)


def _only(app, criterion):
    for c in CRITERIA:
        app.slider(key=state.weight_key(c)).set_value(100 if c == criterion else 0)
    app.run()
    assert not app.exception
    return _ranking(app)


def test_sliders_show_normalised_percentages(at):
    labels = [s.label for s in at.slider if s.key.startswith("w_")]
    assert len(labels) == len(CRITERIA)
    assert sum(int(label.rsplit("(", 1)[1].rstrip("%)")) for label in labels) == 100


def test_changing_weights_reorders_as_expected(at, data):
    from gis.scoring import Context, check_rules, normalise, raw_criteria

    parcels = data.parcels.set_index("id", drop=False)
    ctx = Context.from_park_data(data)
    norm = normalise(raw_criteria(parcels, ctx))
    ok = check_rules(parcels, ctx)["passes"]
    for criterion in ("transit", "adjacency"):
        ranking = _only(at, criterion)
        top = ranking.iloc[0][t("f_id", "zh")]
        assert norm.loc[top, criterion] == pytest.approx(norm.loc[ok, criterion].max())
    assert len(ranking) == int(ok.sum())  # failing parcels are not ranked


def test_presets_and_reset(at):
    at.selectbox(key="weights_preset@zh").select("transit_first").run()
    assert at.slider(key=state.weight_key("transit")).value == 40
    at.slider(key=state.weight_key("transit")).set_value(3).run()
    at.sidebar.button[0].click().run()  # reset
    assert at.slider(key=state.weight_key("transit")).value == 15
    assert at.selectbox(key="weights_preset@zh").value == "balanced"


def test_parcel_card_explains_the_score(at):
    at.selectbox(key="parcel_selected@zh").select("P001").run()
    assert "候选地块 P001" in at.subheader[0].value
    assert maps(at)["parcels"]["selected"] == {"layer": "scored_parcels", "id": "P001"}
    card = next(d.value for d in at.table if t("f_contrib_short", "zh") in d.value.columns)
    assert len(card) == len(CRITERIA) + 1  # and the total
    total = float(next(m.value for m in at.metric if m.label == t("card_total", "zh")))
    contributions = card[t("f_contrib_short", "zh")].astype(float)
    assert contributions.iloc[:-1].sum() == pytest.approx(total, abs=0.005)
    assert contributions.iloc[-1] == pytest.approx(total, abs=0.0005)
    assert set(card[t("f_norm_short", "zh")].iloc[:-1].astype(float)) <= set(np.round(np.linspace(0, 1, 101), 2))


def test_failing_parcels_listed_with_reason(at, data):
    failing = next(d.value for d in at.dataframe if t("f_failed", "zh") in d.value.columns and len(d.value) < 10)
    reasons = dict(zip(failing[t("f_id", "zh")], failing[t("f_failed", "zh")]))
    issues = data.parcels.loc[data.parcels["demo_issue"].fillna("") != "", ["id", "demo_issue"]]
    assert len(issues) == 5 and set(reasons) == set(issues["id"])
    fragments = {"crosses_district": "超出普陀区", "overlaps_subpark": "与子园重叠", "too_small": "小于最小值"}
    for pid, issue in zip(issues["id"], issues["demo_issue"]):
        assert fragments[issue] in reasons[pid], reasons[pid]  # names what failed, with the measured value


def test_user_parcel_is_scored_and_ranked(at):
    poly = shapely.box(121.3990, 31.2480, 121.4030, 31.2510)  # ~380 x 330 m near 真如, inside the core
    at.session_state[USER] = gpd.GeoDataFrame(
        {
            "id": ["U001"],
            "name_zh": ["我的地块"],
            "name_en": ["My parcel"],
            "intended_use": ["life_health"],
            "current_use_zh": ["用户添加"],
            "current_use_en": ["added"],
            "area_m2": [120_000.0],
            "source": ["test"],
            "accuracy": ["test"],
        },
        geometry=[poly],
        crs="EPSG:4326",
    )
    at.run()
    assert not at.exception
    ranking = _ranking(at)
    assert "U001" in ranking[t("f_id", "zh")].tolist()


def test_removing_the_users_parcels_asks_first(at):
    poly = shapely.box(121.3990, 31.2480, 121.4030, 31.2510)
    at.session_state[USER] = add_uploaded_parcels(
        None,
        "mine.geojson",
        gpd.GeoDataFrame({"name": ["甲"]}, geometry=[poly], crs=4326).to_json().encode(),
        intended_use="rd_services",
    )
    open_tab(at, "parcels_tab", "tab_add")
    at.button(key="remove_user").click().run()
    assert any("确定移除您添加的全部 1 个地块" in w.value for w in at.warning)
    assert at.session_state[USER] is not None  # only asked
    at.button(key="remove_user__no").click().run()
    assert at.session_state[USER] is not None and not any("确定移除" in w.value for w in at.warning)
    at.button(key="remove_user").click().run()
    at.button(key="remove_user__yes").click().run()
    assert not at.exception and at.session_state[USER] is None


def test_preset_box_says_custom_once_a_slider_moved(at):
    at.selectbox(key="weights_preset@zh").select("transit_first").run()
    at.slider(key=state.weight_key("size")).set_value(33).run()
    assert at.selectbox(key="weights_preset@zh").value == "custom"
    assert t("preset_custom", "zh") == "自定义"
    at.selectbox(key="weights_preset@zh").select("custom").run()  # choosing 自定义 keeps the user's weights
    assert at.slider(key=state.weight_key("size")).value == 33


def test_raster_criterion_gets_a_slider_and_counts(at):
    arr = np.tile(np.linspace(0, 100, 200), (150, 1))  # rises to the east
    tif = geotiff_bytes(arr, transform=from_origin(121.30, 31.32, 0.001, 0.001), crs="EPSG:4326")
    at.session_state[RASTERS] = [raster_criterion("地价", tif, higher_is_better=True, probe=_probe())]
    at.run()
    key = state.weight_key("raster:地价")
    assert at.slider(key=key).value == 10
    for c in CRITERIA:
        at.slider(key=state.weight_key(c)).set_value(0)
    at.slider(key=key).set_value(100).run()
    ranking = _ranking(at)
    assert ranking[t("f_score", "zh")].iloc[0] == pytest.approx(1.0)  # the easternmost eligible parcel


def test_other_tabs_render(at):
    open_tab(at, "parcels_tab", "tab_surface")
    assert any(b.label == t("surface_download", "zh") for b in at.get("download_button"))
    open_tab(at, "parcels_tab", "tab_export")
    labels = {b.label for b in at.get("download_button")}
    assert {t("export_csv", "zh"), t("export_xlsx", "zh"), t("export_geojson", "zh"), t("export_gpkg", "zh")} <= labels
    open_tab(at, "parcels_tab", "tab_sensitivity")
    sens = next(d.value for d in at.dataframe if t("sens_share", "zh") in d.value.columns)
    assert sens[t("sens_share", "zh")].str.endswith("%").all()
    open_tab(at, "parcels_tab", "tab_help")
    assert not at.exception and not at.error


def test_zero_weights_show_error_not_crash(at):
    for c in CRITERIA:
        at.slider(key=state.weight_key(c)).set_value(0)
    at.run()
    assert not at.exception and at.error[0].value == t("err_title_scoring", "zh")
    assert "所有权重均为 0" in " ".join(x.value for x in at.text)


def _probe():
    from gis.datasets import load_park_data

    return load_park_data().parcels


def test_weight_change_restyles_the_map_without_sending_geometry(at):
    before = maps(at)["parcels"]
    parcels = next(r for r in before["layers"] if r["id"] == "scored_parcels")
    assert "url" in parcels and "doc" not in parcels and len(parcels["restyle"]) == 71
    at.slider(key=state.weight_key("transit")).set_value(100).run()
    after = next(r for r in maps(at)["parcels"]["layers"] if r["id"] == "scored_parcels")
    assert after["url"] == parcels["url"]  # same geometry document, cached by the browser
    assert after["restyle"] != parcels["restyle"]
    score, rank, failed = after["extra"]["values"]["P001"]
    assert float(score) >= 0 and t("f_score", "zh") in after["extra"]["labels"]


def test_card_values_are_in_the_users_language(at):
    at.selectbox(key="parcel_selected@zh").select("P001").run()
    card = next(d.value for d in at.table if t("f_contrib_short", "zh") in d.value.columns)
    raw = " ".join(card[t("f_raw", "zh")])
    assert "share" not in raw and "∞" not in raw and "_" not in raw
    assert "米" in raw or "m²" in raw


def test_a_drawn_parcel_is_added_named_and_selected(at):
    at.session_state[DRAWN] = shapely.geometry.mapping(shapely.box(121.3990, 31.2480, 121.4030, 31.2510))
    open_tab(at, "parcels_tab", "tab_add")
    at.text_input(key="new_parcel_name").input("北角")
    at.button(key="add_drawn").click().run()
    assert not at.exception
    user = at.session_state[USER]
    assert user["id"].tolist() == ["U001"] and user["name_zh"].tolist() == ["北角"]
    assert at.session_state["parcel_selected@zh"] == "U001" and DRAWN not in at.session_state


def test_uploaded_parcels_take_their_names_and_known_uses():
    """The parcels page's upload: names from the first name column found, an unknown use replaced by the chosen
    one, numbered names when the file has none."""
    boxes = [shapely.box(121.399, 31.248, 121.400, 31.249), shapely.box(121.401, 31.248, 121.402, 31.249)]
    named = gpd.GeoDataFrame(
        {"名称": ["东块", "西块"], "intended_use": ["life_health", "casino"]}, geometry=boxes, crs="EPSG:4326"
    )
    parcels = add_uploaded_parcels(None, "mine.geojson", named.to_json().encode(), intended_use="rd_services")
    assert parcels["name_zh"].tolist() == ["东块", "西块"]
    assert parcels["intended_use"].tolist() == ["life_health", "rd_services"]
    bare = gpd.GeoDataFrame(geometry=boxes, crs="EPSG:4326")
    more = add_uploaded_parcels(parcels, "bare.geojson", bare.to_json().encode(), intended_use="rd_services")
    assert more["id"].tolist() == ["U001", "U002", "U003", "U004"]
    assert more["name_zh"].tolist()[2:] == ["#1", "#2"]


def test_the_ranking_downloads_in_every_format(data):
    from planner import evaluate as ev_
    from planner.data import folder_dataset

    ev = ev_.evaluate(folder_dataset())
    scores = ev_.score(ev, ev_.default_weights(ev.criteria))
    heads = {"csv": t("f_rank", "zh").encode(), "xlsx": b"PK", "geojson": b"{", "gpkg": b"SQLite format 3"}
    for fmt, (file_name, _) in PARCEL_FILES.items():
        payload = parcel_file(ev, scores, fmt=fmt, lang="zh")
        assert file_name.endswith(fmt) and heads[fmt] in payload[:4096], fmt
    with pytest.raises(ExportError):
        parcel_file(ev, scores, fmt="exe", lang="zh")
