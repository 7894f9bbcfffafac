"""Compliance review against the 控规: hand-built parcels and sites in EPSG:4549 whose answers are known."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from gis.errors import RegulatoryError
from gis.landuse import load_landuse
from gis.regulatory import normalise_layer, review_proposals
from tests.conftest import PUTUO_X, PUTUO_Y

X, Y = PUTUO_X, PUTUO_Y
PARCEL_A = shapely.box(X, Y, X + 100, Y + 100)  # 10,000 m²
PARCEL_B = shapely.box(X + 100, Y, X + 200, Y + 100)  # east of A


@pytest.fixture(scope="module")
def codes():
    return load_landuse()


def layer(rows: list[dict], geoms: list[shapely.Geometry]) -> gpd.GeoDataFrame:
    """A layer as a bureau's file gives it: drawn in EPSG:4549, stored in EPSG:4326."""
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=4549).to_crs(4326)


def konggui(codes, *parcels: tuple[str, str, float, shapely.Geometry], **limits) -> gpd.GeoDataFrame:
    rows = [{"地块编号": pid, "用地代码": code, "容积率上限": far, **limits} for pid, code, far, _ in parcels]
    return normalise_layer(layer(rows, [g for *_, g in parcels]), kind="regulatory", codes=codes)


def proposal(
    codes, site: shapely.Geometry, *, code="100101", gfa=None, height=None, footprint=None, green=None
) -> gpd.GeoDataFrame:
    row = {
        "项目名称": "测试项目",
        "用地代码": code,
        "计容建筑面积": gfa,
        "建筑高度": height,
        "建筑基底面积": footprint,
        "绿地面积": green,
    }
    return normalise_layer(layer([row], [site]), kind="proposals", codes=codes)


LIMITS = {"容积率下限": 1.0, "建筑限高": 50, "建筑密度上限": 40, "绿地率下限": 30}


def review_one(codes, site, plan=None, **figures):
    plan = plan if plan is not None else konggui(codes, ("PT-01-01", "1001", 2.5, PARCEL_A), **LIMITS)
    return review_proposals(proposal(codes, site, **figures), plan, codes=codes)[0]


def test_a_site_exactly_at_every_limit_passes(codes):
    r = review_one(codes, PARCEL_A, gfa=25_000, height=50, footprint=4_000, green=3_000)
    assert r.passed and [c.rule for c in r.checks] == ["use", "far_max", "far_min", "height", "density", "green"]
    assert all(c.passed for c in r.checks)
    assert r.site_area_m2 == pytest.approx(10_000, abs=0.01)
    assert r.geodesic_area_m2 == pytest.approx(r.site_area_m2 / 1.00044, rel=2e-4)  # 4549's scale at Putuo
    assert r.max_gfa_m2 == pytest.approx(25_000, abs=0.1)
    far = r.check("far_max")
    assert (far.value, far.limit, far.margin, far.change) == (2.5, 2.5, 0.0, None)
    assert far.clause == "控规图则 PT-01-01 容积率上限" and far.parcels == ("PT-01-01",)


def test_just_over_every_limit_fails_and_says_what_would_comply(codes):
    r = review_one(codes, PARCEL_A, gfa=25_100, height=50.5, footprint=4_010, green=2_990)
    assert not r.passed
    far, height, density, green = (r.check(k) for k in ("far_max", "height", "density", "green"))
    assert (far.passed, far.value, far.margin, far.change) == (False, 2.51, -0.01, -100)
    assert (height.passed, height.change) == (False, pytest.approx(-0.5))
    assert (density.passed, density.value, density.change) == (False, 40.1, -10)
    assert (green.passed, green.value, green.change) == (False, 29.9, 10)
    assert r.check("use").passed and r.check("far_min").passed


def test_rounding_as_approval_documents_state_it(codes):
    """容积率 at 2 decimals: 2.504 reads 2.50 and complies; 2.506 reads 2.51 and does not."""
    assert review_one(codes, PARCEL_A, gfa=25_040).check("far_max").passed
    assert not review_one(codes, PARCEL_A, gfa=25_060).check("far_max").passed


