"""The indicator charts name every indicator whole: no axis or legend label cut short with "…"."""

from __future__ import annotations

import json

import pytest

from tests.apptest_util import open_app, open_tab


@pytest.fixture
def app(monkeypatch, tmp_path):
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "workspace.gpkg"))
    return open_app("pages/indicators.py")


def _specs(app) -> list[dict]:
    return [json.loads(c.proto.spec) for c in app.get("vega_lite_chart")]


def _limits(spec: dict) -> dict[str, object]:
    """Each encoding channel's label limit (its axis's or legend's); None: Vega-Lite's default (180 px / 160 px)."""
    layers = spec.get("layer") or [spec]
    out: dict[str, object] = {}
    for layer in layers:
        for channel, enc in (layer.get("encoding") or spec.get("encoding") or {}).items():
            if isinstance(enc, dict) and enc.get("type") == "nominal" and channel in ("x", "y", "color", "strokeDash"):
                guide = enc.get("axis") if channel in ("x", "y") else enc.get("legend")
                out[channel] = (guide or {}).get("labelLimit")
    return out


def test_the_evaluation_chart_legend_shows_whole_indicator_names(app):
    specs = _specs(app)
    assert specs, "no chart on the first tab"
    limits = _limits(specs[0])
    assert limits.get("color") == 0 and limits.get("strokeDash") == 0


def test_the_plan_chart_axis_shows_whole_indicator_names(app):
    open_tab(app, "mon_tab", "mon_tab_plan")
    specs = _specs(app)
    assert specs, "no chart on the plan tab"
    assert _limits(specs[-1]).get("y") == 0


def test_the_home_panel_shows_every_column_of_a_sub_parks_tables(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.live_app import ROOT
    from text.messages import t

    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.query_params["subpark"] = "S01"
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    tables = [tb.value for tb in app.table]  # static tables: long names wrap, no column is pushed out of the panel
    assert any(t("f_kind", "zh") in tb.columns and len(tb) >= 3 for tb in tables)  # the sub-park's carriers
    assert any(t("f_lines", "zh") in tb.columns and t("f_dist_m", "zh") in tb.columns for tb in tables)
