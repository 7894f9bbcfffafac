"""The bundled dataset meets the plan's invariants; the loader and the cluster dissolve behave."""

import pandas as pd
import pytest
import shapely

from gis.analysis import cluster_area_table
from gis.crs import area_m2, geodesic_area_m2, to_metric
from gis.datasets import LAYER_FILES, dissolve_clusters, load_park_data, schema_problems
from gis.errors import DataValidationError
from gis.layout import creek_belt
from gis.validate import invariant_problems


def test_bundled_data_has_no_problem(data):
    assert invariant_problems(data) == []


def test_district_is_putuo_about_55_km2(data):
    d = data.district
    assert list(d["adcode"]) == ["310107"]
    km2 = geodesic_area_m2(d).iloc[0] / 1e6
    assert 54.5 < km2 < 55.5  # official ~54.83 km2; the 2016 AMap fence gives ~55.2
    assert "CC BY 4.0" in d["source"].iloc[0]


def test_fourteen_subparks_six_north_eight_south(data):
    sp = data.subparks
    assert len(sp) == 14 and sp["id"].is_unique
    assert sp["cluster"].value_counts().to_dict() == {"north": 6, "south": 8}
    assert sp.geometry.is_valid.all()


def test_total_area_is_plan_figure_within_one_percent(data):
    total_km2 = area_m2(to_metric(data.subparks)).sum() / 1e6
    assert total_km2 == pytest.approx(10.08, rel=0.01)


def test_no_two_subparks_overlap_and_all_inside_district(data):
    g = to_metric(data.subparks).geometry.to_numpy()
    district = to_metric(data.district).geometry.iloc[0]
    for i in range(len(g)):
        assert shapely.difference(g[i], district).area < 1.0
        for j in range(i + 1, len(g)):
            assert shapely.intersection(g[i], g[j]).area < 1.0


def test_declared_areas_are_met(data):
    sp = data.subparks.set_index("id")
    km2 = area_m2(to_metric(data.subparks)).set_axis(data.subparks["id"]) / 1e6
    declared = pd.to_numeric(sp["declared_area_km2"], errors="coerce").dropna()
    assert len(declared) >= 2
    for sid, value in declared.items():
        assert km2[sid] == pytest.approx(value, rel=0.01)


def test_clusters_make_geographic_sense(data):
    """North block around Taopu/Zhenru, south block along the creek (Changfeng/Caoyang/Wuning)."""
    sp = to_metric(data.subparks)
    north, south = sp[sp["cluster"] == "north"], sp[sp["cluster"] == "south"]
    assert south.centroid.y.max() < north.centroid.y.min()
    creek = to_metric(data.creek_edge).geometry.iloc[0]
    assert (south.distance(creek) < 2500).all() and (north.distance(creek) > 2500).all()
    assert (south.distance(creek) < 100).sum() >= 2  # 长风 and 华师大 reach the water


def test_every_feature_has_source_and_accuracy(data):
    for layer_id in LAYER_FILES:
        gdf = data.layer(layer_id)
        assert gdf["source"].astype(str).str.strip().ne("").all(), layer_id
        assert gdf["accuracy"].astype(str).str.strip().ne("").all(), layer_id
        assert gdf["id"].is_unique, layer_id
        assert gdf.crs.to_epsg() == 4326, layer_id


def test_demo_is_labelled_as_such(data):
    assert data.subparks["accuracy"].str.contains("not an official boundary").all()
    assert data.parcels["accuracy"].str.contains("fictional").all()


def test_buildings_at_least_20_inside_their_subpark(data):
    b = data.buildings
    assert len(b) >= 20
    sp = to_metric(data.subparks).set_index("id").geometry
    for sid, geom in zip(b["subpark_id"], to_metric(b).geometry):
        assert sp[sid].contains(geom)


def test_parcels_plausible_with_deliberate_problems(data):
    p = data.parcels
    assert 40 <= len(p) <= 80
    district = to_metric(data.district).geometry.iloc[0]
    park = to_metric(data.subparks).geometry.union_all()
    pm = to_metric(p).geometry
    crosses = ~pm.within(district)
    overlaps = pm.intersection(park).area > 1.0
    assert crosses.sum() >= 2 and overlaps.sum() >= 2
    ok = p["demo_issue"].fillna("") == ""
    assert (~crosses[ok.to_numpy()]).all() and (~overlaps[ok.to_numpy()]).all()
    assert (p["potential_floor_area_m2"] > 0).all()


