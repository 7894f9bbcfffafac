"""AppTest of the import page and of imported layers reaching every page (uploads are browser-tested)."""

import pytest

from pages.state import IMPORTS
from tests.apptest_util import open_app
from text.messages import t


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "ws.gpkg"))
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    return tmp_path / "ws.gpkg"


def app():
    return open_app()


def test_page_runs_without_a_file(workspace):
    at = app()
    at.switch_page("pages/data_import.py").run()
    assert not at.exception and at.title[0].value == t("imp_title", "zh")
    assert at.selectbox(key="imp_kind@zh").value == "subparks"


@pytest.mark.parametrize("lang,polygons", [("zh", "面"), ("en", "Polygon")])
def test_a_kept_upload_is_previewed_with_its_geometry_types_in_the_users_language(workspace, lang, polygons):
    from planner.import_session import Upload
    from tests.live_app import ROOT

    at = open_app("pages/data_import.py", lang=lang)
    at.session_state["imp_file"] = Upload.of("地块.geojson", (ROOT / "data/parcels/parcels.geojson").read_bytes())
    at.run()
    assert not at.exception
    [types] = [m.value for m in at.metric if m.label == t("imp_geomtypes", lang)]
    assert types.startswith(f"{polygons} ") and "Polygon" not in types.replace(polygons, ""), types
    # the combine mode starts on "append": replacing the current layer is chosen, never the default
    assert at.radio(key=f"imp_mode@{lang}").value == "append"


def test_an_unmapped_required_field_is_a_step_to_take_not_an_error(workspace):
    from planner.import_session import Upload
    from tests.live_app import ROOT

    at = open_app("pages/data_import.py")
    at.selectbox(key="imp_kind@zh").select("buildings").run()
    at.session_state["imp_file"] = Upload.of("地块.geojson", (ROOT / "data/parcels/parcels.geojson").read_bytes())
    at.run()
    at.selectbox(key="imp_map_buildings_name_zh").select_index(0).run()
    assert not at.exception and not at.error  # no red box: the page waits for the mapping
    [step] = [i.value for i in at.info if "选择对应的列" in i.value]
    assert step == "请为 中文名称 选择对应的列：导入“重点载体”图层时必须有这些字段。"
    assert not [b for b in at.button if b.key == "imp_apply"]


def test_imported_layer_is_used_by_every_page_and_reset(workspace, data):
    renamed = data.subparks.copy()
    renamed.loc[renamed["id"] == "S01", "name_zh"] = "导入测试子园"
    at = app()
    at.session_state[IMPORTS] = {"subparks": renamed}
    at.run()
    at.selectbox(key="home_subpark@zh").select("S01").run()
    assert "导入测试子园" in [s.value for s in at.subheader]
    at.switch_page("pages/parcels.py").run()
    assert not at.exception
    at.switch_page("pages/data_import.py").run()
    assert t("imp_active", "zh") in at.info[0].value
    at.button(key="imp_reset").click().run()  # asks first: what was imported cannot be brought back
    assert "导入测试" not in str([w.value for w in at.warning]) and any(
        "恢复为内置演示数据" in w.value for w in at.warning
    )
    at.button(key="imp_reset__no").click().run()
    assert at.session_state[IMPORTS]  # cancelled: nothing dropped
    at.button(key="imp_reset").click().run()
    at.button(key="imp_reset__yes").click().run()
    assert not at.session_state[IMPORTS]
    at.switch_page("pages/explorer.py").run()
    at.selectbox(key="home_subpark@zh").select("S01").run()
    assert "长风生态商务区" in [s.value for s in at.subheader]


def test_published_layers_reach_every_page(workspace, data):
    from planner.auth import single_user
    from planner.workspace import open_from_env, publish_layer

    ws, _ = open_from_env()
    renamed = data.subparks.copy()
    renamed.loc[renamed["id"] == "S01", "name_zh"] = "发布测试子园"
    publish_layer(ws, single_user(), "subparks", renamed, note="test")
    at = app()
    at.selectbox(key="home_subpark@zh").select("S01").run()
    assert "发布测试子园" in [s.value for s in at.subheader]
    for page in ("pages/parcels.py", "pages/scenarios.py", "pages/data_sources.py"):
        at.switch_page(page).run()
        assert not at.exception, page


def test_every_page_runs_on_imported_parcels_with_few_columns(workspace, data):
    from ingest.mapping import apply_mapping, guess_mapping
    from ingest.model import ImportResult

    src = data.parcels[["id", "name_zh", "geometry"]].iloc[:12]
    result = ImportResult(gdf=src, source_crs="EPSG:4326", crs_how="file", encoding="UTF-8", layer="x", layers=["x"])
    mapped = apply_mapping(result, guess_mapping(list(src.columns), "parcels"), layer_kind="parcels", source_note="t")
    at = app()
    at.session_state[IMPORTS] = {"parcels": mapped}
    at.run()
    for page in (
        "pages/explorer.py",
        "pages/parcels.py",
        "pages/scenarios.py",
        "pages/export.py",
        "pages/data_sources.py",
        "pages/data_import.py",
    ):
        at.switch_page(page).run()
        assert not at.exception, page
