"""Static files compressed once and cached by browsers (server/static_assets.py); Streamlit's message cache off."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gzip
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from server import static_assets as sa
from tests.live_app import running_app

SCRIPT = ("// a script\n" + "var planner = 1;\n" * 400).encode()  # 6.8 KB, well over MIN_BYTES


async def _inner(scope, receive, send) -> None:
    """Stands for Streamlit: answers everything with 'inner'."""
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"inner"})


def _call(app, path: str, *, headers: dict[str, str] | None = None, method: str = "GET", query: str = ""):
    """(status, headers, body) of one request through the ASGI ``app``."""
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": query.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }
    # in a thread of its own: the browser tests' Playwright keeps an event loop running in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


@pytest.fixture
def folders(tmp_path: Path):
    """A Streamlit-like bundle folder and an app static folder, each with one script and a tiny file."""
    bundles, app_static = tmp_path / "bundles", tmp_path / "app_static"
    for root, name in ((bundles, "js/index.abc123.js"), (app_static, "js/planner_map.js")):
        (root / name).parent.mkdir(parents=True)
        (root / name).write_bytes(SCRIPT)
        (root / "tiny.js").write_bytes(b"var a;")
        (root / "font.woff2").write_bytes(b"\0" * 5000)
    (tmp_path / "secret.js").write_bytes(SCRIPT)
    index = {
        **sa.index_folder(bundles, "/static/", versioned=True),
        **sa.index_folder(app_static, "/app/static/", versioned=False),
    }
    return index, app_static


def test_index_lists_only_compressible_files_big_enough_inside_their_folder(folders):
    index, _ = folders
    assert sorted(index) == ["/app/static/js/planner_map.js", "/static/js/index.abc123.js"]


def test_hashed_bundle_is_gzipped_and_immutable_when_gzip_is_accepted(folders):
    index, _ = folders
    app = sa.StaticAssets(_inner, index=index)
    status, headers, body = _call(app, "/static/js/index.abc123.js", headers={"Accept-Encoding": "gzip, br"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["vary"] == "Accept-Encoding"
    assert headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert int(headers["content-length"]) == len(body) < len(SCRIPT) / 10
    assert gzip.decompress(body) == SCRIPT


@pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0", "br"])
def test_without_gzip_streamlit_answers_uncompressed(folders, accept):
    index, _ = folders
    app = sa.StaticAssets(_inner, index=index)
    _, headers, body = _call(app, "/static/js/index.abc123.js", headers={"Accept-Encoding": accept} if accept else {})
    assert body == b"inner" and "content-encoding" not in headers


@pytest.mark.parametrize(
    "path",
    ["/static/tiny.js", "/static/font.woff2", "/static/../secret.js", "/static/js/nothing.js", "/parcels", "/"],
)
def test_anything_not_indexed_goes_on_to_streamlit(folders, path):
    index, _ = folders
    app = sa.StaticAssets(_inner, index=index)
    assert _call(app, path, headers={"Accept-Encoding": "gzip"})[2] == b"inner"


def test_other_methods_and_range_requests_go_on_to_streamlit(folders):
    index, _ = folders
    app = sa.StaticAssets(_inner, index=index)
    assert _call(app, "/static/js/index.abc123.js", headers={"Accept-Encoding": "gzip"}, method="POST")[2] == b"inner"
    ranged = {"Accept-Encoding": "gzip", "Range": "bytes=0-10"}
    assert _call(app, "/static/js/index.abc123.js", headers=ranged)[2] == b"inner"


def test_app_script_is_immutable_only_under_its_own_version(folders):
    index, _ = folders
    app = sa.StaticAssets(_inner, index=index)
    asset = index["/app/static/js/planner_map.js"]
    accept = {"Accept-Encoding": "gzip"}
    assert _call(app, "/app/static/js/planner_map.js", headers=accept)[1]["cache-control"] == "no-cache"
    stale = _call(app, "/app/static/js/planner_map.js", headers=accept, query="v=1-2")[1]
    assert stale["cache-control"] == "no-cache"
    own = _call(app, "/app/static/js/planner_map.js", headers=accept, query=f"v={asset.version}")[1]
    assert own["cache-control"] == "public, max-age=31536000, immutable"


def test_revalidation_answers_304_and_a_changed_file_is_compressed_again(folders):
    index, app_static = folders
    app = sa.StaticAssets(_inner, index=index)
    accept = {"Accept-Encoding": "gzip"}
    _, headers, _ = _call(app, "/app/static/js/planner_map.js", headers=accept)
    again = _call(app, "/app/static/js/planner_map.js", headers={**accept, "If-None-Match": headers["etag"]})
    assert again[0] == 304 and again[2] == b""
    changed = SCRIPT + b"var more = 2;\n"
    (app_static / "js" / "planner_map.js").write_bytes(changed)
    status, new_headers, body = _call(
        app, "/app/static/js/planner_map.js", headers={**accept, "If-None-Match": headers["etag"]}
    )
    assert status == 200 and new_headers["etag"] != headers["etag"] and gzip.decompress(body) == changed


def test_each_file_is_compressed_once(folders, monkeypatch):
    index, _ = folders
    calls = []
    real = gzip.compress
    monkeypatch.setattr(sa.gzip, "compress", lambda data, **kw: calls.append(1) or real(data, **kw))
    app = sa.StaticAssets(_inner, index=index)
    for _ in range(5):
        _call(app, "/static/js/index.abc123.js", headers={"Accept-Encoding": "gzip"})
    assert len(calls) == 1


def test_switched_off_everything_goes_on_to_streamlit(folders, monkeypatch):
    index, _ = folders
    monkeypatch.setenv(sa.SWITCH_ENV, "off")
    app = sa.StaticAssets(_inner, index=index)
    assert _call(app, "/static/js/index.abc123.js", headers={"Accept-Encoding": "gzip"})[2] == b"inner"


@pytest.mark.parametrize(
    ("header", "accepted"),
    [("gzip", True), ("deflate, gzip;q=0.5", True), ("*", True), ("gzip;q=0", False), ("identity", False), ("", False)],
)
def test_accept_encoding(header, accepted):
    assert sa.accepts_gzip(header) is accepted


def test_streamlits_message_cache_is_off_after_prepare():
    """Quick reruns made the browser miss a cached message and stop ('Cached ForwardMsg MISS'): after the
    server's preparation no message is cacheable, so none is ever sent as a reference."""
    from streamlit import config
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.forward_msg_cache import populate_hash_if_needed

    import server
    from gis.worker_guard import set_strict

    before = config.get_option("global.minCachedMessageSize")
    try:
        server.prepare()
        msg = ForwardMsg()
        msg.delta.new_element.markdown.body = "x" * 200_000
        populate_hash_if_needed(msg)
        assert msg.hash and not msg.metadata.cacheable
    finally:  # what the server process sets for good is put back for the tests after this one
        config.set_option("global.minCachedMessageSize", before)
        set_strict(False)


