"""Print maps, atlas and report: official layout, standard scales, legend of what is drawn, labels that avoid
each other, literal text ($ is not mathtext), georeferenced PDF read back by GDAL, local tiles under the map."""

import io
import json
import re
import shutil
import subprocess
import warnings

import numpy as np
import pandas as pd
import pikepdf
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PatchCollection, PathCollection
from matplotlib.image import AxesImage
from PIL import Image

from gis.crs import to_metric
from gis.errors import CartographyError
from gis.scenario import Scenario, scenario_metrics
from layers.cartography import (
    LABEL_PT,
    SCALE_SERIES,
    Labeler,
    PrintSpec,
    _text_width_em,
    cjk_font_path,
    figure_bytes,
    fit_scale,
    format_scale,
    padded_extent,
    pdf_pages,
    place_labels,
    render,
    true_north_deg,
    wrap_text,
)
from layers.registry import METRO_LINES, ROADS, get_spec
from layers.reports import atlas, atlas_figures, context_frames, scenario_report, scenario_report_figures
from tiles.sources import TileSource


@pytest.fixture(scope="module")
def district_extent(data):
    return padded_extent(to_metric(data.district).geometry.iloc[0], margin=0.02)


@pytest.fixture(scope="module")
def s05_extent(data):
    return padded_extent(to_metric(data.subparks).set_index("id").geometry["S05"].buffer(300), margin=0.0)


def _render(data, extent, **kw):
    return render(
        context_frames(data), spec=PrintSpec(title="张江普陀园 14 个子园", subtitle="演示数据", **kw), extent_m=extent
    )


def _map(fig):
    return next(a for a in fig.axes if a.get_label() == "map")


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


@pytest.mark.parametrize(
    "paper,landscape,dpi,size_px",
    [("A4", True, 150, (1754, 1240)), ("A4", False, 300, (2480, 3508)), ("A3", True, 150, (2480, 1754))],
)
def test_png_has_requested_size_and_dpi(data, district_extent, paper, landscape, dpi, size_px):
    png = figure_bytes(_render(data, district_extent, paper=paper, landscape=landscape), fmt="png", dpi=dpi)
    img = Image.open(io.BytesIO(png))
    assert abs(img.size[0] - size_px[0]) <= 2 and abs(img.size[1] - size_px[1]) <= 2
    assert img.info["dpi"] == pytest.approx((dpi, dpi), abs=0.5)
    # not blank: plenty of distinct colours (layers, legend, text)
    assert len(np.unique(np.asarray(img.convert("RGB")).reshape(-1, 3)[::97], axis=0)) > 50


def test_chinese_text_uses_the_cjk_font_without_missing_glyphs(data, district_extent):
    assert "NotoSansCJK" in cjk_font_path()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdf = figure_bytes(_render(data, district_extent, grid=True), fmt="pdf")
    assert not [w for w in caught if "missing from" in str(w.message)]  # no tofu boxes
    assert b"NotoSansCJK" in pdf  # the CJK face is embedded in the PDF
    svg = figure_bytes(_render(data, district_extent), fmt="svg")
    assert svg.startswith(b"<?xml") and b"<svg" in svg


# --- scale, layout, legend ------------------------------------------------------------------------------
def test_scale_is_the_largest_standard_one_that_shows_the_extent(data, district_extent, s05_extent):
    assert fit_scale((0, 0, 9_000, 9_000), (180.0, 150.0)) == 100_000  # needs 1:60,000
    assert fit_scale((0, 0, 1_500, 1_000), (180.0, 150.0)) == 10_000
    assert fit_scale((0, 0, 1_500, 1_000), (180.0, 150.0), scale=25_000) == 25_000
    with pytest.raises(CartographyError, match="standard series"):
        fit_scale((0, 0, 1, 1), (100.0, 100.0), scale=12_345)
    assert format_scale(100_000) == "1:100 000"
    for extent in (district_extent, s05_extent):
        fig = _render(data, extent)
        ax = _map(fig)
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        assert x0 <= extent[0] and x1 >= extent[2] and y0 <= extent[1] and y1 >= extent[3]  # all of it shows
        width_mm = ax.get_position().width * fig.get_figwidth() * 25.4
        scale = (x1 - x0) / (width_mm / 1000)
        assert min(SCALE_SERIES, key=lambda s: abs(s - scale)) == pytest.approx(scale, rel=1e-9)
        assert any(format_scale(round(scale)) in text for text in _texts(fig))  # the numeric scale is printed
    fig = render(context_frames(data), spec=PrintSpec(title="x", scale=5_000), extent_m=s05_extent)
    ax = _map(fig)
    assert (ax.get_xlim()[1] - ax.get_xlim()[0]) / (
        ax.get_position().width * fig.get_figwidth() * 25.4
    ) == pytest.approx(5.0)  # 5 m per mm at 1:5,000


