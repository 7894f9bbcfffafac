"""Signed URLs of the app's own HTTP routes (server/routes.py checks them): layer documents, vector tiles, basemap.

A URL holds the data version, so its content never changes; the signature (HMAC-SHA256 with the server's key,
PUTUO_SECRET_KEY or random at each start) covers the path and every parameter.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from urllib.parse import urlencode

API_PREFIX = "/api"
_SECRET = (os.environ.get("PUTUO_SECRET_KEY") or secrets.token_hex(32)).encode()


def sign(path: str, params: dict[str, str]) -> str:
    """The signature of ``path`` with ``params`` (24 hex digits)."""
    msg = path + "?" + urlencode(sorted(params.items()))
    return hmac.new(_SECRET, msg.encode(), hashlib.sha256).hexdigest()[:24]


def signed_url(path: str, **params: str) -> str:
    """``path?params&sig=...``: a URL the app's routes accept (the signature covers path and params)."""
    return f"{path}?{urlencode(sorted(params.items()))}&sig={sign(path, params)}"


def layer_url(version: str, layer_id: str, *, lang: str, datum: str = "wgs84") -> str:
    """The signed URL of one layer document of a data set."""
    return signed_url(f"{API_PREFIX}/layer/{version}/{layer_id}", lang=lang, datum=datum)


def tile_urls(version: str, layer: str, *, datum: str) -> tuple[str, str]:
    """URL templates of a tiled layer's tiles (``{z}/{x}/{y}``) and values (``{v}`` = values version); the
    signature covers the version, the layer and the datum, the route checks z/x/y itself."""
    tiles, values = f"{API_PREFIX}/tiles/{version}/{layer}", f"{API_PREFIX}/values/{version}/{layer}"
    q = urlencode({"datum": datum})
    return (
        f"{tiles}/{{z}}/{{x}}/{{y}}.mvt?{q}&sig={sign(tiles, {'datum': datum})}",
        f"{values}/{{v}}/{{z}}/{{x}}/{{y}}.bin?{q}&sig={sign(values, {'datum': datum})}",
    )


def basemap_url() -> str:
    """The URL template of the local basemap's tiles (signed once; the route checks z/x/y itself)."""
    path = f"{API_PREFIX}/basemap"
    return f"{path}/{{z}}/{{x}}/{{y}}?sig={sign(path, {})}"
