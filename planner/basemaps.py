"""Which basemaps the maps offer (offline none, online services, the bureau's own tiles) and their datum."""

from __future__ import annotations

import os

from layers.webmap import BASEMAPS, Basemap, basemap_spec, get_basemap


def tianditu_key() -> str | None:
    """A Tianditu key from the TIANDITU_KEY environment variable (views add st.secrets)."""
    return os.environ.get("TIANDITU_KEY") or None


def basemap_choices() -> tuple[Basemap, ...]:
    """The basemaps to offer, offline first."""
    return BASEMAPS


def basemap_for(basemap_id: str, *, key: str | None = None) -> tuple[dict, str, str | None]:
    """The browser spec of a basemap, the datum vector layers are shifted to for it, and a note key to
    show under the picker (or None).

    A Tianditu basemap without a key shows no tiles (and says so); AMap tiles are GCJ-02, so the vector
    layers are shifted WGS84 -> GCJ-02 for display only.
    """
    base = get_basemap(basemap_id, extra=basemap_choices())
    key = key or tianditu_key()
    if base.needs_key and not key:
        return basemap_spec(base, key=None), "wgs84", "basemap_needs_key"
    note = "basemap_amap_note" if base.datum == "gcj02" else ("tiles_offline_note" if base.online else None)
    return basemap_spec(base, key=key), base.datum, note
