"""The browser map as a Streamlit component (components v2): one map per key, kept across reruns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from layers.webmap import COMPONENT_JS

_COMPONENT = st.components.v2.component(
    "planner_map", html="", js=COMPONENT_JS.read_text(encoding="utf-8"), isolate_styles=False
)


def show_map(spec: Mapping[str, Any], *, key: str, on_event: Callable[[dict], None] | None = None) -> dict | None:
    """Draw ``spec`` (layers.webmap.map_spec) and return the view the browser reports (if it was asked to).

    ``on_event`` is called with each click or drawing *before* the page runs again (a widget callback), so
    the page shows its result in the same run: ``{"type": "click", "layer", "id", "lat", "lng", "zoom"}`` or
    ``{"type": "draw", "geometry"}``.
    """

    def _changed() -> None:
        state = st.session_state.get(key)
        event = state.get("event") if state is not None else None
        if event and on_event is not None:
            on_event(dict(event))

    result = _COMPONENT(
        key=key,
        data=dict(spec),
        on_event_change=_changed,
        on_view_change=lambda: None,
        height="content",
        width="stretch",
    )
    view = result.get("view") if result is not None else None
    return dict(view) if view else None
