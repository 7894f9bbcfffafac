"""Print products as a colleague reads them: roads as lines, names that are real text in the PDF and the SVG, a key
for every code, Beijing dates, the grid the title block names, report tables in one form, a legend from the data."""

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import pikepdf
import pytest
import shapely
from matplotlib.lines import Line2D

import layers.cartography as carto
import text.clock as clock
from gis.crs import to_metric
from gis.lines import merge_lines
from gis.scenario import Scenario, scenario_metrics
from layers.cartography import PrintSpec, figure_bytes, padded_extent, render
from layers.reports import (
    atlas_figures,
    card_table,
    context_frames,
    decimals_column,
    percent_text,
    scenario_report_figures,
)
from text.messages import t

POPPLER = "poppler-utils is missing: run `bash scripts/setup.sh --dev`"


def _map(fig):
    return next(a for a in fig.axes if a.get_label() == "map")


def _paper(fig):
    return next(a for a in fig.axes if a.get_label() == "paper")


def map_labels(fig) -> list[str]:
    """Every label the map draws (feature, station and road names, the north arrow), once each (not the halos)."""
    return [x.get_text() for x in _map(fig).texts if x.get_label() != "halo" and x.get_text().strip()]


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def park_extent(data):
    return padded_extent(to_metric(data.subparks).geometry.union_all(), margin=0.04)


# --- roads ---------------------------------------------------------------------------------------------------
def test_a_road_cut_into_pieces_is_joined_and_its_two_carriageways_stay_apart():
    # one road along y = 0 in three pieces with 60 m gaps, its other carriageway 12 m north, drawn the other way
    east = [shapely.LineString([(x, 0), (x + 40, 0)]) for x in (0, 100, 200)]
    west = [shapely.LineString([(x + 40, 12), (x, 12)]) for x in (0, 100, 200)]
    road = gpd.GeoDataFrame({"name_zh": ["沪嘉高速"] * 6}, geometry=east + west, crs="EPSG:4549")
    merged = merge_lines(road, by=["name_zh"])
    parts = shapely.get_parts(merged.geometry.iloc[0])
    assert len(merged) == 1 and len(parts) == 2  # one line per carriageway
    assert sorted(round(p.length) for p in parts) == [240, 240]
    assert all(abs(np.ptp(np.asarray(p.coords)[:, 1])) < 1e-9 for p in parts)  # never joined across
    # a crossing road of another name is not joined to it; a lone dot is dropped only when asked
    other = gpd.GeoDataFrame(
        {"name_zh": ["真北路", "断头路"]},
        geometry=[shapely.LineString([(120, -5), (120, 30)]), shapely.LineString([(500, 0), (510, 0)])],
        crs=road.crs,
    )
    assert len(merge_lines(pd.concat([road, other]), by=["name_zh"])) == 3
    both = merge_lines(pd.concat([road, other]), by=["name_zh"], min_piece_m=30.0)
    assert sorted(both["name_zh"]) == ["沪嘉高速", "真北路"]
    assert len(shapely.get_parts(both.set_index("name_zh").geometry["真北路"])) == 1


def test_the_bundled_roads_print_as_lines_not_strings_of_dots(data):
    before = shapely.get_parts(to_metric(data.roads).geometry.to_numpy())
    merged = merge_lines(data.roads, by=["kind", "name_zh", "name_en"])
    after = shapely.get_parts(merged.geometry.to_numpy())
    assert (shapely.length(before) < 50).sum() == 325  # the count
    assert (shapely.length(after) < 50).sum() < 0.65 * 325
    hujia = merged[merged["name_zh"] == "沪嘉高速"].geometry.iloc[0]
    assert len(shapely.get_parts(hujia)) <= 12  # was 49 pieces
    assert abs(shapely.length(after).sum() - shapely.length(before).sum()) / shapely.length(before).sum() < 0.2


def test_a_print_map_draws_each_road_as_few_round_capped_lines(data, park_extent):
    from matplotlib.collections import LineCollection

    fig = render(context_frames(data, ("roads",)), spec=PrintSpec(title="x", labels=False), extent_m=park_extent)
    lines = [c for c in _map(fig).collections if isinstance(c, LineCollection) and c.get_zorder() == 1.2]
    segments = sum(len(c.get_segments()) for c in lines)
    assert lines and segments < 500  # 923 pieces before
    for c in lines:
        assert c.get_capstyle() == "round" and c.get_joinstyle() == "round"
    pieces = [shapely.LineString(s) for c in lines for s in c.get_segments()]
    tree = shapely.STRtree(pieces)
    (x0, x1), (y0, y1) = _map(fig).get_xlim(), _map(fig).get_ylim()
    view = shapely.box(x0, y0, x1, y1)
    dots = [
        p
        for i, p in enumerate(pieces)
        if p.length < 50 and view.contains(p) and len(tree.query(p, predicate="dwithin", distance=1.0)) == 1
    ]
    assert not dots  # at 1:50 000 a lone piece under 1.5 mm (75 m) on paper is a dot: left out


