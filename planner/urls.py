"""Signed URLs of the app's own HTTP routes (server/routes.py checks them): layer documents, vector tiles, basemap.

A URL holds the data version, so its content never changes; the signature (HMAC-SHA256 under a key derived from
the server's secret, store.server_key: PUTUO_SECRET_KEY or the key file beside the server, so a page's URLs still
work after a restart) covers the path and every parameter, the expiry (``exp``) included.
A URL lasts :data:`URL_HOURS` to one more hour (it changes on the hour, so the browser's cache still serves a
layer all day); the routes also want the sign-in cookie whenever a sign-in is required.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import secrets
import time
from urllib.parse import urlencode

from gis.errors import StoreError
from store.server_key import derived_key

API_PREFIX = "/api"
log = logging.getLogger(__name__)


@functools.cache
def _key() -> bytes:
    """The URL signing key: derived from the server's secret; random for this process when the server has no
    usable secret (URLs then last until a restart, as the log says)."""
    try:
        return derived_key("signed-urls")
    except StoreError as exc:
        log.warning("signed URLs use a key of this process only: %s", exc.text("en"))
        return secrets.token_bytes(32)


#: How long a signed URL lasts at least (hours).
URL_HOURS = 12


def expiry(*, now_s: float | None = None) -> str:
    """The ``exp`` of URLs made now: the end of the hour :data:`URL_HOURS` hours ahead (Unix seconds, text)."""
    hour = int((time.time() if now_s is None else now_s) // 3600)
    return str((hour + 1 + URL_HOURS) * 3600)


def fresh(exp: str, *, now_s: float | None = None) -> bool:
    """Whether a URL's ``exp`` is still ahead (False for a missing or malformed one)."""
    if not exp.isdigit() or len(exp) > 12:
        return False
    return int(exp) > (time.time() if now_s is None else now_s)


def sign(path: str, params: dict[str, str]) -> str:
    """The signature of ``path`` with ``params`` (24 hex digits)."""
    msg = path + "?" + urlencode(sorted(params.items()))
    return hmac.new(_key(), msg.encode(), hashlib.sha256).hexdigest()[:24]


def signed_url(path: str, **params: str) -> str:
    """``path?params&sig=...``: a URL the app's routes accept (the signature covers path and params)."""
    return f"{path}?{urlencode(sorted(params.items()))}&sig={sign(path, params)}"


def layer_url(version: str, layer_id: str, *, lang: str, datum: str = "wgs84") -> str:
    """The signed URL of one layer document of a data set."""
    return signed_url(f"{API_PREFIX}/layer/{version}/{layer_id}", lang=lang, datum=datum, exp=expiry())


def tile_urls(version: str, layer: str, *, datum: str) -> tuple[str, str]:
    """URL templates of a tiled layer's tiles (``{z}/{x}/{y}``) and values (``{v}`` = values version); the
    signature covers the version, the layer and the datum, the route checks z/x/y itself."""
    tiles, values = f"{API_PREFIX}/tiles/{version}/{layer}", f"{API_PREFIX}/values/{version}/{layer}"
    params = {"datum": datum, "exp": expiry()}
    q = urlencode(sorted(params.items()))
    return (
        f"{tiles}/{{z}}/{{x}}/{{y}}.mvt?{q}&sig={sign(tiles, params)}",
        f"{values}/{{v}}/{{z}}/{{x}}/{{y}}.bin?{q}&sig={sign(values, params)}",
    )


def basemap_url() -> str:
    """The URL template of the local basemap's tiles (the route checks z/x/y itself)."""
    path, params = f"{API_PREFIX}/basemap", {"exp": expiry()}
    return f"{path}/{{z}}/{{x}}/{{y}}?{urlencode(params)}&sig={sign(path, params)}"
