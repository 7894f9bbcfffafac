"""The app's own HTTP routes (Starlette): layer documents for the browser map, behind signed URLs.

planner.urls signs the URLs the pages put into the map spec; the browser fetches them and caches them for
good (a URL holds the data version, so its content never changes). Nothing from a request reaches the file system: every
path part is checked against a fixed pattern or a known set before use.
"""

from __future__ import annotations

import hmac
import json
import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gis.crs import DATUMS
from planner import data as datasets
from planner.urls import API_PREFIX, basemap_url, expiry, fresh, layer_url, sign, signed_url, tile_urls
from text.messages import LANGS
from tiles.cache import BoundedCache

#: Map layers the browser may ask for: registry spec id -> (data set layer, field used for labels or None).
#: The scored and scenario parcels are the parcels' geometry drawn with another spec (restyled in place).
MAP_LAYERS: dict[str, tuple[str, str | None]] = {
    "district": ("district", None),
    "zones": ("zones", None),
    "clusters": ("clusters", None),
    "subparks": ("subparks", "name"),
    "parcels": ("parcels", None),
    "buildings": ("buildings", None),
    "stations": ("stations", "name"),
    "roads": ("roads", "name"),
    "metro_lines": ("metro_lines", None),
    "scored_parcels": ("parcels", None),
    "scenario_parcels": ("parcels", None),
}
_VERSION = re.compile(r"^d[0-9a-f]{16}$")
#: Layer documents, by (version, layer, lang, datum): bounded by bytes.
DOCS = BoundedCache(64 * 1024 * 1024)


def layer_document_json(ds: datasets.DataSet, layer_id: str, *, lang: str, datum: str) -> bytes:
    """The JSON bytes of one layer document (cached by data version)."""
    from layers.registry import get_spec
    from layers.webmap import layer_document

    data_layer, label_field = MAP_LAYERS[layer_id]

    def build() -> bytes:
        doc = layer_document(get_spec(layer_id), ds.layer(data_layer), lang=lang, datum=datum, label_field=label_field)
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    return DOCS.get((ds.version, layer_id, lang, datum), build)


def _bad(status: int, text: str) -> Response:
    return Response(
        text, status_code=status, media_type="text/plain; charset=utf-8", headers={"Cache-Control": "no-store"}
    )


def _checked(request: Request, path: str | None = None) -> dict[str, str] | Response:
    """The URL's parameters once its signature (over ``path``, default the request's) and its expiry are good;
    else the refusal (the sign-in cookie is :func:`_refused`'s)."""
    params = {k: v for k, v in request.query_params.items() if k != "sig"}
    sig = request.query_params.get("sig", "")
    if not hmac.compare_digest(sig, sign(path or request.url.path, params)):
        return _bad(403, "bad signature")
    if not fresh(params.get("exp", "")):
        return _bad(403, "expired; reload the page")
    return params


async def _signed_in(request: Request) -> bool:
    """Whether the request carries a live sign-in cookie (always True without sign-in)."""
    from planner.auth import SESSION_COOKIE, cookie_signs_in
    from planner.workspace import open_from_env

    def check() -> bool:
        ws, config = open_from_env()
        return cookie_signs_in(ws, config, request.cookies.get(SESSION_COOKIE))

    return await run_in_threadpool(check)


async def _refused(request: Request, path: str | None = None) -> dict[str, str] | Response:
    """:func:`_checked`, then the request's sign-in cookie when a sign-in is required."""
    params = _checked(request, path)
    if isinstance(params, Response):
        return params
    if not await _signed_in(request):
        return _bad(403, "not signed in")
    return params


async def layer_route(request: Request) -> Response:
    """GET /api/layer/{version}/{layer}?datum=&lang=&sig= -> the layer document (JSON)."""
    version, layer_id = request.path_params["version"], request.path_params["layer"]
    if not _VERSION.match(version) or layer_id not in MAP_LAYERS:
        return _bad(400, "unknown layer")
    params = await _refused(request)
    if isinstance(params, Response):
        return params
    lang, datum = params.get("lang", ""), params.get("datum", "")
    if lang not in LANGS or datum not in DATUMS:
        return _bad(400, "bad parameters")
    ds = datasets.lookup(version)
    if ds is None:
        return _bad(404, "data version no longer loaded; reload the page")
    try:
        ds.layer(MAP_LAYERS[layer_id][0])
    except ValueError:
        return _bad(404, "no such layer in this data set")
    body = layer_document_json(ds, layer_id, lang=lang, datum=datum)
    return Response(
        body, media_type="application/json", headers={"Cache-Control": "private, max-age=31536000, immutable"}
    )


