"""Which basemaps the maps offer: none (offline), the bureau's local tiles or image served by the app itself, the
bureau's own tile service set by an admin, and the public online services; with the datum of their tiles."""

from __future__ import annotations

import os
import re
import threading
from typing import Any

from gis.errors import PlannerError
from layers.webmap import BASEMAPS, Basemap, basemap_spec, get_basemap
from tiles.sources import GeoTiffTiles, TileSource, open_basemap

#: The environment variable naming the local basemap: an MBTiles file, a z/x/y folder or a GeoTIFF.
LOCAL_ENV = "PUTUO_BASEMAP_TILES"
#: Workspace settings of the bureau's tile service (set on the admin page).
SERVICE_KEYS = ("basemap_url", "basemap_datum", "basemap_attribution", "basemap_subdomains", "basemap_max_zoom")
_URL = re.compile(r"^https?://[^\s'\"<>]+$")

_lock = threading.Lock()
_local: dict[str, TileSource | GeoTiffTiles] = {}


def tianditu_key() -> str | None:
    """A Tianditu key from the TIANDITU_KEY environment variable (pages add st.secrets)."""
    return os.environ.get("TIANDITU_KEY") or None


def local_source() -> TileSource | GeoTiffTiles | None:
    """The local basemap named by PUTUO_BASEMAP_TILES (opened once), or None when none is set.

    Raises
    ------
    TileError
        When the variable names something that cannot be used (the message says why).
    """
    path = os.environ.get(LOCAL_ENV, "").strip()
    if not path:
        return None
    with _lock:
        if path not in _local:
            from planner.door import read_basemap

            _local[path] = open_basemap(path, checked=read_basemap(path))  # read in a worker; here only connected
        return _local[path]


def check_service_url(url: str) -> str:
    """A tile service URL template an admin may set: http(s), with {z}, {x} and {y} (``{s}`` optional).

    Raises
    ------
    PlannerError
        ``basemap_bad_url`` naming what is wrong.
    """
    url = url.strip()
    if not _URL.match(url) or not all(p in url for p in ("{z}", "{x}", "{y}")) or len(url) > 1000:
        raise PlannerError("basemap_bad_url", url=url[:120])
    return url


def service(ws: Any) -> Basemap | None:
    """The bureau's tile service set by an admin (an intranet 天地图 node, say), or None."""
    if ws is None:
        return None
    url = ws.settings.get("basemap_url")
    if not url:
        return None
    datum = ws.settings.get("basemap_datum") or "wgs84"
    return Basemap(
        "bureau",
        "basemap_bureau",
        (str(url),),
        str(ws.settings.get("basemap_attribution") or ""),
        datum="gcj02" if datum == "gcj02" else "wgs84",
        subdomains=str(ws.settings.get("basemap_subdomains") or ""),
        max_native_zoom=int(ws.settings.get("basemap_max_zoom") or 18),
    )


def basemap_choices(ws: Any = None) -> tuple[Basemap, ...]:
    """The basemaps to offer, the bureau's own first (the local package is then the default)."""
    own: list[Basemap] = []
    source = local_source()
    if source is not None:
        own.append(
            Basemap(
                "local",
                "basemap_local",
                (),
                source.metadata.attribution,
                online=False,
                max_native_zoom=source.metadata.max_zoom,
            )
        )
    bureau = service(ws)
    if bureau is not None:
        own.append(bureau)
    return (*own, *BASEMAPS)


def basemap_for(basemap_id: str, *, ws: Any = None, key: str | None = None) -> tuple[dict, str, str | None]:
    """The browser spec of a basemap, the datum vector layers are shifted to for it, and a note key to show
    under the picker (or None).

    A Tianditu basemap without a key shows no tiles (and says so); GCJ-02 tiles (AMap, or a bureau service
    declared GCJ-02) get the vector layers shifted WGS84 -> GCJ-02 for display only; the local basemap is
    served by the app's own server, so nothing leaves the machine.
    """
    from planner.urls import basemap_url

    choices = basemap_choices(ws)
    base = get_basemap(basemap_id, extra=choices)
    if base.id == "local":
        source = local_source()
        assert source is not None
        meta = source.metadata
        tiles = [
            {
                "url": basemap_url(),
                "attribution": meta.attribution,
                "max_native_zoom": meta.max_zoom,
                "min_zoom": 0,
                "max_zoom": 19,
            }
        ]
        return {"tiles": tiles, "datum": "wgs84"}, "wgs84", "basemap_local_note"
    key = key or tianditu_key()
    if base.needs_key and not key:
        return basemap_spec(base, key=None), "wgs84", "basemap_needs_key"
    note = "basemap_amap_note" if base.datum == "gcj02" else ("tiles_offline_note" if base.online else None)
    return basemap_spec(base, key=key), base.datum, note


def default_basemap(ws: Any = None) -> str:
    """The basemap a map opens with: the local package when there is one, else none (offline)."""
    return basemap_choices(ws)[0].id if local_source() is not None else "none"


def set_service(
    ws: Any, user: Any, *, url: str, datum: str, attribution: str, subdomains: str = "", max_zoom: int = 18
) -> None:
    """Set (or, with an empty url, clear) the bureau's tile service (admins; audited)."""
    from planner.workspace import change_setting

    if datum not in ("wgs84", "gcj02"):
        raise PlannerError("basemap_bad_datum", datum=datum[:20])
    values = {
        "basemap_url": check_service_url(url) if url.strip() else "",
        "basemap_datum": datum,
        "basemap_attribution": attribution.strip()[:200],
        "basemap_subdomains": re.sub(r"[^0-9a-z]", "", subdomains)[:16],
        "basemap_max_zoom": int(min(max(max_zoom, 1), 22)),
    }
    for k, v in values.items():
        change_setting(ws, user, k, v)
