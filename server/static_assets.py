"""Static files (Streamlit's bundles, the app's scripts and libraries) sent gzip-compressed once, with cache headers."""

from __future__ import annotations

import gzip
import mimetypes
import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

#: Suffixes of text files worth compressing (fonts in woff2, images: already compressed, left to Streamlit).
COMPRESSIBLE = frozenset({".js", ".mjs", ".css", ".json", ".map", ".svg", ".txt", ".ttf", ".otf", ".xml"})
#: Smaller files are left to Streamlit: the gzip header and a request's overhead eat the gain.
MIN_BYTES = 1024
#: Larger files are left to Streamlit (no such asset today; this bounds the memory held per file).
MAX_BYTES = 32 * 1024 * 1024
#: gzip level: the best ratio, paid once per file and process.
LEVEL = 9
#: Cache-Control of a URL whose content never changes (a hashed file name, or ``?v=`` equal to the file's version).
IMMUTABLE = b"public, max-age=31536000, immutable"
#: Cache-Control of an unversioned file: the browser asks again with its ETag and gets 304 while unchanged.
REVALIDATE = b"no-cache"
#: Environment variable: ``off`` leaves every static file to Streamlit as before (the benchmarks' reference).
SWITCH_ENV = "PUTUO_STATIC_COMPRESSION"

STREAMLIT_PREFIX = "/static/"  # Streamlit's own bundles: content-hashed names
APP_PREFIX = "/app/static/"  # the app's static/ folder (Streamlit's static file serving)


@dataclass
class Asset:
    """One file that may be answered from memory.

    ``versioned``: its URL names its content (a content hash in the file name), so every answer is immutable;
    otherwise it is immutable only when asked with ``?v=`` equal to :attr:`version`.
    """

    path: Path
    media_type: bytes
    versioned: bool
    extra_headers: tuple[tuple[bytes, bytes], ...] = ()
    _stamp: tuple[int, int] = (0, 0)  # (mtime ns, size) of the bytes in _gzip
    _gzip: bytes = b""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def version(self) -> str:
        """The version the app puts in the file's URL (layers.webmap.asset_version): ``mtime-size``."""
        st = self.path.stat()
        return f"{int(st.st_mtime)}-{st.st_size}"

    def gzipped(self) -> tuple[bytes, str] | None:
        """The gzip-compressed bytes of the file now and their ETag, compressed on the first call and again
        only when the file changed; None when the file is gone or too large (then Streamlit answers)."""
        try:
            st = self.path.stat()
        except OSError:
            return None
        if st.st_size > MAX_BYTES:
            return None
        stamp = (st.st_mtime_ns, st.st_size)
        with self._lock:  # one compression per file, however many requests ask at once
            if self._stamp != stamp:
                try:
                    self._gzip = gzip.compress(self.path.read_bytes(), compresslevel=LEVEL, mtime=0)
                except OSError:
                    return None
                self._stamp = stamp
            return self._gzip, f'W/"{stamp[0]:x}-{stamp[1]:x}-gz"'


def _media_type(path: Path) -> bytes:
    kind, _ = mimetypes.guess_type(path.name)
    kind = kind or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/javascript", "application/json", "image/svg+xml"):
        kind += "; charset=utf-8"
    return kind.encode("latin-1")


def index_folder(
    root: Path, prefix: str, *, versioned: bool, extra_headers: Iterable[tuple[bytes, bytes]] = ()
) -> dict[str, Asset]:
    """The compressible files under ``root`` by URL path (``prefix`` + their path below ``root``, with ``/``).

    Only regular files inside ``root`` (symbolic links resolved and checked) of a :data:`COMPRESSIBLE` suffix
    and at least :data:`MIN_BYTES` are listed; requests for anything else go on to Streamlit.
    """
    out: dict[str, Asset] = {}
    if not root.is_dir():
        return out
    base = root.resolve()
    headers = tuple(extra_headers)
    for folder, _dirs, files in os.walk(base):
        for name in files:
            path = Path(folder) / name
            if path.suffix.lower() not in COMPRESSIBLE:
                continue
            try:
                real = path.resolve()
                size = real.stat().st_size
            except OSError:
                continue
            if not real.is_relative_to(base) or not real.is_file() or not MIN_BYTES <= size <= MAX_BYTES:
                continue
            url = prefix + path.relative_to(base).as_posix()
            out[url] = Asset(real, _media_type(real), versioned, headers)
    return out


