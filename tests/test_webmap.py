"""The web map: layer documents (text only, precision, datum shift), map specs, the offline HTML, the routes."""

import json
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely
from starlette.applications import Starlette
from starlette.testclient import TestClient

from gis.crs import to_metric, wgs84_to_gcj02
from layers.registry import REGISTRY, get_spec
from layers.webmap import (
    LegendJson,
    MapJson,
    MapSpec,
    basemap_spec,
    display_geometries,
    encode_polyline,
    get_basemap,
    layer_document,
    layer_ref,
    legend_entries,
    map_spec,
    script_json,
    standalone_html,
)
from planner import data as datasets
from server import routes as http


@pytest.fixture
def hostile_layer(squares_4549):
    gdf = squares_4549.to_crs("EPSG:4326").copy()
    gdf["name_zh"] = ['<script>alert("x")</script>', "<img src=x onerror=alert(1)>", "A & B"]
    gdf["industries_zh"] = ["<b>bold</b>", "ok", "ok"]
    return gdf


def _field(doc, feature, name):
    k = feature[3][doc["fields"].index(name)]
    return None if k < 0 else doc["s"][k]


def test_document_keeps_raw_text_and_script_json_escapes_markup(hostile_layer):
    doc = layer_document(get_spec("subparks"), hostile_layer, lang="zh", label_field="name")
    assert _field(doc, doc["f"][0], "name") == '<script>alert("x")</script>'  # raw: shown with textContent
    text = script_json(doc)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == doc  # still the same JSON
    label = doc["f"][0][4]
    assert doc["s"][label[1]] == '<script>alert("x")</script>' and label[2] == pytest.approx(1_000_000, rel=1e-3)


def test_document_only_display_fields_and_ids(data):
    doc = layer_document(get_spec("subparks"), data.subparks, lang="en")
    assert doc["id"] == "subparks" and doc["s"][doc["name"]] == "14 sub-parks"
    assert doc["fields"] == ["name", "id", "industries", "carriers", "accuracy"]
    first = doc["f"][0]
    assert first[0] == data.subparks["id"].iloc[0] and first[1] == data.subparks["cluster"].iloc[0]
    assert _field(doc, first, "name") == data.subparks["name_en"].iloc[0]
    repeated = data.subparks["accuracy"].nunique()
    assert len([s for s in doc["s"] if s.startswith("demonstration outline")]) == repeated  # sent once


def test_anchor_points_lie_inside_their_polygons(data):
    doc = layer_document(get_spec("subparks"), data.subparks, lang="zh", label_field="name")
    for feature, geom in zip(doc["f"], data.subparks.geometry):
        lat, lon = _decode_one(feature[4][0])
        assert geom.buffer(1e-5).contains(shapely.Point(lon, lat))


def _decode_one(s: str, decimals: int = 6):
    values, i = [], 0
    while i < len(s):
        r = sh = 0
        while True:
            b = ord(s[i]) - 63
            i += 1
            r |= (b & 31) << sh
            sh += 5
            if b < 32:
                break
        values.append(~(r >> 1) if r & 1 else r >> 1)
    return values[0] / 10**decimals, values[1] / 10**decimals


def test_encode_polyline_known_answer():
    # The encoded-polyline format's published example: (38.5,-120.2), (40.7,-120.95), (43.252,-126.453).
    lonlat = np.array([[-120.2, 38.5], [-120.95, 40.7], [-126.453, 43.252]])
    assert encode_polyline(lonlat, decimals=5) == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"


def test_display_geometries_round_to_decimals_and_move_under_a_metre(data):
    geoms = display_geometries(data.district, simplify_m=1.0, decimals=6)
    coords = shapely.get_coordinates(geoms)
    assert np.allclose(coords, np.round(coords, 6), atol=1e-12, rtol=0)
    orig = to_metric(data.district).geometry.iloc[0]
    shown = to_metric(gpd.GeoSeries(geoms, crs="EPSG:4326")).iloc[0]
    assert shapely.hausdorff_distance(orig, shown, densify=0.1) < 1.2  # 1 m simplification + 0.1 m rounding
    assert len(shapely.get_coordinates(shown)) < len(shapely.get_coordinates(orig))


