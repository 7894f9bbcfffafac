"""The app's tile and values routes: signed, validated, bounded by the layer, empty tiles cheap, no traversal."""

import geopandas as gpd
import numpy as np
import pytest
import shapely
from starlette.applications import Starlette
from starlette.testclient import TestClient

from planner import tiles
from server import routes as http
from tiles.vector import tile_of

VERSION = "d" + "ab" * 8


@pytest.fixture(scope="module")
def layer():
    rng = np.random.default_rng(3)
    x = 121.39 + rng.uniform(0, 0.01, 500)
    y = 31.25 + rng.uniform(0, 0.01, 500)
    geoms = [shapely.box(a, b, a + 0.0003, b + 0.0002) for a, b in zip(x, y)]
    return gpd.GeoDataFrame({"id": [f"Q{i:04d}" for i in range(500)]}, geometry=geoms, crs="EPSG:4326")


@pytest.fixture(scope="module")
def client(layer):
    tiles.engine(VERSION, "parcels", layer)
    return TestClient(Starlette(routes=http.routes()))


def _urls(datum="wgs84"):
    return http.tile_urls(VERSION, "parcels", datum=datum)


def _fill(template, z, x, y, v=""):
    return template.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y)).replace("{v}", v)


def test_a_tile_over_the_layer_holds_its_features_and_an_empty_one_is_empty(client):
    import mapbox_vector_tile

    tile_url, _ = _urls()
    x, y = tile_of(121.395, 31.255, 15)
    r = client.get(_fill(tile_url, 15, x, y))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/")
    decoded = mapbox_vector_tile.decode(r.content)
    assert sum(len(layer["features"]) for layer in decoded.values()) > 10
    far_x, far_y = tile_of(121.0, 31.0, 15)
    empty = client.get(_fill(tile_url, 15, far_x, far_y))
    assert empty.status_code == 200 and empty.content == b""


def test_values_follow_the_tile_and_an_unknown_values_version_is_404(client, layer):
    tile_url, values_url = _urls()
    eng = tiles.lookup(VERSION, "parcels")
    classes = np.arange(len(layer)) % 3 + 1
    key = tiles.register_values(VERSION, "parcels", eng, classes)
    x, y = tile_of(121.395, 31.255, 15)
    r = client.get(_fill(values_url, 15, x, y, key))
    assert r.status_code == 200 and 0 < len(r.content) == len(eng.values(15, x, y, classes.astype(np.uint8)))
    assert client.get(_fill(values_url, 15, x, y, "0" * 16)).status_code == 404
    assert client.get(_fill(values_url, 15, x, y, "../../etc")).status_code in (400, 404)


@pytest.mark.parametrize(
    "z,x,y",
    [
        ("-1", "0", "0"),
        ("23", "0", "0"),
        ("15", "99999", "0"),
        ("15", "1e3", "0"),
        ("15", "0x10", "0"),
        ("15", "٣", "0"),
        ("15", " 1", "0"),
        ("15", "01", "0"),
        ("99999999999999999999", "0", "0"),
    ],
)
def test_nonsense_coordinates_are_400(client, z, x, y):
    tile_url, _ = _urls()
    r = client.get(_fill(tile_url, z, x, y))
    assert r.status_code == 400 and "Traceback" not in r.text


def test_signature_and_names_are_checked(client):
    tile_url, _ = _urls()
    x, y = tile_of(121.395, 31.255, 15)
    good = _fill(tile_url, 15, x, y)
    assert client.get(good.replace("datum=wgs84", "datum=gcj02")).status_code == 403  # the datum is signed
    assert client.get(good.split("&sig=")[0] + "&sig=" + "0" * 24).status_code == 403
    assert client.get(good.replace(VERSION, "d" + "cd" * 8)).status_code == 403
    other = http.tile_urls("d" + "cd" * 8, "parcels", datum="wgs84")[0]
    assert client.get(_fill(other, 15, x, y)).status_code == 404  # signed, but no such layer loaded
    for path in (
        "/api/tiles/..%2F..%2Fetc/passwd/15/1/1.mvt",
        f"/api/tiles/{VERSION}/../15/1/1.mvt",
        f"/api/tiles/{VERSION}/Parcels;rm/15/1/1.mvt",
    ):
        assert client.get(path + "?datum=wgs84&sig=x").status_code in (400, 403, 404)


def test_a_click_finds_the_parcel_under_it(layer):
    tiles.engine(VERSION, "parcels", layer)
    geom = layer.geometry.iloc[42]
    c = geom.centroid
    found = tiles.feature_at(VERSION, "parcels", lat=c.y, lng=c.x, zoom=18)
    assert found == "Q0042" or layer.set_index("id").geometry[found].contains(c)
    assert tiles.feature_at(VERSION, "parcels", lat=31.0, lng=121.0, zoom=18) is None


def _signature_in_new_process(state_dir, *, secret: str | None = None) -> str:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PUTUO_SECRET_KEY"} | {"PUTUO_STATE_DIR": str(state_dir)}
    if secret:
        env["PUTUO_SECRET_KEY"] = secret
    code = "from planner.urls import sign; print(sign('/api/layer/v1/subparks', {'lang': 'zh', 'exp': '1'}))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_a_page_s_urls_still_work_after_the_server_restarts(tmp_path):
    """URLs were signed with a key drawn at random at each start: after a restart every open page's map lost its
    layers. The key is now derived from the server's secret (its key file, or PUTUO_SECRET_KEY)."""
    first = _signature_in_new_process(tmp_path / "a")
    assert _signature_in_new_process(tmp_path / "a") == first  # the same server, restarted
    assert _signature_in_new_process(tmp_path / "b") != first  # another server's key
    given = _signature_in_new_process(tmp_path / "c", secret="s3cret " * 6)
    assert given == _signature_in_new_process(tmp_path / "d", secret="s3cret " * 6) != first