def test_below_the_minimum_far_fails_with_the_floor_area_to_add(codes):
    low = review_one(codes, PARCEL_A, gfa=9_000).check("far_min")
    assert (low.passed, low.value, low.limit, low.change) == (False, 0.9, 1.0, 1_000)


def test_uses_same_code_sub_class_table_and_incompatible(codes):
    assert review_one(codes, PARCEL_A, code="1001", gfa=1e4).check("use").passed  # the same code
    assert review_one(codes, PARCEL_A, code="100103", gfa=1e4).check("use").passed  # a sub-class
    m0 = konggui(codes, ("PT-02", "M0", 3.0, PARCEL_A))
    assert review_one(codes, PARCEL_A, plan=m0, code="0802", gfa=1e4).check("use").passed  # the table
    shop = review_one(codes, PARCEL_A, code="0901", gfa=1e4)  # commerce on industrial land
    assert not shop.passed and not shop.check("use").passed and shop.max_gfa_m2 == 0
    assert shop.check("use").value == "0901" and shop.check("use").limit == "1001"
    parent = review_one(codes, PARCEL_A, code="10", gfa=1e4)  # the parent class is not the planned sub-class
    assert not parent.check("use").passed


def test_a_site_across_two_parcels_gets_the_summed_allowance_and_every_parcels_limits(codes):
    plan = konggui(codes, ("A", "1001", 2.0, PARCEL_A), ("B", "1001", 4.0, PARCEL_B))
    plan.loc[plan["parcel_id"] == "B", "height_max_m"] = 24.0
    plan.loc[plan["parcel_id"] == "A", "height_max_m"] = 60.0
    site = shapely.box(X + 50, Y, X + 150, Y + 100)  # 5,000 m² in each
    r = review_one(codes, site, plan=plan, gfa=30_000, height=30)
    assert r.max_gfa_m2 == pytest.approx(5_000 * 2.0 + 5_000 * 4.0, abs=0.5)
    assert r.check("far_max").limit == 3.0 and r.check("far_max").passed
    assert r.check("height").limit == 24.0 and not r.check("height").passed  # the stricter parcel's
    assert sorted(r.parcels) == ["A", "B"] and r.check("far_max").clause == "控规图则 A、B 容积率上限"


def test_a_sliver_under_one_percent_is_ignored_and_reported(codes):
    plan = konggui(codes, ("A", "1001", 2.0, PARCEL_A), ("B", "0901", 4.0, PARCEL_B))
    site = shapely.box(X + 0.5, Y, X + 100.5, Y + 100)  # 50 m² (0.5 %) of it in B, whose use would refuse it
    r = review_one(codes, site, plan=plan, gfa=20_000)
    assert list(r.parcels) == ["A"] and r.slivers == {"B": pytest.approx(50, abs=0.1)}
    assert r.passed and r.max_gfa_m2 == pytest.approx(20_000, abs=0.5)  # the sliver counts with A
    wider = review_one(codes, shapely.box(X + 2, Y, X + 102, Y + 100), plan=plan, gfa=20_000)  # 2 % in B
    assert sorted(wider.parcels) == ["A", "B"] and not wider.check("use").passed


def test_a_site_outside_every_parcel_is_refused(codes):
    with pytest.raises(RegulatoryError) as caught:
        review_one(codes, shapely.box(X + 500, Y, X + 600, Y + 100), gfa=1_000)
    assert caught.value.code == "reg_outside"
    assert "测试项目" in caught.value.text("zh") and "outside every regulatory-plan parcel" in caught.value.text("en")


def test_missing_figures_leave_the_review_undecided(codes):
    r = review_one(codes, PARCEL_A)
    assert not r.passed and r.check("far_max").passed is None and r.check("use").passed
    assert r.max_gfa_m2 == pytest.approx(25_000, abs=0.1)


