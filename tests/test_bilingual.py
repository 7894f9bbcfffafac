"""Every page, in both languages and in its main states, shows no label in the other language, no raw key
and no code: the Chinese UI has no English phrase, the English UI no Chinese label, neither a snake_case key."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from gis.scenario import Scenario
from pages.state import HISTORY
from planner.scenario_edit import History
from tests.apptest_util import open_app, open_tab
from text.messages import CATALOGUE, t

#: Words that stay as they are in Chinese text: formats, standards, proper names, units.
ALLOWED = {
    w.lower()
    for w in [
        "OpenStreetMap",
        "CartoDB",
        "Positron",
        "GeoJSON",
        "GeoPackage",
        "Shapefile",
        "KML",
        "KMZ",
        "DXF",
        "CSV",
        "XLSX",
        "PNG",
        "PDF",
        "SVG",
        "HTML",
        "GeoTIFF",
        "HiGHS",
        "EPSG",
        "WGS84",
        "CGCS2000",
        "GCJ",
        "GK",
        "CM",
        "AMap",
        "Tianditu",
        "Leaflet",
        "Noto",
        "Sans",
        "CJK",
        "Polsby",
        "Popper",
        "WKT",
        "UTF",
        "GBK",
        "dpi",
        "km",
        "contributors",
        "ODbL",
        "MIT",
        "CC",
        "BY",
        "Vonng",
        "adcode",
        "MetroFlow",
        "Ariza",
        "Sun",
        "Zhangjiang",
        "Putuo",
        "Hi-tech",
        "Park",
        "GB18030",
        "BD",
        "zip",
        "mbtiles",
        "JPEG",
        "XYZ",
        "WMTS",
        "TMS",
        "Volodymyr",
        "Agafonkin",
        "BSD",
    ]
}
#: Text that is a translation key, or looks like one (snake_case codes such as total_km2, sci_tech_finance).
KEY = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ENGLISH_PHRASE = re.compile(r"[A-Za-z][A-Za-z'\-]{2,}(?:[ ,][A-Za-z][A-Za-z'\-]{1,}){1,}")
CJK = re.compile(r"[\u4e00-\u9fff]")
#: Chinese that belongs in the English UI too: the language switch, the plan's document number, and the
#: names the tests give their own scenarios (text typed by a user is shown as typed).
BILINGUAL = (
    "语言 / Language",
    "中文",
    "普科委〔2021〕17号",
    "北拓",
    # the column headers a file must have, written as the file writes them
    "指标, 年份, 数值",
    "项目名称, 用地代码, 计容建筑面积, 建筑高度, 建筑基底面积, 绿地面积",
    "地块编号, 用地代码, 容积率上限",
)
KEYS = set(CATALOGUE)
WIDGETS = {
    "selectbox",
    "multiselect",
    "radio",
    "select_slider",
    "checkbox",
    "toggle",
    "slider",
    "segmented_control",
    "pills",
    "color_picker",
    "date_input",
    "time_input",
    "tab",
    "text_input",
    "text_area",
    "number_input",
}


def _walk(node):
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield child
            yield from _walk(child)


def visible(app: AppTest) -> tuple[list[str], list[str]]:
    """(labels, data): the words of the interface, and the values shown from the data."""
    labels, data = [], []
    for el in [*_walk(app.main), *_walk(app.sidebar)]:
        kind = getattr(el, "type", "")
        if kind == "code":  # a command to type (st.code) stays as typed, like `code` in a text
            continue
        if kind in ("dataframe", "arrow_data_frame", "data_editor", "table"):
            df = el.value
            labels += [str(c) for c in df.columns]
            data += [str(v) for col in df.columns for v in df[col].tolist()]
            continue
        if kind in ("text",):
            data.append(str(el.value))
            continue
        if kind == "metric":
            labels.append(str(el.label))
            data.append(str(el.value))
            continue
        for attr in ("value", "label", "placeholder", "help"):
            if attr == "value" and kind in WIDGETS:  # a choice's value is a code; its label is in the options
                continue
            v = getattr(el, attr, None)
            if isinstance(v, str) and v:
                typed = kind in ("text_input", "number_input", "text_area") and attr == "value"
                (data if typed else labels).append(v)
        for attr in ("options",):
            for o in getattr(el, attr, None) or []:
                labels.append(str(o))
        if kind == "tab":
            labels.append(str(el.label))
    return labels, data


def problems(app: AppTest, lang: str) -> list[str]:
    labels, data = visible(app)
    found = []
    for text in labels + data:
        if text.strip() in KEYS and text.strip() != t(text.strip(), lang):
            found.append(f"raw key: {text!r}")
        for code in KEY.findall(text):
            # file names (putuo_subparks_wgs84.geojson) and module paths (gis.layout.creek_belt) may hold underscores
            if not re.search(rf"{re.escape(code)}[\w\-]*\.[a-z]{{2,8}}\b|\.{re.escape(code)}\b", text):
                found.append(f"code {code!r} in {text!r}")
    if lang == "zh":
        for text in labels + data:
            for phrase in ENGLISH_PHRASE.findall(re.sub(r"`[^`]*`", "", text)):  # commands in `code` stay as typed
                words = re.findall(r"[A-Za-z][A-Za-z'\-]+", phrase)
                if not all(w.lower().strip("-'") in ALLOWED or len(w) <= 2 for w in words):
                    found.append(f"English in the Chinese UI: {phrase!r} in {text!r}")
    else:
        for text in labels:
            rest = text
            for allowed in (*BILINGUAL, *_data_names()):
                rest = rest.replace(allowed, "")
            if CJK.search(rest):
                found.append(f"Chinese label in the English UI: {text!r}")
    return sorted(set(found))


_NAMES: set[str] = set()


def _data_names() -> set[str]:
    """Names from the data that have no English form (carriers are named in Chinese only)."""
    if not _NAMES:
        from gis.datasets import load_park_data

        park = load_park_data()
        _NAMES.update(str(v) for v in park.subparks["carriers_zh"].dropna() if str(v).strip())
        from planner.review import demo_proposals

        _NAMES.update(str(v) for v in demo_proposals()["name"])  # the example proposals' names (data)
    return _NAMES


@pytest.fixture(autouse=True)
def _workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "ws.gpkg"))
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    monkeypatch.setenv("PUTUO_AUTH", "none")  # restored after the test: the sign-in states below change it


def _team():
    """The workspace of the test with an admin, an editor's scenario (archived: ``archived``) and a shared layer
    published twice; returns (workspace, admin user)."""
    import geopandas as gpd
    import shapely

    from planner import auth
    from planner import workspace as pw
    from store.accounts import add_account

    ws = pw.open_from_env()[0]
    if ws.accounts.get("wang") is None:
        add_account(ws, "wang", "editor", actor="cli:test", password="correct horse 1")
    boss = auth.single_user()
    layer = gpd.GeoDataFrame(
        {"id": ["S01"], "name_zh": ["园"]}, geometry=[shapely.box(121.40, 31.25, 121.41, 31.26)], crs="EPSG:4326"
    )
    pw.publish_layer(ws, boss, "subparks", layer, note="v")
    pw.publish_layer(ws, boss, "subparks", layer, note="v")
    saved = pw.save_scenario(ws, auth.User("wang", "editor", "local"), Scenario(name="北拓"), base_version=None)
    pw.archive_scenario(ws, boss, saved.scenario.id, reason="北拓")
    return ws, boss


# --- the pages' main states (each a step run on the opened page) ---------------------------------------------------
def _select_subpark(app, lang):
    app.selectbox(key=f"home_subpark@{lang}").select("S01").run()


def _select_parcel(app, lang):
    app.selectbox(key=f"parcel_selected@{lang}").select("P001").run()


def _failing_parcel(app, lang):
    from gis.datasets import load_park_data

    parcels = load_park_data().parcels
    bad = parcels.loc[parcels["demo_issue"].fillna("") != "", "id"].iloc[0]
    app.selectbox(key=f"parcel_selected@{lang}").select(bad).run()


def _park_use_rule(app, lang):
    app.checkbox(key="park_use_rule_box").check().run()


def _tab(key, label):
    return lambda app, lang: open_tab(app, key, label, lang=lang)


def _scenario(app, lang):
    app.session_state[HISTORY] = History(Scenario(name="北拓", parcels=("P060", "P061")))
    app.run()


def _compare(app, lang):
    _scenario(app, lang)
    app.button(key="scen_save").click().run()
    open_tab(app, "scen_tab", "tab_compare", lang=lang)
    saved = app.session_state[HISTORY].current.id
    app.multiselect(key=f"cmp_pick@{lang}").select("__current__").select(saved).run()


def _suggest(minimum):
    def run(app, lang):
        open_tab(app, "scen_tab", "tab_suggest", lang=lang)
        app.number_input(key="sug_min_belt").set_value(minimum).run()
        app.button(key="sug_run").click().run()

    return run


def _sign_in_page(*, accounts: bool, password: str | None = None):
    def run(app, lang):
        import os

        if accounts:
            _team()
        os.environ["PUTUO_AUTH"] = "local"
        app.run()
        if password is not None:
            app.text_input(key="login_name").input("wang")
            app.text_input(key="login_password").input(password)
            app.button[0].click().run()

    return run


def _admin(tab_key):
    def run(app, lang):
        _team()
        app.run()
        if tab_key:
            open_tab(app, "admin_tab", tab_key, lang=lang)

    return run


def _audit(app, lang):
    _team()
    app.run()
    app.button(key="audit_verify").click().run()


def _states():
    """(name, page, setup) for the pages and their main states."""
    return [
        ("login setup", None, _sign_in_page(accounts=False)),
        ("login", None, _sign_in_page(accounts=True)),
        ("login failed", None, _sign_in_page(accounts=True, password="wrong password")),
        ("admin accounts", "pages/admin.py", _admin(None)),
        ("admin layers", "pages/admin.py", _admin("tab_layers")),
        ("admin archive", "pages/admin.py", _admin("tab_archive")),
        ("admin basemap", "pages/admin.py", _admin("tab_basemap")),
        ("audit", "pages/audit.py", _audit),
        ("home", "pages/explorer.py", None),
        ("home+card", "pages/explorer.py", _select_subpark),
        ("parcels", "pages/parcels.py", None),
        ("parcels+card", "pages/parcels.py", _select_parcel),
        ("parcels+failing card", "pages/parcels.py", _failing_parcel),
        ("parcels+park-use rule", "pages/parcels.py", _park_use_rule),
        ("parcels sensitivity", "pages/parcels.py", _tab("parcels_tab", "tab_sensitivity")),
        ("parcels surface", "pages/parcels.py", _tab("parcels_tab", "tab_surface")),
        ("parcels add", "pages/parcels.py", _tab("parcels_tab", "tab_add")),
        ("parcels export", "pages/parcels.py", _tab("parcels_tab", "tab_export")),
        ("parcels help", "pages/parcels.py", _tab("parcels_tab", "tab_help")),
        ("scenarios", "pages/scenarios.py", _scenario),
        ("scenarios compare", "pages/scenarios.py", _compare),
        ("scenarios suggest", "pages/scenarios.py", _suggest(0.0)),
        ("scenarios infeasible", "pages/scenarios.py", _suggest(0.05)),
        ("scenarios transfer", "pages/scenarios.py", _tab("scen_tab", "tab_transfer")),
        ("import", "pages/data_import.py", None),
        ("export layers", "pages/export.py", None),
        ("export print", "pages/export.py", _tab("exp_tab", "exp_tab_print")),
        ("export atlas", "pages/export.py", _tab("exp_tab", "exp_tab_atlas")),
        ("export report", "pages/export.py", _tab("exp_tab", "exp_tab_report")),
        ("indicators", "pages/indicators.py", None),
        ("indicators actuals", "pages/indicators.py", _tab("mon_tab", "mon_tab_actuals")),
        ("indicators targets", "pages/indicators.py", _tab("mon_tab", "mon_tab_targets")),
        ("indicators spatial", "pages/indicators.py", _tab("mon_tab", "mon_tab_spatial")),
        ("indicators report", "pages/indicators.py", _tab("mon_tab", "mon_tab_report")),
        ("review", "pages/review.py", None),
        ("review+examples", "pages/review.py", _review_examples),
        ("performance", "pages/performance.py", None),
        ("data", "pages/data_sources.py", None),
    ]


def _review_examples(app, lang):
    app.button(key="review_demo").click().run()
    app.selectbox(key="review_selected").set_value(2).run()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name,page,setup", _states(), ids=[s[0] for s in _states()])
def test_page_speaks_one_language(name, page, setup, lang):
    app = open_app(page, lang=lang)
    if setup:
        setup(app, lang)
    assert not app.exception
    assert problems(app, lang) == []


def test_the_checker_catches_what_it_should():
    """The checks above can fail: English in Chinese, Chinese in English, raw keys and codes."""
    app = open_app("pages/indicators.py")
    app.session_state["lang"] = "zh"

    class Fake:
        def __init__(self, kind, value):
            self.type, self.value, self.label = kind, value, None

    for text, lang, expected in [
        ("approximate point from public address facts", "zh", "English"),
        ("total_km2", "zh", "code"),
        ("sci_tech_finance", "en", "code"),
        ("m_total", "en", "raw key"),
    ]:
        found = [p for p in problems_of([text], lang) if expected in p]
        assert found, (text, lang)
    assert any("Chinese label" in p for p in problems_of(["面积统计"], "en"))
    assert problems_of(["EPSG:4549 · GeoJSON · 10.080 km²"], "zh") == []
    assert t("app_title", "zh")


def problems_of(labels: list[str], lang: str) -> list[str]:
    class App:
        main = sidebar = None

    original = globals()["visible"]
    globals()["visible"] = lambda app: (labels, [])
    try:
        return problems(App(), lang)
    finally:
        globals()["visible"] = original