def test_gcj02_document_shifts_vectors_about_480m(data):
    plain = layer_document(get_spec("stations"), data.stations, lang="zh")
    shifted = layer_document(get_spec("stations"), data.stations, lang="zh", datum="gcj02")
    x, y = data.stations.geometry.iloc[0].coords[0]
    gx, gy = wgs84_to_gcj02(np.array([x]), np.array([y]))
    assert shifted["f"][0][2] == encode_polyline(np.array([[gx[0], gy[0]]]), decimals=6)
    assert plain["f"][0][2] != shifted["f"][0][2]
    moved = to_metric(gpd.GeoSeries.from_xy([x, gx[0]], [y, gy[0]], crs="EPSG:4326"))
    assert 400 < moved.iloc[0].distance(moved.iloc[1]) < 600


def test_basemaps_without_a_key_fall_back_to_no_tiles():
    assert basemap_spec(get_basemap("tianditu_vec"), key=None)["tiles"] == []
    keyed = basemap_spec(get_basemap("tianditu_vec"), key="KEY123")
    assert all("tk=KEY123" in tile["url"] and "{key}" not in tile["url"] for tile in keyed["tiles"])
    assert basemap_spec(get_basemap("amap"))["datum"] == "gcj02"
    assert get_basemap("no-such-basemap").id == "none"


def test_legend_entries_in_both_languages():
    for lang in ("zh", "en"):
        entries = legend_entries(REGISTRY, lang=lang)
        assert all(label and style["kind"] in ("polygon", "line", "point") for label, style in entries)


def test_map_spec_sends_the_typed_keys_in_order_and_copies_its_input():
    fit = ((31.2, 121.3), (31.3, 121.4))
    legend = (("图例项", {"kind": "polygon"}),)
    doc = map_spec(
        MapSpec(
            lang="en",
            layers=[layer_ref("x", name="x", url="/api/layer/x")],
            fit=fit,
            legend=legend,
            basemap={"tiles": []},
            legend_title="Legend",
            legend_open=False,
            credits=("OSM",),
        )
    )
    assert list(doc) == list(MapJson.__annotations__) and list(doc["legend"]) == list(LegendJson.__annotations__)
    assert doc["fit"] == [[31.2, 121.3], [31.3, 121.4]]
    assert doc["legend"]["entries"] == [["图例项", {"kind": "polygon"}]]
    assert doc["legend"]["open"] is False and doc["credits"] == ["OSM"] and doc["scripts"] == []
    assert doc["texts"]["zoom_in"] and doc["focus"] is None and doc["image"] is None and doc["map_key"] == "map"
    assert json.loads(script_json(doc)) == doc
    tiled = map_spec(
        MapSpec(lang="zh", layers=[{"id": "p", "tiled": {}}], fit=fit, legend=(), basemap={}, legend_title="图例")
    )
    assert tiled["scripts"] == ["js/vector_tiles.js"]


def test_offline_html_inlines_everything_and_escapes_the_data(data, hostile_layer):
    refs = [layer_ref("subparks", name="<b>x</b>", doc=layer_document(get_spec("subparks"), hostile_layer, lang="zh"))]
    spec = map_spec(
        MapSpec(
            lang="zh",
            layers=refs,
            basemap={"tiles": [], "datum": "wgs84"},
            fit=[[31.2, 121.3], [31.3, 121.4]],
            legend_title="图例",
            legend=[],
        )
    )
    page = standalone_html(spec, title="<title>")
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>x</b>" not in page
    markup = re.sub(r"<(script|style)>.*?</\1>", "", page, flags=re.S)
    assert not re.findall(r"(?:src|href)=", markup)  # nothing is fetched: Leaflet, the map and the data are inline
    assert "PlannerMap" in page and "L.map" in page
    with pytest.raises(ValueError):
        standalone_html({**spec, "layers": [layer_ref("x", name="x", url="/api/layer/x")]}, title="x")