def test_fields_are_recognised_in_chinese_and_english_and_bad_ones_refused(codes):
    english = layer([{"parcel_id": "E1", "landuse_code": "0802", "far_max": "3.5", "green_min_pct": "35%"}], [PARCEL_A])
    plan = normalise_layer(english, kind="regulatory", codes=codes)
    assert plan.loc[0, "far_max"] == 3.5 and plan.loc[0, "green_min_pct"] == 35.0
    with pytest.raises(RegulatoryError) as missing:
        normalise_layer(layer([{"编号": "x"}], [PARCEL_A]), kind="regulatory", codes=codes)
    assert "地块编号" in missing.value.text("zh") and "容积率上限" in missing.value.text("en")
    with pytest.raises(RegulatoryError) as bad:
        normalise_layer(
            layer([{"地块编号": "Q", "用地代码": "1001", "容积率上限": "两倍"}], [PARCEL_A]),
            kind="regulatory",
            codes=codes,
        )
    assert bad.value.code == "reg_bad_number" and "两倍" in bad.value.text("zh")
    with pytest.raises(RegulatoryError) as unknown:
        normalise_layer(
            layer([{"地块编号": "Q", "用地代码": "M9", "容积率上限": 1}], [PARCEL_A]), kind="regulatory", codes=codes
        )
    assert unknown.value.code == "reg_unknown_use" and "M9" in unknown.value.text("en")
    with pytest.raises(RegulatoryError) as point:
        normalise_layer(
            layer([{"地块编号": "Q", "用地代码": "1001", "容积率上限": 1}], [shapely.Point(X, Y)]),
            kind="regulatory",
            codes=codes,
        )
    assert point.value.code == "reg_not_polygon"


def test_the_code_tree_and_its_tables(codes):
    assert codes.name("0802", "zh") == "科研用地" and codes.name("100101", "en") == "Industrial land class 1"
    assert codes.ancestors("070101") == ["0701", "07"] and codes.is_known("M0") and not codes.is_known("M9")
    assert codes.agreement(planned="07", proposed="070103") == "subclass"
    assert codes.agreement(planned="M0", proposed="100101") == "table"
    assert codes.agreement(planned="100101", proposed="1001") is None


def test_the_bundled_demonstration_layer_loads_and_says_it_is_fictional(codes):
    from gis.io import read_layer
    from gis.settings import SETTINGS

    raw = read_layer(SETTINGS.data_dir / "regulatory" / "konggui.geojson")
    plan = normalise_layer(raw, kind="regulatory", codes=codes)
    assert len(plan) >= 71 and plan["parcel_id"].is_unique and (plan["far_max"] >= 0).all()
    assert raw["source"].str.contains("fictional").all() and raw["accuracy_zh"].str.contains("虚构").all()