# --- the running server ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def app_url():
    with running_app() as url:
        yield url


def _get(url: str, *, accept: str | None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as r:  # urllib never decompresses: the bytes as sent
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, b""


def _bundle_path(app_url: str) -> str:
    html = _get(app_url + "/", accept=None)[2].decode()
    return "/" + re.search(r'src="\.?/?(static/js/index\.[^"]+\.js)"', html).group(1)


def _framing_refused(headers: dict[str, str]) -> bool:
    return (
        headers.get("x-frame-options") == "SAMEORIGIN"
        and headers.get("content-security-policy") == "frame-ancestors 'self'"
        and headers.get("x-content-type-options") == "nosniff"
    )


def test_server_sends_streamlits_bundle_gzipped_and_immutable(app_url):
    path = _bundle_path(app_url)
    status, headers, body = _get(app_url + path, accept="gzip, deflate, br")
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert headers.get("cache-control") == "public, max-age=31536000, immutable"
    assert _framing_refused(headers)
    plain_status, plain, raw = _get(app_url + path, accept=None)
    assert plain_status == 200 and "content-encoding" not in plain and _framing_refused(plain)
    assert gzip.decompress(body) == raw and len(body) < len(raw) / 2


@pytest.mark.parametrize(
    ("path", "cache"),
    [
        ("/app/static/vendor/leaflet/leaflet.js", "no-cache"),
        ("/app/static/js/planner_map.js?v={version}", "public, max-age=31536000, immutable"),
    ],
)
def test_server_sends_the_apps_scripts_gzipped_with_cache_headers(app_url, path, cache):
    from layers.webmap import asset_version

    url = app_url + path.format(version=asset_version())
    status, headers, body = _get(url, accept="gzip")
    assert status == 200 and headers.get("content-encoding") == "gzip" and headers.get("etag")
    assert headers.get("cache-control") == cache
    assert _framing_refused(headers)
    assert _get(url, accept=None)[2] == gzip.decompress(body)
