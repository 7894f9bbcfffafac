"""planner/maps.py directly: the context under every map, park layers by signed URL, the selection outline,
and which parcel a map click chose (small layers by feature, tiled ones by a point query)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from starlette.applications import Starlette
from starlette.testclient import TestClient

from gis.crs import shift_points
from planner import data as datasets
from planner import maps, tiles
from server import routes as http


def _params(url: str) -> tuple[str, dict]:
    parts = urlparse(url)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


def test_context_refs_and_legend_follow_what_the_data_has(ds):
    refs = maps.context_refs(ds, lang="en", datum="gcj02")
    assert [r["id"] for r in refs] == ["roads", "metro_lines"]
    assert all(r["popups"] is False for r in refs)
    path, params = _params(refs[0]["url"])
    assert path == f"/api/layer/{ds.version}/roads" and params["datum"] == "gcj02" and params["lang"] == "en"
    legend = maps.context_legend(ds, lang="zh")
    assert legend[-1][0].startswith("地铁线路") and all(entry[1]["kind"] == "line" for entry in legend)
    assert len(legend) > 2  # road classes and one entry for the metro
    # a data folder without OpenStreetMap roads: no road layer, no road legend
    no_roads = datasets.with_layers(ds, {"roads": ds.park.roads.iloc[:0]})
    assert [r["id"] for r in maps.context_refs(no_roads, lang="en")] == ["metro_lines"]
    assert len(maps.context_legend(no_roads, lang="en")) == 1
    assert len(ds.park.roads) > 0  # the base data set is untouched


def test_park_refs_in_draw_order_only_the_interactive_ones_answer(ds):
    refs = maps.park_refs(
        ds, ("district", "subparks", "stations"), lang="zh", interactive=("stations",), labels=("subparks", "stations")
    )
    assert [r["id"] for r in refs] == ["district", "subparks", "stations"]
    assert [r["interactive"] for r in refs] == [False, False, True]
    assert [r["labels"] for r in refs] == [False, True, True]
    assert [r["label_min_zoom"] for r in refs] == [0, 0, 14]
    assert refs[1]["name"] == "14个子园"


def test_signed_urls_are_served_and_tampered_ones_refused(ds):
    client = TestClient(Starlette(routes=http.routes()))
    url = maps.park_refs(ds, ("subparks",), lang="en")[0]["url"]
    ok = client.get(url)
    assert ok.status_code == 200 and ok.headers["content-type"].startswith("application/json")
    assert "Taopu Smart City" in ok.text
    for bad in (
        url.replace("lang=en", "lang=zh"),
        url.replace("/subparks?", "/parcels?"),
        url.split("&sig=")[0],
        url.replace("datum=wgs84", "datum=gcj02"),
    ):
        assert client.get(bad).status_code == 403, bad


def test_selection_ref_outlines_one_parcel(ds):
    assert maps.selection_ref(ds, None, lang="en") is None and maps.selection_ref(ds, "", lang="en") is None
    assert maps.selection_ref(ds, "P999", lang="en") is None
    ref = maps.selection_ref(ds, "P010", lang="en")
    assert ref["id"] == "selection" and ref["interactive"] is False and ref["in_control"] is False
    assert [f[0] for f in ref["doc"]["f"]] == ["P010"] and ref["name"] == "Selection"


def test_clicked_parcel_on_a_small_layer(ds):
    click = {"type": "click", "layer": "scored_parcels", "id": "P010", "lat": 31.25, "lng": 121.4, "zoom": 15}
    assert maps.clicked_parcel(ds, click, layer_ids=("scored_parcels", "user_parcels")) == "P010"
    assert (
        maps.clicked_parcel(
            ds, {**click, "layer": "user_parcels", "id": "U001"}, layer_ids=("scored_parcels", "user_parcels")
        )
        == "U001"
    )
    assert maps.clicked_parcel(ds, {**click, "layer": "subparks", "id": "N01"}, layer_ids=("scored_parcels",)) is None
    assert maps.clicked_parcel(ds, {**click, "type": "hover"}, layer_ids=("scored_parcels",)) is None
    assert maps.clicked_parcel(ds, {**click, "id": None}, layer_ids=("scored_parcels",)) is None
    # a click on no feature of a small layer chooses nothing (no point query)
    assert maps.clicked_parcel(ds, {**click, "layer": None, "id": None}, layer_ids=("scored_parcels",)) is None
    assert maps.clicked_parcel(ds, {}, layer_ids=("scored_parcels",)) is None


def test_clicked_parcel_on_a_tiled_layer_is_a_point_query(ds, monkeypatch):
    monkeypatch.setattr(tiles, "TILE_THRESHOLD", 10)  # the 71 parcels count as a large layer here
    parcels = ds.park.parcels.assign(name_en=ds.park.parcels["name_en"] + " ")  # a data set of this test's own
    big = datasets.with_layers(ds, {"parcels": parcels})
    ref = maps.parcels_ref(big, "scored_parcels", lang="en")
    assert "tiled" in ref and "url" not in ref
    path, params = _params(ref["tiled"]["tile_url"].replace("{z}/{x}/{y}", "1/2/3"))
    assert path == f"/api/tiles/{big.version}/parcels/1/2/3.mvt" and params["sig"]
    inside = parcels[parcels["id"] == "P010"].geometry.iloc[0].representative_point()
    click = {"type": "click", "layer": None, "lat": inside.y, "lng": inside.x, "zoom": 17}
    assert maps.clicked_parcel(big, click, layer_ids=("scored_parcels",)) == "P010"
    # the same place on a GCJ-02 basemap is where GCJ-02 puts it
    gx, gy = shift_points([inside.x], [inside.y], source="wgs84", target="gcj02")
    gcj_click = {**click, "lat": float(gy[0]), "lng": float(gx[0])}
    assert maps.clicked_parcel(big, gcj_click, layer_ids=("scored_parcels",), datum="gcj02") == "P010"
    assert maps.clicked_parcel(big, {**click, "lat": 30.0, "lng": 120.0}, layer_ids=("scored_parcels",)) is None
    assert maps.clicked_parcel(big, {**click, "lat": "north"}, layer_ids=("scored_parcels",)) is None
    assert maps.clicked_parcel(big, {"type": "click", "layer": None}, layer_ids=("scored_parcels",)) is None
    # a tiled layer's clicked feature id still counts when the map names it
    assert (
        maps.clicked_parcel(big, {**click, "layer": "scored_parcels", "id": "P020"}, layer_ids=("scored_parcels",))
        == "P020"
    )