def test_the_maker_is_named_as_an_official_reads_it(data, district_extent):
    """The title block said "制图 local:root": a single-user maker reads 本机用户 root, a signed-in one by name."""
    fig = render(
        context_frames(data),
        extent_m=district_extent,
        spec=PrintSpec(title="张江普陀园", author="local:root", made="2026-12-07"),
    )
    texts = _texts(fig)
    assert any("本机用户 root" in s for s in texts) and not any("local:root" in s for s in texts)


def test_official_layout_has_frame_and_title_block(data, district_extent):
    fig = render(
        context_frames(data),
        extent_m=district_extent,
        spec=PrintSpec(title="张江普陀园", unit="普陀区科委", author="王工", made="2026-07-01"),
    )
    texts = _texts(fig)
    for label in ("图名", "制图单位", "制图日期", "数据来源", "坐标系", "比例尺"):
        assert label in texts
    assert "普陀区科委" in texts and any("2026-07-01" in s and "王工" in s for s in texts)
    assert "审图号" not in texts  # optional, printed when given
    sources = next(s for s in texts if "Vonng/adcode" in s)
    assert "OpenStreetMap contributors" in sources.replace("\n", " ")  # the ODbL credit for the drawn context
    paper = next(a for a in fig.axes if a.get_label() == "paper")
    assert max(p.get_linewidth() for p in paper.patches) >= 1.5  # the outer frame (图框)
    fig = render(
        context_frames(data, ("district",)),
        extent_m=district_extent,
        spec=PrintSpec(title="x", approval="沪S（2026）001号", lang="en"),
    )
    texts = _texts(fig)
    assert "Approval no." in texts and "沪S（2026）001号" in texts
    assert not any("OpenStreetMap" in s for s in texts)  # nothing from OSM drawn, no credit needed


def test_only_drawn_layers_and_classes_in_legend(data, district_extent, s05_extent):
    fig = render(
        [(get_spec("district"), data.district), (get_spec("stations"), data.stations)],
        spec=PrintSpec(title="x"),
        extent_m=district_extent,
    )
    labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert labels == ["地铁站", "普陀区界"]  # stations are context: drawn (and listed) under the park layers
    fig = render(context_frames(data), spec=PrintSpec(title="x"), extent_m=s05_extent)
    labels = {t.get_text() for legend in fig.legends for t in legend.get_texts()}
    (x0, x1), (y0, y1) = _map(fig).get_xlim(), _map(fig).get_ylim()
    view = shapely.box(x0, y0, x1, y1)
    lines_here = set(data.metro_lines.loc[to_metric(data.metro_lines).intersects(view).to_numpy(), "ref"])
    assert {f"{r}号线" for r in lines_here} <= labels and "1号线" not in labels and "高速公路" not in labels
    assert "14个子园" not in labels and ("南区块" in labels)  # classes, not whole layers


def test_roads_and_metro_lines_lie_under_the_park_and_stations_above_its_polygons(data, s05_extent):
    fig = render(context_frames(data), spec=PrintSpec(title="x"), extent_m=s05_extent)
    ax = _map(fig)
    park = [c.get_zorder() for c in ax.collections if isinstance(c, PatchCollection)]
    lines = [c.get_zorder() for c in ax.collections if isinstance(c, LineCollection)]  # roads, metro lines
    points = sorted(c.get_zorder() for c in ax.collections if isinstance(c, PathCollection))  # stations, carriers
    assert park and lines and max(lines) < min(park)
    # a candidate parcel never hides a station (岚皋路 was half covered); the park's own points stay on top
    assert points == [pytest.approx(3.6)] and max(park) < points[0] < 4  # carriers (4) would lie above them


# --- labels ----------------------------------------------------------------------------------------------
def test_labels_never_overlap(data, district_extent):
    fig = _render(data, district_extent)
    ax = _map(fig)
    placed = place_labels(ax, to_metric(data.subparks), "name_zh", fontsize=LABEL_PT)
    assert len(placed) == 14  # every sub-park labelled (by name, or by id where names would collide)
    x0, x1 = ax.get_xlim()
    m_per_pt = (x1 - x0) / (ax.get_position().width * fig.get_figwidth() * 72)
    h = LABEL_PT * 1.25 * m_per_pt
    boxes = [
        shapely.box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)
        for (x, y), text in placed
        for w in [_text_width_em(text) * LABEL_PT * m_per_pt]
    ]
    assert not any(boxes[i].intersects(boxes[j]) for i in range(len(boxes)) for j in range(i + 1, len(boxes)))


