"""Helpers for Streamlit AppTest page tests: open a page, switch tabs, read the map component's spec."""

from __future__ import annotations

import json
from typing import Any

from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as _app_test

from tests.live_app import ROOT
from text.messages import t


class _NavigationOnly(PagesManager):
    """AppTest resets ``PagesManager.uses_pages_directory`` before every run, after which a ``pages/`` folder
    beside app.py would make Streamlit run it as an old-style multipage app. The server says once that ours holds
    st.navigation's pages (server.prepare); here the reset lands on this subclass and the class's flag stays."""


PagesManager.uses_pages_directory = False
_app_test.PagesManager = _NavigationOnly  # type: ignore[misc]


def open_app(page: str | None = None, *, lang: str = "zh", timeout: float = 120) -> AppTest:
    """The app after its first run, on ``page`` (e.g. ``pages/parcels.py``), in ``lang``."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    app.run()
    if lang != "zh":
        app.radio(key="lang").set_value(lang).run()
    if page:
        app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def open_tab(app: AppTest, tabs_key: str, label_key: str, *, lang: str = "zh") -> AppTest:
    """Switch a page's remembered tabs (pages.state.tabs) to the tab labelled ``label_key``."""
    app.session_state[f"{tabs_key}@{lang}"] = t(label_key, lang)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _walk(node: Any):
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield child
            yield from _walk(child)


def maps(app: AppTest) -> dict[str, dict]:
    """The spec of every map on the page, by its ``map_key``."""
    out = {}
    for el in _walk(app.main):
        if getattr(el, "type", None) == "bidi_component" and el.proto.component_name == "planner_map":
            spec = json.loads(el.proto.json)
            out[spec.get("map_key", "map")] = spec
    return out


def texts(app: AppTest) -> list[str]:
    """Every text a user reads on the page (titles, labels, alerts, tables' headers and cells, options)."""
    out: list[str] = []
    for el in [*_walk(app.main), *_walk(app.sidebar)]:
        kind = getattr(el, "type", "")
        for attr in ("value", "label", "body", "placeholder", "help"):
            v = getattr(el, attr, None) if kind not in ("dataframe", "arrow_data_frame") else None
            if isinstance(v, str):
                out.append(v)
        if kind in ("dataframe", "arrow_data_frame", "data_editor"):
            df = el.value
            out += [str(c) for c in df.columns] + [str(i) for i in df.index]
            for col in df.columns:
                if df[col].dtype == object:
                    out += [str(v) for v in df[col].tolist()]
        options = getattr(el, "options", None)
        if options:
            out += [str(o) for o in options]
    return out