def _cli(*args: str):
    import subprocess
    import sys

    from tests.live_app import ROOT

    return subprocess.run(
        [sys.executable, "-m", "gis", "review", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_the_command_line_reviews_with_the_same_rules_and_exit_codes(tmp_path, codes):
    import json

    plan = layer([{"地块编号": "PT-01-01", "用地代码": "1001", "容积率上限": 2.5, **LIMITS}], [PARCEL_A])
    plan.to_file(tmp_path / "konggui.geojson")
    good = {
        "项目名称": "甲",
        "用地代码": "100101",
        "计容建筑面积": 25_000,
        "建筑高度": 50,
        "建筑基底面积": 4_000,
        "绿地面积": 3_000,
    }
    layer([good], [PARCEL_A]).to_file(tmp_path / "good.geojson")
    layer([good, {**good, "项目名称": "乙", "计容建筑面积": 26_000}], [PARCEL_A, PARCEL_A]).to_file(
        tmp_path / "two.gpkg"
    )
    layer([good], [shapely.box(X + 900, Y, X + 1000, Y + 100)]).to_file(tmp_path / "far.geojson")
    konggui_path = str(tmp_path / "konggui.geojson")

    ok = _cli(str(tmp_path / "good.geojson"), "--regulatory", konggui_path, "--json")
    assert ok.returncode == 0, ok.stderr
    shown = json.loads(ok.stdout)["proposals"][0]
    assert shown["pass"] is True and shown["max_gfa_m2"] == pytest.approx(25_000, abs=1)
    assert [c["rule"] for c in shown["checks"]] == ["use", "far_max", "far_min", "height", "density", "green"]
    assert set(shown["checks"][1]) >= {"rule", "pass", "value", "limit", "unit", "clause"}

    two = _cli(str(tmp_path / "two.gpkg"), "--regulatory", konggui_path, "--lang", "en")
    assert two.returncode == 1 and "Reduce the floor area counted in the FAR by 1,000 m²" in two.stdout

    far = _cli(str(tmp_path / "far.geojson"), "--regulatory", konggui_path, "--json")
    assert far.returncode == 2 and json.loads(far.stdout)["error"]["code"] == "reg_outside"
    assert "Traceback" not in far.stderr


def test_floor_area_capacity_sums_each_parcels_allowance_and_the_park_share(codes):
    """A 200 × 100 m area across A (工业 1001, FAR 2.5) and B (留白 16, FAR 0): 25,000 m² allowed, half park land;
    an area outside the 控规 has no allowance and no coverage."""
    from gis.regulatory import floor_area_capacity, is_park_use

    plan = konggui(codes, ("A", "1001", 2.5, PARCEL_A), ("B", "16", 0.0, PARCEL_B))
    areas = layer(
        [{"id": "both"}, {"id": "a-half"}, {"id": "away"}],
        [
            shapely.box(X, Y, X + 200, Y + 100),
            shapely.box(X, Y, X + 50, Y + 100),
            shapely.box(X, Y + 500, X + 10, Y + 510),
        ],
    ).set_index("id")
    cap = floor_area_capacity(areas, plan, codes=codes)
    assert list(cap.index) == ["both", "a-half", "away"]
    assert cap.loc["both", "allowance_m2"] == pytest.approx(25_000, rel=1e-6)
    assert cap.loc["both", "park_use_share"] == pytest.approx(0.5, abs=1e-6)
    assert cap.loc["both", "covered_share"] == pytest.approx(1.0, abs=1e-6)
    assert cap.loc["a-half", "allowance_m2"] == pytest.approx(12_500, rel=1e-6)
    assert cap.loc["a-half", "codes"] == "1001"
    assert (cap.loc["away", "allowance_m2"], cap.loc["away", "covered_share"], cap.loc["away", "codes"]) == (0, 0, "")
    assert is_park_use("100101", codes=codes) and is_park_use("M0", codes=codes)
    assert not is_park_use("16", codes=codes) and not is_park_use("0701", codes=codes)


def test_the_clause_table_gives_every_rule_in_both_languages_and_refuses_bad_citations(tmp_path):
    import shutil

    from gis.landuse import TABLE_DIR, load_clauses
    from gis.regulatory import RULES

    clauses = load_clauses(rules=RULES)
    assert set(clauses) == set(RULES) and clauses["far_max"][0] == "控规图则 {parcels} 容积率上限"
    for name in ("landuse_codes.csv", "landuse_compatibility.csv"):
        shutil.copy(TABLE_DIR / name, tmp_path / name)
    table = (TABLE_DIR / "review_clauses.csv").read_text(encoding="utf-8")
    (tmp_path / "review_clauses.csv").write_text(table.replace("{parcels} 建筑限高", "{secret.__class__} 建筑限高"))
    with pytest.raises(RegulatoryError) as bad:
        load_clauses(tmp_path, rules=RULES)
    assert bad.value.code == "reg_clause_bad" and "height" in bad.value.text("en")
    (tmp_path / "review_clauses.csv").write_text("\n".join(table.splitlines()[:-1]) + "\n")  # no "green"
    with pytest.raises(RegulatoryError) as short:
        load_clauses(tmp_path, rules=RULES)
    assert short.value.code == "reg_clauses_missing" and "green" in short.value.text("zh")