def test_stations_are_the_2026_network_with_lines_14_and_15(data):
    s = data.stations.set_index("name_zh")
    assert len(s) >= 60 and s["inside_district"].sum() >= 20
    assert {"真如", "上海西", "曹杨路", "长寿路", "铜川路", "真光路", "祁安路", "中宁路"} <= set(s.index)
    lines = s["lines"].to_dict()
    assert lines["曹杨路"] == "3|4|11|14" and lines["真如"] == "11|14" and lines["上海西"] == "11|15"
    assert lines["铜川路"] == "14|15" and lines["长寿路"] == "7|13" and lines["金沙江路"] == "3|4|13"
    assert (s["lines"].str.len() > 0).all()  # every station is on a line
    assert s.loc["曹杨路", "name_en"] == "Caoyang Road" and s.loc["中山北路", "name_en"] == "Zhongshan North Road"
    from_osm = s["source"].str.contains("OpenStreetMap")
    assert from_osm.sum() >= 50 and s.loc[from_osm, "osm_id"].str.fullmatch(r"[0-9]+").all()
    assert s.loc[~from_osm, "source"].str.contains("MetroFlow").all()  # what the OSM extract lacks


def test_roads_and_metro_lines_from_openstreetmap(data):
    from gis.crs import length_m
    from layers.registry import METRO_COLOURS

    roads, lines = data.roads, data.metro_lines
    district = to_metric(data.district).geometry.iloc[0]
    inside_km = length_m(to_metric(roads).intersection(district)).sum() / 1000
    assert inside_km == pytest.approx(73, abs=2)  # about 73 km inside the district (SOURCES.md)
    assert set(roads["kind"]) == {"expressway", "urban_expressway", "arterial"}
    named = roads.set_index("name_zh")
    assert {"中环路", "内环高架路", "北横通道", "中山北路", "武宁路", "曹杨路", "真北路", "长寿路"} <= set(named.index)
    assert named.loc["曹杨路", "name_en"] == "Caoyang Road" and named.loc["中环路", "name_en"] == "Middle Ring Road"
    assert list(lines["ref"]) == ["1", "2", "3", "4", "7", "8", "9", "10", "11", "12", "13", "14", "15", "17"]
    assert all(METRO_COLOURS[r] == c for r, c in zip(lines["ref"], lines["colour"]))
    for layer in (roads, lines, data.stations):
        assert layer["source"].str.contains("OpenStreetMap|MetroFlow").all()


def test_odbl_notice_beside_the_osm_files():
    from gis.settings import SETTINGS

    for folder in ("context", "transit"):
        text = (SETTINGS.data_dir / folder / "NOTICE.md").read_text(encoding="utf-8")
        assert "© OpenStreetMap contributors" in text and "ODbL" in text
        for rel in ("context/roads.geojson", "context/metro_lines.geojson", "transit/stations.geojson"):
            assert rel in text


def test_layout_zones(data):
    z = to_metric(data.zones).set_index("id")
    assert set(z.index) == {"belt", "core", "city"}
    assert z.geometry["core"].area / 1e6 == pytest.approx(6.16, rel=0.01)
    assert z.geometry["city"].contains(to_metric(data.subparks).set_index("id").geometry["N01"].buffer(-50))


def test_belt_width_is_configurable(data):
    narrow = creek_belt(data.district, data.creek_edge, width_m=200).area
    wide = creek_belt(data.district, data.creek_edge, width_m=500).area
    assert 0 < narrow < wide
    # 9.5 km of creek edge x 500 m, less the bends: a few km2
    assert 3e6 < wide < 5.5e6
    with pytest.raises(ValueError, match="positive"):
        creek_belt(data.district, data.creek_edge, width_m=0)


def test_dissolve_clusters_conserves_area(data):
    c = dissolve_clusters(data.subparks)
    assert list(c["id"]) == ["north", "south"] and list(c["n_subparks"]) == [6, 8]
    per = cluster_area_table(data.subparks)
    assert area_m2(to_metric(c)).sum() / 1e6 == pytest.approx(per.loc["total", "area_km2"], rel=1e-9)


def test_schema_problems_name_the_feature(data):
    bad = data.subparks.copy()
    bad.loc[bad.index[0], "id"] = bad["id"].iloc[1]
    bad.loc[bad.index[2], "source"] = ""
    bad = bad.drop(columns=["cluster"])
    problems = schema_problems("subparks", bad)
    texts = [p.text("en") for p in problems]
    assert any("missing column cluster" in p for p in texts)
    assert any(f"id {bad['id'].iloc[1]} is used more than once" in p for p in texts)
    assert any("empty source" in p and bad["id"].iloc[2] in p for p in texts)
    zh = [p.text("zh") for p in problems]
    assert any("缺少字段 cluster" in p for p in zh)


def test_load_missing_folder_lists_every_layer(tmp_path):
    with pytest.raises(DataValidationError) as err:
        load_park_data(tmp_path)
    assert len(err.value.problems) == len(LAYER_FILES)
    assert "not found" in err.value.text("en")


def test_context_layers_have_a_style_and_label_for_every_class(data):
    from layers.registry import CONTEXT_LAYERS
    from text.messages import CATALOGUE

    for spec in CONTEXT_LAYERS:
        layer = data.layer(spec.id)
        assert set(layer[spec.category_field]) <= {c.value for c in spec.categories}, spec.id
        keys = {spec.label_key} | {k for _, k in spec.tooltip + spec.popup} | {c.label_key for c in spec.categories}
        assert keys <= set(CATALOGUE), spec.id
