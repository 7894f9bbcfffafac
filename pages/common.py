"""App-layer helpers shared by the pages: session-state keys, cached loaders, language, error display."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import streamlit as st

from gis.analysis import cluster_area_table, subpark_area_table
from gis.datasets import ParkData, load_park_data
from gis.settings import SETTINGS
from layers.i18n import DEFAULT_LANG, LANGS, t
from layers.webmap import build_map

# --- session-state keys (the only place they are spelled) ---------------------------------------------
LANG = "lang"
BASEMAP = "basemap"
SELECTED_SUBPARK = "selected_subpark"  # the sub-park select box's key
PENDING_SELECTION = "pending_subpark"  # set by a map click, moved into SELECTED_SUBPARK next run
LAST_MAP_EVENT = "last_map_event"
MAP_KEY = "explorer_map"


def data_dir() -> Path:
    """The data folder: PUTUO_DATA_DIR when set (official data), else the bundled demonstration data."""
    return Path(os.environ.get("PUTUO_DATA_DIR") or SETTINGS.data_dir)


@st.cache_resource(show_spinner=False)
def park_data(path: str) -> ParkData:
    """Load (once per process) and validate the park's layers. Frames are shared: never mutate them."""
    return load_park_data(path)


@st.cache_resource(show_spinner=False)
def _park_map_template(path: str, lang: str, basemap: str, tianditu_key: str | None):
    return build_map(park_data(path), lang=lang, basemap=basemap, tianditu_key=tianditu_key)


def park_map(path: str, lang: str, basemap: str, tianditu_key: str | None):
    """The explorer's folium map, built once per language/basemap.

    st_folium renames and adds elements to the map it is given, so each run gets a fresh copy of the
    cached one: the script it sends is then identical run after run and the browser keeps its view.
    """
    return copy.deepcopy(_park_map_template(path, lang, basemap, tianditu_key))


@st.cache_data(show_spinner=False)
def area_tables(path: str):
    """Per-sub-park and per-cluster area tables (km2, EPSG:4549 and geodesic)."""
    sp = park_data(path).subparks
    return subpark_area_table(sp), cluster_area_table(sp)


def lang() -> str:
    """The UI language chosen in the sidebar ('zh' by default)."""
    value = st.session_state.get(LANG, DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def tianditu_key() -> str | None:
    """A Tianditu key from st.secrets or the TIANDITU_KEY environment variable, if any."""
    try:
        key = st.secrets.get("TIANDITU_KEY")
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        key = None
    return key or os.environ.get("TIANDITU_KEY") or None


def load_or_stop() -> ParkData:
    """The park data, or a clear error on the page (and stop) when the data folder is broken."""
    from gis.errors import PlannerError

    try:
        return park_data(str(data_dir()))
    except PlannerError as exc:
        st.error(t("error_data", lang()) + str(exc))
        st.stop()
