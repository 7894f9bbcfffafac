"""Layer registry, translation table and the folium builders: escaping, precision, offline assets."""

import json
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gis.crs import to_metric
from layers.i18n import LANGS, TEXT, name_col, t
from layers.registry import REGISTRY, get_spec, resolve_field
from layers.webmap import (BASEMAPS, StringTable, build_map, display_geometries, encode_polyline, highlight_group,
                           layer_payload, script_json)


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


def _decode(fc_text: str):
    return json.loads(fc_text)


def test_payload_keeps_raw_text_and_script_json_escapes_markup(hostile_layer):
    strings = StringTable()
    layer = layer_payload(get_spec("subparks"), hostile_layer, lang="zh", strings=strings)
    fields = layer[6]
    names = [strings.strings[f[3][fields.index("name")]] for f in layer[10]]
    assert names[0] == '<script>alert("x")</script>'  # raw text: the browser shows it with textContent
    text = script_json([strings.strings, layer])
    assert "<" not in text and ">" not in text and "&" not in text and "{" not in text
    assert json.loads(text)[0] == strings.strings  # still valid JSON with the same content


def test_map_html_never_contains_raw_markup_or_template_code_from_data(data, hostile_layer):
    from gis.datasets import ParkData

    hostile = hostile_layer.copy()
    hostile.loc[hostile.index[1], "name_zh"] = "{{ 7*7 }}{% raw %}{#"
    evil = ParkData(**{**data.__dict__, "subparks": hostile})
    page = build_map(evil, lang="zh", layer_ids=("subparks",)).get_root().render()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "\\u007b\\u007b 7*7 \\u007d\\u007d" in page  # not evaluated by Jinja (no '49')


def test_payload_only_display_fields_and_ids(data):
    strings = StringTable()
    layer = layer_payload(get_spec("subparks"), data.subparks, lang="en", strings=strings)
    assert layer[0] == "subparks" and strings.strings[layer[1]] == "14 sub-parks"
    assert layer[6] == ["name", "id", "industries", "carriers", "accuracy"]
    first = layer[10][0]
    assert first[0] == data.subparks["id"].iloc[0] and first[1] == data.subparks["cluster"].iloc[0]
    assert strings.strings[first[3][0]] == data.subparks["name_en"].iloc[0]
    repeated = data.subparks["accuracy"].nunique()
    assert len([s for s in strings.strings if s.startswith("demonstration outline")]) == repeated


def test_encode_polyline_known_answer():
    # The encoded-polyline format's published example: (38.5,-120.2), (40.7,-120.95), (43.252,-126.453).
    lonlat = np.array([[-120.2, 38.5], [-120.95, 40.7], [-126.453, 43.252]])
    assert encode_polyline(lonlat, decimals=5) == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"


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
            assert script_json(spec.label(lang)) in page  # its name is in the payload for the layer control
        assert "pp-legend" in page and t("legend", lang) in page


def test_amap_basemap_shifts_vectors_about_480m(data):
    from gis.crs import wgs84_to_gcj02

    strings = StringTable()
    plain = layer_payload(get_spec("stations"), data.stations, lang="zh", strings=strings)
    page = build_map(data, lang="zh", basemap="amap", layer_ids=("stations",)).get_root().render()
    assert "autonavi" in page and plain[10][0][2] not in page
    x, y = data.stations.geometry.iloc[0].coords[0]
    gx, gy = wgs84_to_gcj02(np.array([x]), np.array([y]))
    shifted = encode_polyline(np.array([[gx[0], gy[0]]]), decimals=6)
    assert script_json(shifted).strip('"') in page  # the shifted point is what is drawn


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


def test_big_layers_are_sampled_for_the_browser(data):
    from layers.webmap import compact_layers, display_sample, is_sampled

    big = data.parcels.iloc[[i % len(data.parcels) for i in range(12_000)]].reset_index(drop=True)
    big["id"] = [f"X{i}" for i in range(len(big))]
    assert is_sampled(big) and not is_sampled(data.parcels)
    sample = display_sample(big)
    assert 4_000 <= len(sample) <= 5_000
    payload = compact_layers([(get_spec("parcels"), big)], lang="zh").payload
    assert len(payload) < 1_500_000  # ~5,000 parcels, not 12,000
