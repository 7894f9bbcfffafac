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
# parcels page
USER_PARCELS = "user_parcels"          # GeoDataFrame (EPSG:4326) of parcels drawn or uploaded this session
RASTERS = "raster_criteria"            # list of {"name", "higher", "data"} (GeoTIFF bytes)
PRESET = "weights_preset"
SELECTED_PARCEL = "selected_parcel"
PENDING_PARCEL = "pending_parcel"
LAST_PARCEL_EVENT = "last_parcel_event"
PARCEL_MAP_KEY = "parcels_map"
DRAWINGS = "parcel_drawings"           # the last polygons drawn on the parcels map (GeoJSON features)
SHOW_SURFACE = "show_surface"
SURFACE_CELL = "surface_cell"


# imported layers
OVERRIDES = "layer_overrides"          # layer id -> GeoDataFrame used instead of the folder's
OVERRIDES_KEY = "layer_overrides_key"  # their content hash (part of the data key)
# scenarios page
SCENARIO = "scenario"                  # the Scenario being edited
UNDO, REDO = "scenario_undo", "scenario_redo"
SCENARIO_REV = "scenario_rev"          # bumps on every change: resets the table editors
SCEN_MAP_KEY = "scenario_map"
LAST_SCEN_EVENT = "last_scenario_event"
SCEN_DRAWINGS = "scenario_drawings"
SUGGESTION = "scenario_suggestion"


def weight_key(criterion: str) -> str:
    """Session-state key of one criterion's weight slider."""
    return f"w_{criterion}"


def widget_key(key: str, language: str) -> str:
    """The Streamlit key of a widget whose option labels are translated, in one language."""
    return f"{key}@{language}"


def lkey(key: str) -> str:
    """Key for a select box / radio / multiselect whose option labels depend on the language.

    Streamlit keeps showing a keyed widget's old option label after the labels change, so the key
    carries the language; the choice made in the other language is carried over.
    """
    current = widget_key(key, lang())
    if current not in st.session_state:
        for other in LANGS:
            if widget_key(key, other) in st.session_state:
                st.session_state[current] = st.session_state[widget_key(key, other)]
                break
    return current


def new_click(out: dict | None, *, layer_id: str, state_key: str) -> str | None:
    """The id of the ``layer_id`` feature clicked since the last run, or None.

    st_folium keeps returning the last click on every rerun; the (feature, position) pair is kept under
    ``state_key`` so each click counts once.
    """
    out = out or {}
    fid = str((out.get("last_active_drawing") or {}).get("id") or "")
    event = (fid, str(out.get("last_object_clicked")))
    if not fid or event == st.session_state.get(state_key):
        return None
    st.session_state[state_key] = event
    layer, _, key = fid.partition(":")
    return key if layer == layer_id else None


def drawn_polygons(out: dict | None) -> list[dict]:
    """The polygons drawn with Leaflet.draw on a st_folium map (GeoJSON features)."""
    return [f for f in ((out or {}).get("all_drawings") or []) if (f.get("geometry") or {}).get("type") == "Polygon"]


def data_dir() -> Path:
    """The data folder: PUTUO_DATA_DIR when set (official data), else the bundled demonstration data."""
    return Path(os.environ.get("PUTUO_DATA_DIR") or SETTINGS.data_dir)


@st.cache_resource(show_spinner=False)
def _load(path: str) -> ParkData:
    return load_park_data(path)


@st.cache_resource(show_spinner=False)
def _registry() -> dict[str, ParkData]:
    """Data sets with imported layers, by content key (shared by sessions: equal content, equal key)."""
    return {}


def park_data(key: str) -> ParkData:
    """The data set of a data key: the folder's layers, with imported layers when the key carries their hash.

    Every cached helper below takes this key, so imported data never mixes with another session's.
    """
    path, _, digest = key.partition("#")
    if digest and key in _registry():
        return _registry()[key]
    return _load(path)


def data_key() -> str:
    """This session's data key: the data folder, plus the content hash of any imported layers."""
    digest = st.session_state.get(OVERRIDES_KEY)
    if digest and f"{data_dir()}#{digest}" not in _registry() and st.session_state.get(OVERRIDES):
        set_overrides(st.session_state[OVERRIDES])  # e.g. after a server restart: register them again
        digest = st.session_state.get(OVERRIDES_KEY)
    return f"{data_dir()}#{digest}" if digest else str(data_dir())


