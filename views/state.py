"""Session state of the pages: the one place its keys are spelled; the session's language and data set."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import streamlit as st

from layers.i18n import DEFAULT_LANG, LANGS
from planner import data as datasets

LANG = "lang"
IMPORTS = "imported_layers"        # layer id -> GeoDataFrame (EPSG:4326) replacing the folder's, this session
DATASET = "dataset"                # the DataSet this session works on (holds it alive for the map's routes)


def lang() -> str:
    """The UI language chosen in the sidebar ('zh' by default)."""
    value = st.session_state.get(LANG, DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def lkey(key: str) -> str:
    """Key for a widget whose option labels depend on the language.

    Streamlit keeps showing a keyed widget's old option label after the labels change, so the key carries
    the language; the choice made in the other language is carried over.
    """
    current = f"{key}@{lang()}"
    if current not in st.session_state:
        for other in LANGS:
            if f"{key}@{other}" in st.session_state:
                st.session_state[current] = st.session_state[f"{key}@{other}"]
                break
    return current


def imports() -> dict[str, gpd.GeoDataFrame]:
    """The layers this session imported (layer id -> GeoDataFrame, EPSG:4326)."""
    return dict(st.session_state.get(IMPORTS) or {})


def set_imports(layers: dict[str, gpd.GeoDataFrame]) -> None:
    """Use these imported layers instead of the folder's in this session ({} goes back to the folder's)."""
    st.session_state[IMPORTS] = dict(layers)
    st.session_state.pop(DATASET, None)


def dataset() -> datasets.DataSet:
    """This session's data set: the data folder with the session's imported layers.

    Kept in the session so the map's HTTP routes find it while the session lives; released with it.
    """
    base = datasets.folder_dataset()
    held: Any = st.session_state.get(DATASET)
    if held is None or held[0] != base.version:
        wanted = imports()
        held = (base.version, datasets.with_layers(base, wanted) if wanted else base)
        st.session_state[DATASET] = held
    datasets.register(held[1])
    return held[1]
