"""Layer registry, translation table and the folium builders: escaping, precision, offline assets."""

import html
import json
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gis.crs import to_metric
from layers.i18n import LANGS, TEXT, name_col, t
from layers.registry import REGISTRY, get_spec, resolve_field
from layers.webmap import BASEMAPS, build_map, display_geometries, highlight_group, layer_geojson


def test_translation_table_complete():
    for key, pair in TEXT.items():
        assert len(pair) == 2 and all(s.strip() for s in pair), key
    assert t("app_title", "zh") == "张江普陀园规划助手" and t("app_title", "en") == "Putuo Park Planner"
    assert t("no_such_key", "en") == "no_such_key"
    assert name_col("en") == "name_en" and name_col("zh") == "name_zh"


def test_every_label_key_used_by_registry_and_basemaps_exists():
    keys = set()
    for spec in REGISTRY:
        keys |= {spec.label_key} | {k for _, k in spec.tooltip + spec.popup} | {c.label_key for c in spec.categories}
    keys |= {b.label_key for b in BASEMAPS}
    assert keys <= set(TEXT)


def test_registry_covers_every_layer(data):
    for spec in REGISTRY:
        gdf = data.layer(spec.id)
        assert len(gdf) > 0
        if spec.category_field:
            assert set(gdf[spec.category_field]) <= {c.value for c in spec.categories}


def test_style_for_category():
    spec = get_spec("subparks")
    assert spec.style_for("north")["fillColor"] != spec.style_for("south")["fillColor"]
    assert spec.style_for("unknown") == spec.style
    with pytest.raises(KeyError):
        get_spec("nope")


def test_resolve_field_prefers_language_column():
    cols = ["name_zh", "name_en", "carriers_zh", "id"]
    assert resolve_field("name", "en", cols) == "name_en"
    assert resolve_field("carriers", "en", cols) == "carriers_zh"  # falls back to Chinese
    assert resolve_field("id", "en", cols) == "id"
    assert resolve_field("missing", "zh", cols) is None


@pytest.fixture
def hostile_layer(squares_4549):
    gdf = squares_4549.to_crs("EPSG:4326").copy()
    gdf["name_zh"] = ['<script>alert("x")</script>', "<img src=x onerror=alert(1)>", "A & B"]
    gdf["industries_zh"] = ["<b>bold</b>", "ok", "ok"]
    return gdf


def test_popup_values_are_html_escaped(hostile_layer):
    fc = layer_geojson(get_spec("subparks"), hostile_layer, lang="zh")
    names = [f["properties"]["name"] for f in fc["features"]]
    assert names[0] == html.escape('<script>alert("x")</script>')
    assert names[2] == "A &amp; B"
    rendered = json.dumps(fc)
    assert "<script" not in rendered and "<img" not in rendered and "<b>" not in rendered


def test_map_html_never_contains_raw_markup_from_data(data, hostile_layer):
    from gis.datasets import ParkData

    evil = ParkData(**{**data.__dict__, "subparks": hostile_layer})
    page = build_map(evil, lang="zh", layer_ids=("subparks",)).get_root().render()
    assert 'alert("x")</script>' not in page and "<img src=x" not in page


def test_feature_ids_and_only_display_properties(data):
    fc = layer_geojson(get_spec("subparks"), data.subparks, lang="en")
    f = fc["features"][0]
    assert f["id"].startswith("subparks:")
    assert set(f["properties"]) == {"id", "name", "industries", "carriers", "accuracy", "_cat"}
    assert f["properties"]["name"] == html.escape(data.subparks["name_en"].iloc[0])


def test_display_geometries_round_to_decimals_and_move_under_a_metre(data):
    geoms = display_geometries(data.district, simplify_m=1.0, decimals=6)
    coords = shapely.get_coordinates(geoms)
    assert np.allclose(coords, np.round(coords, 6), atol=1e-12, rtol=0)
    orig = to_metric(data.district).geometry.iloc[0]
    shown = to_metric(gpd.GeoSeries(geoms, crs="EPSG:4326")).iloc[0]
    assert shapely.hausdorff_distance(orig, shown, densify=0.1) < 1.2  # 1 m simplification + 0.1 m rounding
    assert len(shapely.get_coordinates(shown)) < len(shapely.get_coordinates(orig))


def test_map_uses_only_local_assets(data):
    page = build_map(data, lang="zh").get_root().render()
    srcs = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert srcs and all(s.startswith("/app/static/vendor/leaflet/") for s in srcs)
    assert "cdn.jsdelivr" not in page and "code.jquery" not in page


def test_map_has_every_layer_and_legend_in_both_languages(data):
    for lang in LANGS:
        page = build_map(data, lang=lang).get_root().render()
        for spec in REGISTRY:
            assert json.dumps(spec.label(lang)) in page  # the layer control lists it
        assert "pp-legend" in page and t("legend", lang) in page


def test_amap_basemap_shifts_vectors_about_480m(data):
    plain = layer_geojson(get_spec("stations"), data.stations, lang="zh")
    page = build_map(data, lang="zh", basemap="amap", layer_ids=("stations",)).get_root().render()
    x, y = plain["features"][0]["geometry"]["coordinates"]
    assert f"[{x}, {y}]" not in page and "autonavi" in page
    from gis.crs import wgs84_to_gcj02

    gx, gy = wgs84_to_gcj02(np.array([x]), np.array([y]))
    drawn = re.search(r'"coordinates": \[([0-9.]+), ([0-9.]+)\]', page)
    assert float(drawn.group(1)) == pytest.approx(gx[0], abs=2e-6)  # the shifted point is what is drawn
    assert float(drawn.group(2)) == pytest.approx(gy[0], abs=2e-6)


def test_tianditu_without_key_falls_back_to_no_tiles(data):
    page = build_map(data, lang="zh", basemap="tianditu_vec", layer_ids=("district",)).get_root().render()
    assert "tianditu" not in page
    keyed = build_map(data, lang="zh", basemap="tianditu_vec", tianditu_key="KEY123",
                      layer_ids=("district",)).get_root().render()
    assert "tianditu.gov.cn" in keyed and "tk=KEY123" in keyed


def test_highlight_group(data):
    fg = highlight_group(data.subparks.geometry.iloc[0])
    assert len(fg._children) == 1
    assert len(highlight_group(None)._children) == 0