def test_labeler_avoids_symbols_and_each_other():
    lab = Labeler((0, 0, 1000, 1000), metres_per_pt=2.0)
    lab.add_obstacle(shapely.Point(500, 500).buffer(8))
    assert lab.point_label(500, 500, "曹杨路", pt=6, r_pt=3)
    assert lab.point_label(520, 500, "枫桥路", pt=6, r_pt=3)
    road = shapely.LineString([(50, 100), (950, 400)])
    assert lab.line_label(road, "中山北路", pt=6)
    assert not lab.line_label(shapely.LineString([(10, 10), (30, 12)]), "太短的路名", pt=6)  # no room: left out
    boxes = lab.boxes
    assert len(boxes) == 3
    assert not any(boxes[i].intersects(boxes[j]) for i in range(3) for j in range(i + 1, 3))
    assert not any(b.intersects(lab.obstacles[0]) for b in boxes)
    road_label = lab.placed[2]
    assert road_label["rotation"] == pytest.approx(np.degrees(np.arctan2(300, 900)), abs=0.5)  # along the road


def test_station_and_road_names_are_placed_without_collisions(data, s05_extent):
    fig = render(context_frames(data), spec=PrintSpec(title="新曹杨高新技术产业园"), extent_m=s05_extent)
    ax = _map(fig)
    labels = [t for t in ax.texts if t.get_zorder() == 9]
    texts = {t.get_text() for t in labels}
    assert {"曹杨路", "枫桥路"} <= texts  # stations
    assert any(t.get_rotation() != 0 for t in labels)  # a road name along its road
    renderer = FigureCanvasAgg(fig).get_renderer()
    flat = [t.get_window_extent(renderer).shrunk(0.97, 0.9) for t in labels if t.get_rotation() == 0]
    assert not any(flat[i].overlaps(flat[j]) for i in range(len(flat)) for j in range(i + 1, len(flat)))


def test_label_field_choice(data, s05_extent):
    by_id = render(
        context_frames(data, ("subparks",)), spec=PrintSpec(title="x", label_field="id"), extent_m=s05_extent
    )
    assert "S05" in {t.get_text() for t in _map(by_id).texts}
    by_en = render(context_frames(data, ("subparks",)), spec=PrintSpec(title="x", lang="en"), extent_m=s05_extent)
    assert "New Caoyang Hi-tech Park" in {t.get_text() for t in _map(by_en).texts}


def test_wrap_text_never_cuts_words_or_starts_with_punctuation():
    text = wrap_text("Demonstration data (schematic sub-parks, not official boundaries)；规划：普科委〔2021〕17号", 14)
    for line in text.split("\n"):
        assert _text_width_em(line) <= 15 and not line.startswith(("，", "；", "）", ")"))
    assert "schematic" in text.replace("\n", " ").split() or "(schematic" in text.replace("\n", " ")


# --- literal text -----------------------------------------------------------------------------------------
def test_dollar_signs_and_backslashes_print_literally(data, s05_extent):
    evil = r"$\cmd$ 园区 $x^2$ 100$ \frac{1}{2}"
    subparks = data.subparks.copy()
    subparks.loc[subparks["id"] == "S05", "name_zh"] = evil
    fig = render(
        [(get_spec("subparks"), subparks), (get_spec("stations"), data.stations)],
        extent_m=s05_extent,
        spec=PrintSpec(title=evil, subtitle=evil, unit=evil, author=evil, approval=evil, note=evil),
    )
    for fmt in ("png", "pdf", "svg"):
        assert figure_bytes(fig, fmt=fmt, dpi=60)
    texts = _texts(fig)
    assert evil in texts and evil in {t.get_text() for t in _map(fig).texts}
    report = scenario_report(
        data,
        scenario_name=evil,
        author=evil,
        metrics=_metrics(data),
        cards={"P060": _card(evil)},
        added_parcels=data.parcels[data.parcels["id"] == "P060"],
        weights={"transit": 1.0},
        lang="zh",
    )
    assert report.startswith(b"%PDF")


