"""A standalone Starlette test app (tests only, not the product): vector tiles, values, clicks and a Leaflet page.

It shows how the app's own routes serve :mod:`tiles.vector` and counts every request and byte it sends, so a
browser test can check what a view costs and that a restyle fetches no geometry.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from gis.errors import TileRequestError
from tests.live_app import ROOT, free_port
from tiles.vector import MEDIA_TYPE, VectorTiles, parse_tile_path

#: Colours of the test classes (opaque, so pixels can be compared exactly).
CLASS_COLOURS = {0: "#a0aec0", 1: "#1a9850", 2: "#91cf60", 3: "#fee08b", 4: "#fc8d59", 5: "#d73027"}

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>tiles</title>
<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">
<style>html,body{margin:0}#map{width:1280px;height:720px;background:#fff}</style>
<script src="/static/vendor/leaflet/leaflet.js"></script>
<script src="/static/js/vector_tiles.js"></script>
</head><body><div id="map"></div><div id="clicked"></div>
<script>
  var params = new URLSearchParams(location.search);
  var map = L.map('map', {zoomControl: false, fadeAnimation: false, zoomAnimation: false, markerZoomAnimation: false})
    .setView([+params.get('lat'), +params.get('lon')], +params.get('z'));
  var styles = __STYLES__;
  window.vt = PlannerVectorTiles.add(map, {
    tileUrl: '/tiles/{z}/{x}/{y}.mvt', valuesUrl: '/values/{v}/{z}/{x}/{y}.bin', valuesVersion: 'v1', styles: styles});
  window.tilesLoaded = 0;
  vt.layer.on('load', function () { window.tilesLoaded += 1; });
  map.on('click', function (e) {
    fetch('/click?lon=' + e.latlng.lng + '&lat=' + e.latlng.lat + '&z=' + map.getZoom())
      .then(function (r) { return r.json(); })
      .then(function (j) { document.getElementById('clicked').textContent = j.id === null ? '(none)' : j.id; });
  });
</script></body></html>"""


@dataclass
class Counters:
    """Requests and bytes sent, by kind (``tile``, ``values``)."""

    requests: dict[str, int] = field(default_factory=lambda: {"tile": 0, "values": 0})
    bytes: dict[str, int] = field(default_factory=lambda: {"tile": 0, "values": 0})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, n: int) -> None:
        with self.lock:
            self.requests[kind] += 1
            self.bytes[kind] += n

    def snapshot(self) -> dict:
        with self.lock:
            return {"requests": dict(self.requests), "bytes": dict(self.bytes)}


def make_app(engine: VectorTiles, classes: dict[str, np.ndarray], counters: Counters) -> Starlette:
    """Routes: /tiles/{z}/{x}/{y}.mvt, /values/{v}/{z}/{x}/{y}.bin (v: a key of ``classes``), /click, /, /static."""
    import json

    async def tile(request: Request) -> Response:
        p = request.path_params
        try:
            z, x, y = parse_tile_path(p["z"], p["x"], p["y"])
        except TileRequestError as exc:
            return PlainTextResponse(exc.text("en"), status_code=400)
        data = await run_in_threadpool(engine.tile, z, x, y)
        counters.add("tile", len(data))
        return Response(data, media_type=MEDIA_TYPE, headers={"Cache-Control": "no-store"})

    async def values(request: Request) -> Response:
        p = request.path_params
        try:
            z, x, y = parse_tile_path(p["z"], p["x"], p["y"])
        except TileRequestError as exc:
            return PlainTextResponse(exc.text("en"), status_code=400)
        cls = classes.get(p["v"])
        if cls is None:
            return PlainTextResponse("unknown values version", status_code=404)
        data = await run_in_threadpool(engine.values, z, x, y, cls)
        counters.add("values", len(data))
        return Response(data, media_type="application/octet-stream", headers={"Cache-Control": "no-store"})

    async def click(request: Request) -> Response:
        q = request.query_params
        try:
            lon, lat, z = float(q["lon"]), float(q["lat"]), float(q["z"])
            fid = engine.feature_at(lon, lat, zoom=z)
        except (KeyError, ValueError, TileRequestError):
            return PlainTextResponse("bad click", status_code=400)
        return JSONResponse({"id": fid})

    async def page(request: Request) -> Response:
        styles = {k: {"fill": c, "fillOpacity": 1.0, "stroke": None, "weight": 0} for k, c in CLASS_COLOURS.items()}
        return HTMLResponse(PAGE.replace("__STYLES__", json.dumps(styles)))

    return Starlette(
        routes=[
            Route("/tiles/{z}/{x}/{y}.mvt", tile),
            Route("/values/{v}/{z}/{x}/{y}.bin", values),
            Route("/click", click),
            Route("/", page),
            Mount("/static", StaticFiles(directory=ROOT / "static")),
        ]
    )


@contextmanager
def serving(app: Starlette, *, timeout_s: float = 30.0) -> Iterator[str]:
    """Run ``app`` with uvicorn on a free loopback port in a thread; yield its URL; stop it."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the test tile server did not start on port {port}")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