# --- vector tiles of large layers (planner/tiles.py) ----------------------------------------------------------
async def _tile_request(request: Request, kind: str) -> tuple[Any, int, int, int, str] | Response:
    from gis.errors import TileRequestError
    from planner import tiles
    from tiles.vector import parse_tile_path

    p = request.path_params
    version, layer = p["version"], p["layer"]
    if not tiles.VERSION_RE.match(version) or not re.match(r"^[a-z_]{1,40}$", layer):
        return _bad(400, "unknown layer")
    params = await _refused(request, f"{API_PREFIX}/{kind}/{version}/{layer}")
    if isinstance(params, Response):
        return params
    datum = params.get("datum", "")
    if datum not in DATUMS:
        return _bad(400, "bad parameters")
    try:
        z, x, y = parse_tile_path(p["z"], p["x"], p["y"])
    except TileRequestError as exc:
        return _bad(400, exc.text("en"))
    eng = tiles.lookup(version, layer)
    if eng is None:
        return _bad(404, "layer no longer loaded; reload the page")
    return eng, z, x, y, datum


async def tile_route(request: Request) -> Response:
    """GET /api/tiles/{version}/{layer}/{z}/{x}/{y}.mvt -> one vector tile (MVT)."""
    from tiles.vector import MEDIA_TYPE

    found = await _tile_request(request, "tiles")
    if isinstance(found, Response):
        return found
    eng, z, x, y, datum = found
    data = await run_in_threadpool(eng.tile, z, x, y, datum=datum)
    return Response(data, media_type=MEDIA_TYPE, headers={"Cache-Control": "private, max-age=31536000, immutable"})


async def values_route(request: Request) -> Response:
    """GET /api/values/{version}/{layer}/{v}/{z}/{x}/{y}.bin -> one class byte per feature of the tile."""
    from planner import tiles

    key = request.path_params["v"]
    if not tiles.KEY_RE.match(key):
        return _bad(400, "bad values version")
    found = await _tile_request(request, "values")
    if isinstance(found, Response):
        return found
    eng, z, x, y, datum = found
    classes = tiles.lookup_values(request.path_params["version"], request.path_params["layer"], key)
    if classes is None:
        return _bad(404, "values no longer kept; reload the page")
    data = await run_in_threadpool(eng.values, z, x, y, classes, datum=datum)
    return Response(
        data, media_type="application/octet-stream", headers={"Cache-Control": "private, max-age=31536000, immutable"}
    )


# --- the local basemap (planner/basemaps.py) --------------------------------------------------------------------
async def basemap_route(request: Request) -> Response:
    """GET /api/basemap/{z}/{x}/{y} -> a tile of the local basemap (MBTiles, folder or GeoTIFF)."""
    from gis.errors import TileError
    from planner.basemaps import local_source
    from tiles.sources import media_type, parse_tile_key

    refused = await _refused(request, f"{API_PREFIX}/basemap")
    if isinstance(refused, Response):
        return refused
    p = request.path_params
    try:
        z, x, y = parse_tile_key(p["z"], p["x"], p["y"])
        source = local_source()
        data = await run_in_threadpool(source.tile, z, x, y) if source is not None else None
    except TileError as exc:
        return _bad(400, exc.text("en"))
    if data is None:
        return Response(status_code=204, headers={"Cache-Control": "private, max-age=3600"})
    return Response(
        data,
        media_type=media_type(data) or "application/octet-stream",
        headers={"Cache-Control": "private, max-age=86400"},
    )


def _same_origin(request: Request) -> bool:
    """A browser's POST from this app's own pages (its Origin, when sent, is this host)."""
    origin = request.headers.get("origin")
    return origin is None or origin.split("://", 1)[-1] == request.headers.get("host", "")


async def bind_route(request: Request) -> Response:
    """POST /api/auth/bind with a sign-in's one-time code -> the sign-in cookie (planner.auth.SESSION_COOKIE)."""
    from planner.auth import SESSION_COOKIE, redeem

    body = (await request.body())[:200].decode("ascii", "replace").strip()
    token = redeem(body) if _same_origin(request) else None
    if token is None:
        return _bad(403, "unknown or used code")
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", secure=_behind_tls(request), path="/")
    return response


async def clear_route(request: Request) -> Response:
    """POST /api/auth/clear -> the sign-in cookie removed (at sign-out)."""
    from planner.auth import SESSION_COOKIE

    if not _same_origin(request):
        return _bad(403, "cross-site")
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=_behind_tls(request))
    return response


def _behind_tls(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https"


def routes() -> list[Any]:
    """The routes to mount with ``st.App(..., routes=routes())``."""
    return [
        Route(API_PREFIX + "/auth/bind", bind_route, methods=["POST"]),
        Route(API_PREFIX + "/auth/clear", clear_route, methods=["POST"]),
        Route(API_PREFIX + "/layer/{version}/{layer}", layer_route, methods=["GET"]),
        Route(API_PREFIX + "/tiles/{version}/{layer}/{z}/{x}/{y}.mvt", tile_route, methods=["GET"]),
        Route(API_PREFIX + "/values/{version}/{layer}/{v}/{z}/{x}/{y}.bin", values_route, methods=["GET"]),
        Route(API_PREFIX + "/basemap/{z}/{x}/{y}", basemap_route, methods=["GET"]),
    ]


__all__ = ["API_PREFIX", "basemap_url", "expiry", "layer_url", "routes", "signed_url", "tile_urls"]