# --- the HTTP routes -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client():
    return TestClient(Starlette(routes=http.routes()))


def test_layer_route_serves_signed_documents_only(client):
    ds = datasets.folder_dataset()
    url = http.layer_url(ds.version, "subparks", lang="en")
    r = client.get(url)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert "immutable" in r.headers["cache-control"]
    doc = r.json()
    assert doc["id"] == "subparks" and len(doc["f"]) == 14
    assert client.get(url.replace("lang=en", "lang=zh")).status_code == 403  # signature covers the parameters
    assert client.get(url.split("&sig=")[0] + "&sig=" + "0" * 24).status_code == 403
    assert client.get(url.split("?")[0]).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/api/layer/../../etc/passwd/subparks",
        "/api/layer/d0000000000000000/..%2F..%2Fetc",
        "/api/layer/x/subparks",
        "/api/layer/d0000000000000000/no_such_layer",
        "/api/layer/D0123456789ABCDEF/subparks",
    ],
)
def test_layer_route_refuses_nonsense(client, path):
    r = client.get(http.signed_url(path, lang="zh", datum="wgs84"))
    assert r.status_code in (400, 404) and "Traceback" not in r.text


def test_unknown_version_is_404_and_bad_parameters_400(client):
    assert client.get(http.layer_url("d" + "0" * 16, "subparks", lang="zh")).status_code == 404
    ds = datasets.folder_dataset()
    path = f"/api/layer/{ds.version}/subparks"
    exp = http.expiry()
    assert client.get(http.signed_url(path, lang="fr", datum="wgs84", exp=exp)).status_code == 400
    assert client.get(http.signed_url(path, lang="zh", datum="utm", exp=exp)).status_code == 400


def test_a_layer_url_expires_and_wants_the_sign_in_cookie_when_a_sign_in_is_required(client, monkeypatch, tmp_path):
    """A URL made 13 hours ago is refused; with sign-in on, a URL without a live session's cookie is refused (the
    URL alone, kept after sign-out or seen in a log, fetches nothing)."""
    import time

    from planner import auth
    from planner import workspace as pw

    ds = datasets.folder_dataset()
    path = f"/api/layer/{ds.version}/subparks"
    old = http.expiry(now_s=time.time() - 13.5 * 3600)
    assert client.get(http.signed_url(path, lang="zh", datum="wgs84", exp=old)).status_code == 403
    assert client.get(http.signed_url(path, lang="zh", datum="wgs84", exp="x")).status_code == 403
    url = http.layer_url(ds.version, "subparks", lang="zh")
    assert client.get(url).status_code == 200  # single-user mode: nobody signs in

    monkeypatch.setenv("PUTUO_AUTH", "local")
    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "ws.gpkg"))
    ws, cfg = pw.open_from_env()
    pw.add_account(ws, auth.single_user(), "wang", "viewer", password="a long password 1")
    token = auth.sign_in(ws, cfg, "wang", "a long password 1").token
    assert client.get(url).status_code == 403
    client.cookies.set(auth.SESSION_COOKIE, "forged")
    assert client.get(url).status_code == 403
    client.cookies.set(auth.SESSION_COOKIE, token)
    assert client.get(url).status_code == 200
    auth.sign_out(ws, auth.current_user(ws, cfg, token=token), token)
    assert client.get(url).status_code == 403  # signed out: at once
    client.cookies.clear()


@pytest.mark.parametrize(("lang", "shown"), [("zh", "1号线、3号线、4号线"), ("en", "Line 1, Line 3, Line 4")])
def test_a_stations_lines_read_as_line_names_not_codes(data, lang, shown):
    """Stations carried "1|3|4" into the tooltip and popup; they say the lines' names in the user's language."""
    doc = layer_document(get_spec("stations"), data.stations, lang=lang)
    strings = doc["s"]
    lines_at = doc["fields"].index("lines")
    texts = {strings[f[3][lines_at]] for f in doc["f"]}
    assert shown in texts and not any("|" in text for text in texts)