# --- georeferenced PDF ----------------------------------------------------------------------------------
def _gdalinfo(path: str) -> dict:
    assert shutil.which("gdalinfo"), "gdalinfo (Debian gdal-bin) is needed to read the geospatial PDF back"
    out = subprocess.run(["gdalinfo", "-json", path], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_georeferenced_pdf_is_read_by_gdal(data, s05_extent, tmp_path):
    fig = render(context_frames(data), spec=PrintSpec(title="新曹杨高新技术产业园"), extent_m=s05_extent)
    pdf = figure_bytes(fig, fmt="pdf", georef=True)
    path = tmp_path / "map.pdf"
    path.write_bytes(pdf)
    info = _gdalinfo(str(path))
    assert "CGCS2000" in info["coordinateSystem"]["wkt"] and "120E" in info["coordinateSystem"]["wkt"]
    gt = info["geoTransform"]
    ax = _map(fig)
    (x0, x1), y1 = ax.get_xlim(), ax.get_ylim()[1]
    dpi = info["size"][0] / fig.get_figwidth()  # GDAL rasterises the page at its default DPI
    res = (x1 - x0) / (ax.get_position().width * fig.get_figwidth() * dpi)
    assert gt[1] == pytest.approx(res, rel=1e-3) and gt[5] == pytest.approx(-res, rel=1e-3)
    assert abs(gt[2]) < 1e-3 and abs(gt[4]) < 1e-3
    # the map's corner lands where it is on the page
    assert gt[0] + ax.get_position().x0 * fig.get_figwidth() * dpi * gt[1] == pytest.approx(x0, abs=2 * res)
    assert gt[3] + (1 - ax.get_position().y1) * fig.get_figheight() * dpi * gt[5] == pytest.approx(y1, abs=2 * res)
    assert b"/Subtype /Image" not in pdf  # the map stays vector
    plain = figure_bytes(fig, fmt="pdf")
    with pikepdf.open(io.BytesIO(plain)) as doc:
        assert "/VP" not in doc.pages[0].obj  # georeferencing is an option


def test_every_atlas_page_is_georeferenced(data, tmp_path):
    pdf = atlas(data, ids=["S05", "N01"], kind="subparks", base=PrintSpec(title=""), georef=True)
    path = tmp_path / "atlas.pdf"
    path.write_bytes(pdf)
    origins = []
    for page in (1, 2):
        info = _gdalinfo(f"PDF:{page}:{path}")
        assert "CGCS2000" in info["coordinateSystem"]["wkt"]
        origins.append(info["geoTransform"][0])
    assert origins[0] != pytest.approx(origins[1])  # each page has its own map


# --- local tiles under the map ---------------------------------------------------------------------------
def test_print_map_draws_the_local_tile_package_with_its_attribution(data, s05_extent, tmp_path):
    from tests.test_tilesource import make_mbtiles

    with TileSource.open(make_mbtiles(tmp_path / "t.mbtiles", zooms=(13, 14))) as tiles:
        fig = render(context_frames(data), spec=PrintSpec(title="x"), extent_m=s05_extent, basemap=tiles)
    ax = _map(fig)
    images = [a for a in ax.get_children() if isinstance(a, AxesImage)]
    assert len(images) == 1 and images[0].get_zorder() < min(c.get_zorder() for c in ax.collections)
    assert any("© 测绘院" in s for s in _texts(fig))


# --- atlas and report -------------------------------------------------------------------------------------
def _metrics(data, parcels=("P060", "P061")):
    s = Scenario(name="报告测试", author="王", parcels=parcels)
    return scenario_metrics(s, data, data.parcels)


def _card(label="邻近园区"):
    return pd.DataFrame(
        {"准则": [label, "轨交可达"], "原始值": ["19 m", "953 m"], "权重": [20.0, 15.0], "贡献": [0.196, 0.068]}
    )


def test_atlas_pages_have_facts_overview_and_their_own_legend(data):
    figs = atlas_figures(data, ids=["S05", "N01"], kind="subparks", base=PrintSpec(title=""))
    assert len(figs) == 2
    texts = _texts(figs[0])
    assert "新曹杨高新技术产业园" in texts and "基本情况" in texts
    area = next(s for s in texts if "km²" in s and "公顷" in s and "亩" in s)
    km2 = float(area.split(" km²")[0])
    assert km2 == pytest.approx(to_metric(data.subparks).set_index("id").geometry["S05"].area / 1e6, abs=5e-4)
    assert any("曹杨路" in s and "号线" in s for s in texts)  # nearest stations with their lines
    assert any(a.get_label() == "overview" for a in figs[0].axes)
    legends = [{t.get_text() for lg in f.legends for t in lg.get_texts()} for f in figs]
    assert legends[0] != legends[1] and "北区块" in legends[1] and "北区块" not in legends[0]
    pages = atlas_figures(
        data,
        ids=["P060"],
        kind="parcels",
        base=PrintSpec(title="", lang="en"),
        scored=pd.DataFrame({"id": ["P060"], "score": [0.61], "rank": [3]}),
    )
    assert any("0.610 (3)" in s for s in _texts(pages[0]))


def test_pdf_page_counts_of_atlas_and_report(data):
    pdf = atlas(data, ids=list(data.subparks["id"][:3]), kind="subparks", base=PrintSpec(title="", paper="A4"))
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 3
    report = scenario_report(
        data,
        scenario_name="报告测试",
        author="王",
        metrics=_metrics(data),
        added_parcels=data.parcels[data.parcels["id"].isin(["P060", "P061"])],
        cards={"P060": _card(), "P061": _card()},
        weights={"adjacency": 0.5, "transit": 0.5},
        lang="zh",
    )
    assert len(re.findall(rb"/Type\s*/Page\b", report)) == 2  # the map; measures, weights and both cards


def test_report_marks_new_parcels_keeps_one_orientation_and_fills_pages(data):
    ids = [f"P{i:03d}" for i in range(1, 13)]
    figs = scenario_report_figures(
        data,
        scenario_name="方案",
        author="王",
        metrics=_metrics(data, tuple(ids)),
        added_parcels=data.parcels[data.parcels["id"].isin(ids)],
        cards={pid: _card() for pid in ids},
        weights={"adjacency": 0.6, "transit": 0.4},
        lang="zh",
    )
    assert {tuple(f.get_size_inches().round(3)) for f in figs} == {tuple(figs[0].get_size_inches().round(3))}
    assert figs[0].get_figwidth() > figs[0].get_figheight()
    ax = _map(figs[0])
    hatched = [c for c in ax.collections if isinstance(c, PatchCollection) and c.get_hatch()]
    assert len(hatched) == 1 and len(hatched[0].get_paths()) >= len(ids)  # the added parcels, hatched
    assert "方案新增地块" in {t.get_text() for lg in figs[0].legends for t in lg.get_texts()}
    assert "得分 0.6–0.8" not in _texts(figs[0])  # no score colours
    table_texts = [_texts(f) for f in figs[1:]]
    assert "指标" in table_texts[0] and "数值" in table_texts[0] and "评分权重" in table_texts[0]
    assert sum(len(t) for t in table_texts) / len(table_texts) > 60  # 12 cards over few, well-filled pages
    assert len(figs) <= 4


def test_every_pdf_renders_with_poppler(data, tmp_path):
    assert shutil.which("pdftoppm"), "pdftoppm (Debian poppler-utils) is needed to check the PDFs render"
    pdf = pdf_pages(atlas_figures(data, ids=["S07"], kind="subparks", base=PrintSpec(title="")), georef=True)
    (tmp_path / "a.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(tmp_path / "a.pdf"), str(tmp_path / "a")], check=True)
    png = next(tmp_path.glob("a*.png"))
    img = np.asarray(Image.open(png).convert("RGB"))
    assert img.shape[1] > img.shape[0] and len(np.unique(img.reshape(-1, 3), axis=0)) > 50


def test_true_north_from_meridian_convergence():
    # EPSG:4549 has its central meridian at 120E (x = 500,000 m): true north tilts west east of it.
    assert true_north_deg(500_000, 3_459_000) == pytest.approx(0.0, abs=1e-6)
    g = true_north_deg(632_000, 3_459_000)  # Putuo, ~121.39E 31.25N: about 1.39 deg x sin(31.25) = 0.72
    assert g == pytest.approx(0.72, abs=0.02)
    assert true_north_deg(400_000, 3_459_000) < 0


def test_errors(data):
    with pytest.raises(CartographyError, match="Empty map extent"):
        render(context_frames(data), spec=PrintSpec(title="x"), extent_m=(1, 1, 1, 1))
    with pytest.raises(CartographyError, match="Unknown paper"):
        PrintSpec(title="x", paper="B5").size_in()
    with pytest.raises(CartographyError, match="image format"):
        figure_bytes(_render(data, (630_000, 3_456_000, 633_000, 3_459_000)), fmt="gif")
    with pytest.raises(CartographyError, match="empty"):
        padded_extent(None)
    with pytest.raises(CartographyError, match="too large"):
        render(context_frames(data, ("district",)), spec=PrintSpec(title="x"), extent_m=(0, 0, 2e6, 2e6))
    assert ROADS.id == "roads" and METRO_LINES.id == "metro_lines"
