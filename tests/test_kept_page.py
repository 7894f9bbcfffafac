"""AppTest of the tabbed pages: every widget drawn in a tab keeps the value a user gave it while the tab is closed
(pages.state.Kept), in the language it was set in and, for a language-dependent one, across a language switch."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pytest
import shapely
from streamlit.proto.TextInput_pb2 import TextInput as TextInputProto
from streamlit.runtime.state.common import TESTING_KEY
from streamlit.testing.v1 import AppTest

from gis.scenario import Scenario
from planner import auth
from planner import workspace as pw
from store.accounts import add_account
from tests.apptest_util import open_app, open_tab
from text.messages import t

#: The tabbed pages: (page, tabs key, its tabs' label keys).
TABBED = [
    (
        "pages/parcels.py",
        "parcels_tab",
        ("tab_ranking", "tab_sensitivity", "tab_surface", "tab_add", "tab_export", "tab_help"),
    ),
    ("pages/export.py", "exp_tab", ("exp_tab_layers", "exp_tab_print", "exp_tab_atlas", "exp_tab_report")),
    ("pages/scenarios.py", "scen_tab", ("tab_edit", "tab_compare", "tab_suggest", "tab_transfer")),
    ("pages/admin.py", "admin_tab", ("tab_accounts", "tab_layers", "tab_archive", "tab_basemap")),
]
KINDS = (
    "selectbox",
    "multiselect",
    "radio",
    "slider",
    "select_slider",
    "checkbox",
    "toggle",
    "text_input",
    "text_area",
    "number_input",
    "date_input",
)


@pytest.fixture(autouse=True)
def _workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "ws.gpkg"))
    monkeypatch.setenv("PUTUO_AUTH", "none")  # the single local user: an admin
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    monkeypatch.delenv("PUTUO_DATABASE_URL", raising=False)


def _team() -> None:
    """Accounts, a shared layer with older versions, active and archived scenarios: every admin tab has choices."""
    ws = pw.open_from_env()[0]
    boss = auth.single_user()
    for name, role in (("wang", "editor"), ("li", "viewer")):
        add_account(ws, name, role, actor="cli:test", password="correct horse 1")
    layer = gpd.GeoDataFrame(
        {"id": ["S01"], "name_zh": ["园"]}, geometry=[shapely.box(121.40, 31.25, 121.41, 31.26)], crs="EPSG:4326"
    )
    for note in ("一", "二", "三"):
        pw.publish_layer(ws, boss, "subparks", layer, note=note)
    for i, name in enumerate(("甲", "乙", "丙", "丁")):
        saved = pw.save_scenario(ws, boss, Scenario(name=name), base_version=None)
        if i >= 2:
            pw.archive_scenario(ws, boss, saved.scenario.id, reason="旧")


def _tab(app: AppTest, label_key: str, lang: str):
    label = t(label_key, lang)
    return next(tab for tab in app.tabs if tab.label == label)


def _widgets(block) -> list:
    """The widgets of a tab a user can set a value of (not a form's: committed on submit; not a password:
    never kept in the session)."""
    out = []
    for kind in KINDS:
        for w in getattr(block, kind):
            password = kind == "text_input" and w.proto.type == TextInputProto.PASSWORD
            if w.key and not w.disabled and not w.form_id and not password:
                out.append(w)
    return out


def _pick(w, label: str) -> None:
    """Choose an option of a select box or radio by its label: the browser sends the label, but AppTest sets
    options by value and formats the value again (its labels are known here, its values are not)."""
    w.root.session_state[TESTING_KEY][w.id] = str  # until the next run registers the page's own format_func
    w.set_value(label)


def _change(w) -> bool:
    """Give a widget a value other than its own; False if it has no other (a single option, say)."""
    kind = w.type
    if kind in ("selectbox", "radio"):
        others = [o for i, o in enumerate(w.options) if i != w.index]
        if not others:
            return False
        _pick(w, others[0])
    elif kind == "multiselect":
        if not w.value:
            return False
        w.unselect(w.value[-1])
    elif kind == "slider":
        w.set_value(w.min if w.value != w.min else w.max)
    elif kind == "select_slider":
        values = [type(w.value)(o) for o in w.options]
        w.set_value(next(v for v in values if v != w.value))
    elif kind in ("checkbox", "toggle"):
        w.set_value(not w.value)
    elif kind in ("text_input", "text_area"):
        w.input((w.value or "") + "x")
    elif kind == "number_input":
        w.set_value(w.max if w.value != w.max else w.min)
    elif kind == "date_input":
        w.set_value(date(2026, 1, 2))
    return True


def _values(block, keys: set[str]) -> dict:
    return {w.key: w.value for w in _widgets(block) if w.key in keys}


@pytest.mark.parametrize("page,tabs_key,labels", TABBED, ids=[p.split("/")[1][:-3] for p, _, _ in TABBED])
def test_every_widget_of_a_tab_keeps_its_value_while_the_tab_is_closed(page, tabs_key, labels):
    """Set every widget of every tab, one tab after the other (each set tab is then closed while the others
    are set), and open them again: each shows what was set. A widget whose key is not kept fails here."""
    if page == "pages/admin.py":
        _team()
    app = open_app(page)
    set_values: dict[str, dict] = {}
    for label in labels:
        open_tab(app, tabs_key, label)
        done = {k for v in set_values.values() for k in v}  # a widget shown in several tabs (a header): set once
        changed = {w.key for w in _widgets(_tab(app, label, "zh")) if w.key not in done and _change(w)}
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        set_values[label] = _values(_tab(app, label, "zh"), changed)
    assert sum(len(v) for v in set_values.values()) >= len(labels) - 1  # the test sets something in most tabs
    for label in labels:
        open_tab(app, tabs_key, label)
        assert _values(_tab(app, label, "zh"), set(set_values[label])) == set_values[label], label


def test_a_language_dependent_choice_in_a_closed_tab_follows_a_language_switch():
    """The export format chosen in Chinese, its tab closed, the language switched: English shows the same format."""
    app = open_app("pages/export.py")
    app.selectbox(key="exp_format@zh").select("gpkg").run()
    open_tab(app, "exp_tab", "exp_tab_atlas")
    app.radio(key="lang").set_value("en").run()
    open_tab(app, "exp_tab", "exp_tab_layers", lang="en")
    assert app.selectbox(key="exp_format@en").value == "gpkg"


def test_the_page_remembers_the_keys_it_keeps():
    """Kept keys are remembered per page for the session, from the run that first draws their widget."""
    app = open_app("pages/parcels.py")
    assert "sens_spread" not in app.session_state["kept#parcels"]
    open_tab(app, "parcels_tab", "tab_sensitivity")
    assert {"parcel_selected", "sens_spread", "sens_draws", "sens_top"} <= set(app.session_state["kept#parcels"])
