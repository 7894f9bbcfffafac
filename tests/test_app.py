"""Streamlit AppTest of the home page and the app frame: the map spec, the facts panel, deep links, errors."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_util import maps, open_app, open_tab
from tests.live_app import ROOT
from text.messages import t

PAGES = [
    "pages/explorer.py",
    "pages/parcels.py",
    "pages/scenarios.py",
    "pages/data_import.py",
    "pages/export.py",
    "pages/indicators.py",
    "pages/review.py",
    "pages/performance.py",
    "pages/data_sources.py",
]


@pytest.fixture
def at(monkeypatch, tmp_path):
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "ws.gpkg"))
    return open_app()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_both_languages(monkeypatch, tmp_path, page, lang):
    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "ws.gpkg"))
    app = open_app(page, lang=lang)
    assert not app.exception and not app.error
    assert app.title and app.title[0].value


def test_home_map_sends_layers_by_signed_url_not_inline(at):
    spec = maps(at)["home"]
    ids = [ref["id"] for ref in spec["layers"]]
    assert ids == [
        "roads",
        "metro_lines",
        "district",
        "zones",
        "clusters",
        "subparks",
        "parcels",
        "buildings",
        "stations",
    ]  # the OpenStreetMap context under the park
    for ref in spec["layers"]:
        assert ref["url"].startswith("/api/layer/d") and "&sig=" in ref["url"] and "doc" not in ref
    assert next(r for r in spec["layers"] if r["id"] == "subparks")["labels"] is True
    (s, w), (n, e) = spec["fit"]  # the first view frames the whole district
    assert 31.2 < s < 31.23 and 31.3 < n < 31.33 and 121.31 < w < 121.33 and 121.44 < e < 121.46
    assert spec["basemap"] == {"tiles": [], "datum": "wgs84"}
    assert len(spec["legend"]["entries"]) >= 8 and spec["legend"]["title"] == t("legend", "zh")
    import json

    assert len(json.dumps(spec)) < 12_000  # a rerun sends the spec, never the geometry
    assert spec["credits"] == [t("credit_osm", "zh"), t("credit_adcode", "zh"), t("credit_metroflow", "zh")]


def test_area_table_totals_plan_figure(at):
    cluster_table = at.dataframe[0].value
    total = cluster_table[cluster_table.iloc[:, 0] == t("total", "zh")]
    assert float(total[t("f_area_km2", "zh")].iloc[0]) == pytest.approx(10.08, rel=0.01)
    assert int(total[t("f_count", "zh")].iloc[0]) == 14
    per_subpark = at.dataframe[1].value
    assert len(per_subpark) == 15  # 14 sub-parks + total row
    assert per_subpark[t("f_declared_km2", "zh")].iloc[-1] == "–"  # never "None"


def test_flow_switch_language_select_subpark_read_panel(at):
    assert at.title[0].value == "张江普陀园规划助手"
    assert any(t("panel_hint", "zh") in m.value for m in at.markdown)
    at.radio(key="lang").set_value("en").run()
    assert at.title[0].value == "Putuo Park Planner"
    at.selectbox(key="home_subpark@en").select("S01").run()
    assert not at.exception
    heads = [s.value for s in at.subheader]
    assert "Changfeng Eco\\-business District" in heads  # Markdown-escaped, shown as typed
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["km²"]) == pytest.approx(3.06, abs=0.01)
    assert float(metrics["Area (ha)"]) == pytest.approx(306, abs=1)
    texts = " ".join(x.value for x in at.text)
    assert "digital economy" in texts and "Suzhou Creek belt" in texts
    spec = maps(at)["home"]
    assert spec["selected"] == {"layer": "subparks", "id": "S01"}
    assert spec["focus"]["token"].startswith("S01:")  # picking from the list zooms the map to it
    at.radio(key="lang").set_value("zh").run()
    assert "长风生态商务区" in [s.value for s in at.subheader]  # the selection survives a language switch


def test_deep_link_opens_the_subpark(monkeypatch, tmp_path):
    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "ws.gpkg"))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.query_params["subpark"] = "N02"
    app.run()
    assert "未来岛高新技术产业园" in [s.value for s in app.subheader]
    spec = maps(app)["home"]
    assert spec["selected"]["id"] == "N02" and spec["focus"]["bounds"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_deep_link_to_nothing_says_so_once(monkeypatch, tmp_path, lang):
    """/?subpark=S99 was silently ignored: the page now says the link names nothing of this data (once)."""
    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "ws.gpkg"))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.query_params["subpark"] = "S99**"
    app.session_state["lang"] = lang
    app.run()
    warnings = [w.value for w in app.warning]
    assert len(warnings) == 1 and "S99" in warnings[0] and r"\*\*" in warnings[0]  # the id shown as typed
    assert ("不是本数据中的子园" if lang == "zh" else "no sub-park or candidate parcel") in warnings[0]
    app.run()
    assert not app.warning  # said once


def test_basemap_choices(at):
    at.selectbox(key="basemap@zh").select("amap").run()
    spec = maps(at)["home"]
    assert spec["basemap"]["datum"] == "gcj02" and "autonavi" in spec["basemap"]["tiles"][0]["url"]
    assert all("datum=gcj02" in ref["url"] for ref in spec["layers"])  # the vector layers are shifted to match
    at.selectbox(key="basemap@zh").select("tianditu_img").run()
    assert any(t("basemap_needs_key", "zh") in c.value for c in at.caption)
    assert maps(at)["home"]["basemap"]["tiles"] == []


def test_broken_data_folder_shows_translated_error_not_crash(monkeypatch, tmp_path):
    monkeypatch.setenv("PUTUO_DATA_DIR", str(tmp_path))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    assert not app.exception
    assert app.error[0].value == t("err_title_data", "zh")
    shown = " ".join(x.value for x in app.text)
    assert "缺少图层文件 district.geojson" in shown and str(tmp_path) not in shown


def test_unexpected_error_shows_an_id_not_a_traceback(at, monkeypatch):
    from planner import explore

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals /tmp/x")

    monkeypatch.setattr(explore, "area_tables", boom)
    at.run()
    assert not at.exception
    message = at.error[-1].value
    assert "secret" not in message and "/tmp" not in message and "Traceback" not in message
    assert "编号" in message


def test_indicators_page_table(at):
    at.switch_page("pages/indicators.py").run()
    status = at.dataframe[0].value  # the standing of each indicator first
    assert len(status) == 8 and "None" not in status.to_string() and "nan" not in status.to_string()
    df = open_tab(at, "mon_tab", "mon_tab_plan").dataframe[0].value  # the plan's Table 1 in its own tab
    assert len(df) == 8
    row = df[df.iloc[:, 0].str.contains("高新技术企业")]
    assert row.iloc[0, 2] == "316" and row.iloc[0, 3] == "415"
    assert "None" not in df.to_string() and "nan" not in df.to_string()


def test_data_page_reports_invariants(at):
    at.switch_page("pages/data_sources.py").run()
    assert at.success and at.success[0].value == t("data_valid", "zh")


def test_choices_survive_a_language_switch_with_translated_labels(at):
    at.selectbox(key="basemap@zh").select("positron").run()
    at.radio(key="lang").set_value("en").run()
    box = at.selectbox(key="basemap@en")
    assert box.value == "positron"  # carried over, shown with its English label (a new key per language)
    assert t("basemap_positron", "en") in box.options


def test_server_settings_one_upload_limit_and_no_tracebacks():
    import tomllib

    from gis.settings import SETTINGS

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == SETTINGS.max_upload_mb
    assert config["client"]["showErrorDetails"] == "none"
    run_app = (ROOT / "scripts" / "run_app.sh").read_text()
    assert '--server.address "${ADDRESS:-127.0.0.1}"' in run_app and "streamlit run app.py" in run_app


def test_single_user_mode_is_one_quiet_line_above_the_weights_with_no_sign_out(monkeypatch, tmp_path):
    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "ws.gpkg"))
    monkeypatch.delenv("PUTUO_AUTH", raising=False)
    app = open_app("pages/parcels.py")
    lines = [c.value for c in app.sidebar.caption if "单用户模式" in c.value]
    assert len(lines) == 1 and "local:" not in lines[0] and "（管理员）" in lines[0]
    assert not [b for b in app.sidebar.button if b.key == "user_logout"]


def test_no_page_imports_another_page():
    """A page module runs its page when imported: importing one page from another drew both (the export
    page once showed the whole scenarios page above its own)."""
    import ast

    page_modules = {
        f"pages.{p.removeprefix('pages/').removesuffix('.py')}"
        for p in [*PAGES, "pages/admin.py", "pages/audit.py", "pages/login.py"]
    }
    checked = sorted((ROOT / "pages").glob("*.py"))
    assert len(checked) >= len(page_modules)  # the folder is there: the check below cannot pass on nothing
    for path in checked:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        imported |= {
            f"pages.{a.name}"
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and n.module == "pages"
            for a in n.names
        }
        assert not (imported & page_modules), (path.name, imported & page_modules)
