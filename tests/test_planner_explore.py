"""planner/explore.py directly: sub-park names and cards, the area tables, deep links, the home map spec."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import shapely

from gis.crs import to_metric
from gis.errors import UnknownFeatureError
from planner import explore
from planner.urls import fresh
from planner.urls import sign as _sign

BASEMAP = {"tiles": [], "datum": "wgs84"}


def test_subpark_names_and_deep_link_lookups(ds):
    zh, en = explore.subpark_names(ds, lang="zh"), explore.subpark_names(ds, lang="en")
    assert list(zh) == list(en) == [f"N0{i}" for i in range(1, 7)] + [f"S0{i}" for i in range(1, 9)]
    assert zh["N01"] == "桃浦智创城" and en["N01"] == "Taopu Smart City"
    # a ?parcel= link resolves only to a parcel the data set has (ids compared as text)
    assert explore.has_parcel(ds, "P001") and explore.has_parcel(ds, "P071")
    assert not explore.has_parcel(ds, "P999") and not explore.has_parcel(ds, "N01") and not explore.has_parcel(ds, "")


def test_area_tables_total_10_08_km2_in_epsg_4549(ds):
    before = ds.park.subparks.copy()
    for lang in ("zh", "en"):
        clusters, subparks = explore.area_tables(ds, lang=lang)
        total = subparks.iloc[-1]
        assert total.iloc[0] == "" and total.iloc[1] == ("合计" if lang == "zh" else "Total")
        assert total.iloc[3] == pytest.approx(10.08, abs=0.0005)
        assert total.iloc[4] == pytest.approx(1008.0, abs=0.05) and total.iloc[5] == 15120.0  # ha, mu (15 mu/ha)
        assert len(subparks) == 15 and clusters.iloc[:, 1].tolist() == [6, 8, 14]
        assert clusters.iloc[:, 2].tolist() == pytest.approx([4.77, 5.31, 10.08], abs=0.0005)
        assert clusters.iloc[:, 4].tolist() == ["47.3%", "52.7%", "100.0%"]
        assert subparks.iloc[:-1, 3].sum() == pytest.approx(10.08, abs=0.002)  # the rows add up to the total
    # the planar areas are the EPSG:4549 ones, measured independently here
    planar = shapely.area(to_metric(ds.park.subparks).geometry.to_numpy()).sum() / 1e6
    assert planar == pytest.approx(10.08, abs=0.0005)
    clusters_en, subparks_en = explore.area_tables(ds, lang="en")
    assert list(subparks_en.columns) == [
        "ID",
        "Name",
        "Cluster",
        "Area (km²)",
        "Area (ha)",
        "Area (mu)",
        "Declared area (km²)",
    ]
    declared = dict(zip(subparks_en["ID"], subparks_en["Declared area (km²)"]))
    assert declared["N02"] == "1.53" and declared["S01"] == "3.06" and declared["N01"] == "–"
    clusters_zh, subparks_zh = explore.area_tables(ds, lang="zh")
    assert clusters_zh.iloc[:, 0].tolist() == ["北区块", "南区块", "合计"]
    assert subparks_zh.iloc[0, 2] == "北区块" and subparks_zh.iloc[6, 2] == "南区块"
    assert ds.park.subparks.equals(before)


def test_subpark_card_in_both_languages(ds):
    en, zh = explore.subpark_card(ds, "N01", lang="en"), explore.subpark_card(ds, "N01", lang="zh")
    assert (en.id, en.name, en.cluster) == ("N01", "Taopu Smart City", "North cluster")
    assert (zh.name, zh.cluster) == ("桃浦智创城", "北区块")
    assert en.area == zh.area
    assert en.area.km2 == pytest.approx(2.04, abs=0.0005) and en.area.ha == pytest.approx(en.area.km2 * 100)
    assert en.area.mu == pytest.approx(en.area.ha * 15) and en.area.geodesic_km2 == pytest.approx(2.04, abs=0.003)
    assert en.area.declared_km2 is None
    assert explore.subpark_card(ds, "N02", lang="en").area.declared_km2 == pytest.approx(1.53)
    assert zh.positioning == "智能科技、智能制造研发、生命健康" and en.positioning != zh.positioning
    # the nearest stations, nearest first, with the headers in the language asked
    assert list(zh.stations.columns) == ["名称", "线路", "距离（米）"]
    dist = en.stations["Distance (m)"].tolist()
    assert dist == sorted(dist) and len(dist) >= 1
    assert list(en.buildings.columns) == ["Name", "Kind"] and len(en.buildings) == len(zh.buildings) > 0
    # layout shares: zone labels translated, shares in (0, 1] adding up to at most 1
    assert all(0 < share <= 1.0 + 1e-9 for _, share in en.zones)
    assert sum(s for _, s in en.zones) == pytest.approx(1.0, abs=0.01)
    assert not any(label.startswith("zone_") for label, _ in en.zones + zh.zones)


def test_subpark_card_of_an_unknown_id_names_the_expected_ones(ds):
    with pytest.raises(UnknownFeatureError) as err:
        explore.subpark_card(ds, "X99", lang="en")
    assert "X99" in err.value.text("en") and "N01" in err.value.text("en")
    assert "X99" in err.value.text("zh")


def _check_signed(url: str, version: str, layer: str, *, lang: str, datum: str) -> None:
    parts = urlparse(url)
    assert parts.path == f"/api/layer/{version}/{layer}"
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert params.pop("sig") == _sign(parts.path, params)
    assert fresh(params.pop("exp"))  # the URL expires, later than now
    assert params == {"lang": lang, "datum": datum}


def test_home_map_spec(ds):
    spec = explore.home_map(ds, lang="en", basemap=BASEMAP)
    ids = [ref["id"] for ref in spec["layers"]]
    assert ids == ["roads", "metro_lines", *explore.HOME_LAYERS]  # context under the park, park bottom to top
    for ref in spec["layers"]:
        _check_signed(ref["url"], ds.version, ref["id"], lang="en", datum="wgs84")
    by_id = {ref["id"]: ref for ref in spec["layers"]}
    assert not by_id["district"]["interactive"] and by_id["subparks"]["interactive"] and by_id["subparks"]["labels"]
    assert spec["map_key"] == "home" and spec["selected"] is None and spec["focus"] is None
    (s, w), (n, e) = spec["fit"]
    assert 31.1 < s < n < 31.4 and 121.2 < w < e < 121.5  # Putuo
    assert spec["legend"]["title"] == "Legend"
    assert not any(str(entry[0]).startswith(("legend_", "layer_")) for entry in spec["legend"]["entries"])


def test_home_map_selection_and_focus_do_not_leak_into_the_cached_map(ds):
    parcel = explore.home_map(ds, lang="zh", basemap=BASEMAP, selected_parcel="P001", focus_token="t1")
    assert parcel["selected"] == {"layer": "selection", "id": "P001"}
    assert parcel["layers"][-1]["id"] == "selection" and [f[0] for f in parcel["layers"][-1]["doc"]["f"]] == ["P001"]
    (s, w), (n, e) = parcel["focus"]["bounds"]
    assert parcel["focus"]["token"] == "t1" and s < n and w < e and (n - s) < 0.01  # one parcel, not the park
    plain = explore.home_map(ds, lang="zh", basemap=BASEMAP)
    assert "selection" not in [ref["id"] for ref in plain["layers"]] and plain["selected"] is None
    sub = explore.home_map(ds, lang="zh", basemap=BASEMAP, selected="N01")
    assert sub["selected"] == {"layer": "subparks", "id": "N01"} and sub["focus"] is None  # no token: no zoom
    # an unknown parcel selects nothing and zooms nowhere
    ghost = explore.home_map(ds, lang="zh", basemap=BASEMAP, selected_parcel="P999", focus_token="t2")
    assert ghost["selected"] is None and ghost["focus"] is None
    assert explore.parcel_focus(ds, "P999", token="t") is None


def test_home_map_on_a_gcj02_basemap_shifts_fit_and_urls(ds):
    wgs = explore.home_map(ds, lang="en", basemap=BASEMAP)
    gcj = explore.home_map(
        ds, lang="en", basemap={"tiles": [], "datum": "gcj02"}, basemap_datum="gcj02", selected="N01", focus_token="t"
    )
    _check_signed(gcj["layers"][0]["url"], ds.version, "roads", lang="en", datum="gcj02")
    (s0, w0), _ = wgs["fit"]
    (s1, w1), _ = gcj["fit"]
    # GCJ-02 lies about 500 m north-east of WGS84 in Shanghai: lat -0.002, lon +0.0045 or so
    assert -0.004 < s1 - s0 < 0 and 0.002 < w1 - w0 < 0.007
    assert gcj["focus"]["max_zoom"] == 16


def test_layer_inventory_and_invariants(ds):
    inv = explore.layer_inventory(ds, lang="en")
    counts = dict(zip(inv["File"], inv["Features"]))
    assert counts["boundaries/subparks.geojson"] == 14 and counts["parcels/parcels.geojson"] == 71
    assert counts["boundaries/district.geojson"] == 1
    assert explore.invariant_texts(ds, lang="en") == [] and explore.invariant_texts(ds, lang="zh") == []