def set_overrides(layers: dict) -> None:
    """Use these imported layers (layer id -> GeoDataFrame in EPSG:4326) instead of the folder's, in
    this session; an empty dict goes back to the folder's data."""
    import hashlib

    import shapely

    if not layers:
        st.session_state.pop(OVERRIDES, None)
        st.session_state.pop(OVERRIDES_KEY, None)
        return
    h = hashlib.sha1()
    for lid in sorted(layers):
        gdf = layers[lid]
        h.update(lid.encode())
        h.update(gdf.drop(columns=gdf.geometry.name).to_json(force_ascii=False).encode())
        h.update(b"".join(shapely.to_wkb(gdf.geometry.to_numpy())))
    digest = h.hexdigest()[:16]
    base = _load(str(data_dir()))
    _registry()[f"{data_dir()}#{digest}"] = ParkData(**{**base.__dict__, **layers})
    st.session_state[OVERRIDES] = layers
    st.session_state[OVERRIDES_KEY] = digest


@st.cache_resource(show_spinner=False)
def _park_map_template(path: str, lang: str, basemap: str, tianditu_key: str | None):
    return build_map(park_data(path), lang=lang, basemap=basemap, tianditu_key=tianditu_key)


def park_map(path: str, lang: str, basemap: str, tianditu_key: str | None):
    """The explorer's folium map, built once per language/basemap.

    st_folium renames and adds elements to the map it is given, so each run gets a fresh copy of the
    cached one: the script it sends is then identical run after run and the browser keeps its view.
    """
    return copy.deepcopy(_park_map_template(path, lang, basemap, tianditu_key))


@st.cache_resource(show_spinner=False)
def scoring_context(path: str):
    """The park, zones and stations in EPSG:4549, for scoring (shared, read-only)."""
    from gis.scoring import Context

    return Context.from_park_data(park_data(path))


@st.cache_data(show_spinner=False)
def bundled_evaluation(path: str):
    """Raw measurements, normalised criteria and rule results of the bundled parcels (weights-free)."""
    from gis.scoring import check_rules, normalise, raw_criteria

    parcels = park_data(path).parcels.set_index("id", drop=False)
    ctx = scoring_context(path)
    raw = raw_criteria(parcels, ctx)
    return raw, normalise(raw), check_rules(parcels, ctx)


@st.cache_resource(show_spinner=False)
def _parcels_map_template(path: str, lang: str, basemap: str, tianditu_key: str | None, surface_key):
    from layers.registry import SCORED_PARCELS

    image = surface_image(path, *surface_key) if surface_key else None
    return build_map(park_data(path), lang=lang, basemap=basemap, tianditu_key=tianditu_key,
                     layer_ids=("district", "zones", "subparks", "stations"), extra_legend=(SCORED_PARCELS,),
                     draw=True, image=image)


def parcels_map(path: str, lang: str, basemap: str, tianditu_key: str | None, surface_key=None):
    """The parcels page's base map (park context + drawing tool), a fresh copy of the cached one."""
    return copy.deepcopy(_parcels_map_template(path, lang, basemap, tianditu_key, surface_key))


@st.cache_data(show_spinner=False)
def surface(path: str, weights: tuple, cell_m: float):
    """The suitability surface for these (criterion, weight) pairs and cell size."""
    from gis.raster import suitability_surface

    return suitability_surface(scoring_context(path), dict(weights), cell_m=cell_m)


@st.cache_data(show_spinner=False)
def surface_image(path: str, weights: tuple, cell_m: float):
    """The surface as a Web Mercator RGBA overlay and its bounds."""
    from gis.raster import surface_overlay

    return surface_overlay(surface(path, weights, cell_m))


def workspace():
    """The scenario store: PUTUO_WORKSPACE when set, else the configured workspace file."""
    from gis.store import ScenarioStore

    return ScenarioStore(os.environ.get("PUTUO_WORKSPACE") or SETTINGS.workspace_path)


def current_weights() -> dict[str, float]:
    """The weights set on the parcels page (balanced preset until the official touches them)."""
    from gis.scoring import PRESETS, VECTOR_CRITERIA

    return {c: float(st.session_state.get(weight_key(c), PRESETS["balanced"][c])) for c in VECTOR_CRITERIA}


@st.cache_resource(show_spinner=False)
def _scenario_map_template(path: str, lang: str):
    from layers.registry import SCENARIO_PARCELS

    return build_map(park_data(path), lang=lang, layer_ids=("district", "zones", "subparks", "stations"),
                     extra_legend=(SCENARIO_PARCELS,), draw=True)


def scenario_map(path: str, lang: str):
    """The scenarios page's base map (park, zones, stations, drawing tool), a fresh copy of the cached one."""
    return copy.deepcopy(_scenario_map_template(path, lang))


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
    """This session's park data (imported layers included), or a clear error on the page (and stop)."""
    from gis.errors import PlannerError

    try:
        return park_data(data_key())
    except PlannerError as exc:
        st.error(t("error_data", lang()) + str(exc))
        st.stop()