# --- labels are text -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_label_of_the_print_map_is_text_in_the_pdf_and_the_svg(data, park_extent, tmp_path, lang):
    assert shutil.which("pdftotext"), POPPLER
    title = "张江普陀园 14 个子园" if lang == "zh" else "Zhangjiang Putuo Park: 14 sub-parks"
    fig = render(context_frames(data), spec=PrintSpec(title=title, lang=lang, grid=True), extent_m=park_extent)
    labels = map_labels(fig)
    subparks = set(data.subparks["name_zh" if lang == "zh" else "name_en"]) | set(data.subparks["id"])
    stations = set(data.stations["name_zh" if lang == "zh" else "name_en"])
    assert len([x for x in labels if x in subparks]) >= 14 and len([x for x in labels if x in stations]) > 30
    path = tmp_path / "map.pdf"
    path.write_bytes(figure_bytes(fig, fmt="pdf"))
    pdf_text = _squash(subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True).stdout)
    missing = [x for x in [*labels, title] if _squash(x) not in pdf_text]
    assert not missing, f"{len(missing)} of {len(labels) + 1} labels are not in the PDF's text: {missing[:8]}"
    svg = ET.fromstring(figure_bytes(fig, fmt="svg"))
    svg_texts = {_squash("".join(e.itertext())) for e in svg.iter("{http://www.w3.org/2000/svg}text")}
    missing = [x for x in [*labels, title] if _squash(x) not in svg_texts]
    assert not missing, f"{len(missing)} labels are not <text> in the SVG: {missing[:8]}"
    assert "Noto Sans CJK SC" in figure_bytes(fig, fmt="svg").decode()  # the font the text names


def test_halos_stay_under_their_labels_and_are_no_second_text(data, park_extent):
    fig = render(context_frames(data), spec=PrintSpec(title="x"), extent_m=park_extent)
    texts = _map(fig).texts
    halos = [x for x in texts if x.get_label() == "halo"]
    assert halos and len(halos) == len([x for x in texts if x.get_label() != "halo"])
    for halo in halos:
        assert halo.get_path_effects() and halo.get_color() == "white"
    assert all(not x.get_path_effects() for x in texts if x.get_label() != "halo")


# --- codes and their key, stations over parcels -----------------------------------------------------------------
def test_every_code_shown_instead_of_a_name_has_a_key_entry(data, park_extent):
    fig = render(context_frames(data), spec=PrintSpec(title="x", lang="en"), extent_m=park_extent)
    names = dict(zip(data.subparks["id"], data.subparks["name_en"]))
    codes = [x for x in map_labels(fig) if x in names]
    assert codes, "the English sub-park names do not all fit at 1:50 000: some are shown as codes"
    paper = [x.get_text() for x in _paper(fig).texts]
    assert t("print_key", "en") in paper
    for code in codes:
        assert code in paper and names[code] in "\n".join(paper).replace("\n", " ")


# --- maker and dates --------------------------------------------------------------------------------------------
def test_the_maker_is_the_display_name_and_every_date_is_beijing_time(data, park_extent, monkeypatch, tmp_path):
    evening = datetime(2026, 12, 6, 20, 30, tzinfo=UTC)  # 04:30 on 7 December in Beijing
    monkeypatch.setattr(clock, "utc_now", lambda: evening)
    monkeypatch.setattr(carto, "utc_now", lambda: evening)
    fig = render(context_frames(data), spec=PrintSpec(title="x", author="local:root"), extent_m=park_extent)
    block = " ".join(x.get_text() for x in _paper(fig).texts)
    assert "2026-12-07" in block and "2026-12-06" not in block
    assert "local:" not in block and "本机用户 root" in block
    with pikepdf.open(__import__("io").BytesIO(figure_bytes(fig, fmt="pdf"))) as doc:
        assert str(doc.docinfo["/CreationDate"]) == "D:20261207043000+08'00'"
    svg = figure_bytes(fig, fmt="svg").decode()
    assert "2026-12-07T04:30:00+08:00" in svg


# --- the grid the title block names, the 审图号 row ---------------------------------------------------------------
def _grid_lines(fig):
    return [ln for ln in _map(fig).lines if isinstance(ln, Line2D) and ln.get_linestyle() == "--"]