def default_index(*, app_static: Path | None) -> dict[str, Asset]:
    """Streamlit's bundles under ``/static/`` and, when Streamlit serves it, the app's ``static/`` folder
    under ``/app/static/`` (both under the server's ``baseUrlPath``)."""
    from streamlit import config, file_util

    base = "/" + (config.get_option("server.baseUrlPath") or "").strip("/")
    base = base.rstrip("/")
    index = index_folder(Path(file_util.get_static_dir()) / "static", base + STREAMLIT_PREFIX, versioned=True)
    if app_static is not None and config.get_option("server.enableStaticServing"):
        # as Streamlit answers them (its app static route): any origin may load them
        index.update(
            index_folder(
                app_static,
                base + APP_PREFIX,
                versioned=False,
                extra_headers=((b"access-control-allow-origin", b"*"),),
            )
        )
    return index


def accepts_gzip(header: str) -> bool:
    """Whether an ``Accept-Encoding`` header accepts gzip (named or ``*``, with a quality above 0)."""
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "*"):
            continue
        quality = params.strip().lower()
        if quality.startswith("q="):
            try:
                if float(quality[2:]) <= 0:
                    continue
            except ValueError:
                continue
        return True
    return False


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


class StaticAssets:
    """ASGI middleware: a GET or HEAD of an indexed static file (:func:`default_index`) from a client that
    accepts gzip is answered here, from memory, compressed once per file (``Content-Encoding: gzip``,
    ``Vary: Accept-Encoding``, a weak ETag, 304 to a matching ``If-None-Match``) with a Cache-Control of
    :data:`IMMUTABLE` for content-named URLs and :data:`REVALIDATE` otherwise. Everything else (other paths,
    other methods, range requests, clients without gzip) goes on to Streamlit unchanged.

    The request path is only a key of the index built at start-up from the two folders: nothing from the
    request reaches the file system. ``index`` replaces the default one (tests); :data:`SWITCH_ENV` = ``off``
    turns the middleware into a pass-through.
    """

    def __init__(
        self, app: ASGIApp, *, index: Mapping[str, Asset] | None = None, app_static: Path | None = None
    ) -> None:
        self.app = app
        self.enabled = os.environ.get(SWITCH_ENV, "on").strip().lower() not in ("off", "0", "false", "no")
        self._index = dict(index) if index is not None else None
        self._app_static = app_static
        self._index_lock = threading.Lock()

    def index(self) -> Mapping[str, Asset]:
        """The files answered here (built on first use: Streamlit's configuration is read by then)."""
        if self._index is None:
            with self._index_lock:
                if self._index is None:
                    self._index = default_index(app_static=self._app_static)
        return self._index

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.enabled or scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        if "/static/" not in path:
            await self.app(scope, receive, send)
            return
        asset = self.index().get(path)
        if asset is None or _header(scope, b"range") or not accepts_gzip(_header(scope, b"accept-encoding")):
            await self.app(scope, receive, send)
            return
        found = await anyio.to_thread.run_sync(asset.gzipped)
        if found is None:
            await self.app(scope, receive, send)
            return
        body, etag = found
        query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
        immutable = asset.versioned or query.get("v", [""])[0] == asset.version
        headers = [
            (b"content-type", asset.media_type),
            (b"content-encoding", b"gzip"),
            (b"vary", b"Accept-Encoding"),
            (b"etag", etag.encode("latin-1")),
            (b"cache-control", IMMUTABLE if immutable else REVALIDATE),
            *asset.extra_headers,
        ]
        if _etag_matches(_header(scope, b"if-none-match"), etag):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


def _etag_matches(header: str, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (weak comparison, as for GET) or is ``*``."""
    if not header:
        return False
    bare = etag.removeprefix("W/")
    return any(tag.strip() == "*" or tag.strip().removeprefix("W/") == bare for tag in header.split(","))