def test_atlas_and_report_maps_draw_the_km_grid_they_name(data):
    page = atlas_figures(data, ids=["S05"], kind="subparks", base=PrintSpec(title=""))[0]
    paper = [x.get_text() for x in _paper(page).texts]
    assert "格网单位km" in _squash(" ".join(paper)) and len(_grid_lines(page)) >= 4
    row = paper.index(t("print_tb_approval", "zh"))
    assert paper[row + 1] == "—"  # no number configured
    plain = render(
        context_frames(data),
        spec=PrintSpec(title="x", grid=False),
        extent_m=padded_extent(to_metric(data.subparks).geometry.union_all()),
    )
    assert not _grid_lines(plain) and "格网" not in " ".join(x.get_text() for x in _paper(plain).texts)


def test_the_configured_approval_number_is_printed(data, monkeypatch):
    monkeypatch.setenv("PUTUO_MAP_APPROVAL", "沪S（2026）001号\x07")
    page = atlas_figures(data, ids=["S05"], kind="subparks", base=PrintSpec(title=""))[0]
    assert "沪S（2026）001号" in [x.get_text() for x in _paper(page).texts]


# --- the scenario report --------------------------------------------------------------------------------------------
def test_report_numbers_have_one_form_per_column():
    assert percent_text(0.2) == "20%" and percent_text(0.125) == "12.5%" and percent_text(1 / 3) == "33.3%"
    assert decimals_column([0.2, 0.195, 1.0, 0.0]) == ["0.200", "0.195", "1.000", "0.000"]
    assert decimals_column([1.0, 0.5, "–"]) == ["1.0", "0.5", "–"]
    card = pd.DataFrame(
        {
            t("f_criterion", "zh"): ["邻近园区", "轨交可达"],
            t("f_raw", "zh"): ["437 米", "43,604 m²（4.36 公顷）"],
            t("f_norm", "zh"): [0.563, 0.2],
            t("f_weight", "zh"): [20.0, 12.5],
            t("f_contrib", "zh"): [0.113, 0.2],
        }
    )
    out = card_table(card, "zh")
    assert list(out[t("f_raw", "zh")]) == ["437 m", "43,604 m²（4.36 公顷）"]
    assert list(out[t("f_norm", "zh")]) == ["0.563", "0.200"]
    assert list(out[t("f_weight", "zh")]) == ["20%", "12.5%"]
    assert list(out[t("f_contrib", "zh")]) == ["0.113", "0.200"]


def test_the_report_map_labels_the_added_parcels_beside_them_with_leader_lines(data):
    ids = ["P015", "P016", "P023", "P060", "P061"]
    added = data.parcels[data.parcels["id"].isin(ids)]
    sc = Scenario(name="方案", parcels=tuple(ids))
    figures = scenario_report_figures(
        data,
        scenario_name="方案",
        author="王工",
        metrics=scenario_metrics(sc, data, data.parcels),
        added_parcels=added,
        cards={},
        weights={"subpark_proximity": 0.2},
        lang="zh",
    )
    ax = _map(figures[0])
    shapes = to_metric(added).set_index("id").geometry
    placed = {x.get_text(): x for x in ax.texts if x.get_label() != "halo" and x.get_text() in ids}
    assert sorted(placed) == sorted(ids)
    for pid, text in placed.items():
        x, y = text.get_position()
        assert not shapes[pid].buffer(1.0).contains(shapely.Point(x, y)), f"{pid} sits on its hatching"
    assert len([ln for ln in ax.lines if len(ln.get_xdata()) == 2 and ln.get_linewidth() < 0.5]) >= len(ids)


# --- the offline HTML ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_offline_html_legend_lists_only_lines_in_the_data(lang):
    import json

    from planner.data import folder_dataset
    from planner.export_jobs import offline_html

    ds = folder_dataset()
    html = offline_html(ds, lang=lang).decode()
    spec = json.loads(
        html.rsplit("PlannerMap(document.getElementById('map')).update(", 1)[1].split(");</script>", 1)[0]
    )
    labels = [e[0] for e in spec["legend"]["entries"]]
    refs = set(ds.layer("metro_lines")["ref"].astype(str))
    named = {m.group(1) or m.group(2) for label in labels for m in [re.fullmatch(r"(\d+)号线|Line (\d+)", label)] if m}
    assert named <= refs
    for ref in ("5", "6", "16", "18"):
        assert ref not in refs and f"{ref}号线" not in labels and f"Line {ref}" not in labels
