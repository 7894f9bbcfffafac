"""Print maps, atlas and report: requested size and DPI, page counts, the CJK font really used, true north."""

import io
import re
import warnings

import numpy as np
import pytest
from PIL import Image

from gis.crs import to_metric
from gis.scenario import Scenario, scenario_metrics
from layers.cartography import (CartographyError, PrintSpec, cjk_font_path, figure_bytes, padded_extent, render,
                                true_north_deg)
from layers.registry import get_spec
from layers.reports import atlas, context_frames, scenario_report


@pytest.fixture
def district_extent(data):
    return padded_extent(to_metric(data.district).geometry.iloc[0], margin=0.02)


def _render(data, extent, **kw):
    return render(context_frames(data), spec=PrintSpec(title="张江普陀园 14 个子园", subtitle="演示数据", **kw), extent_m=extent)


@pytest.mark.parametrize("paper,landscape,dpi,size_px", [("A4", True, 150, (1754, 1240)), ("A4", False, 300, (2480, 3508)),
                                                          ("A3", True, 150, (2480, 1754))])
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


def test_pdf_page_counts_of_atlas_and_report(data):
    base = PrintSpec(title="", paper="A4", landscape=True)
    pdf = atlas(data, ids=list(data.subparks["id"][:3]), kind="subparks", base=base)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 3
    s = Scenario(name="报告测试", author="王", parcels=("P060", "P061"))
    metrics = scenario_metrics(s, data, data.parcels)
    import pandas as pd

    card = pd.DataFrame({"准则": ["邻近园区"], "贡献": [0.1]})
    report = scenario_report(data, scenario_name=s.name, author=s.author, metrics=metrics,
                             added_parcels=data.parcels[data.parcels["id"].isin(s.parcels)].assign(score_class="c4"),
                             cards={"P060": card, "P061": card}, weights={"adjacency": 0.5, "transit": 0.5}, lang="zh")
    assert len(re.findall(rb"/Type\s*/Page\b", report)) == 4  # map, metrics, two score cards


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


def test_only_drawn_layers_in_legend(data):
    fig = render([(get_spec("district"), data.district), (get_spec("stations"), data.stations)],
                 spec=PrintSpec(title="x"), extent_m=padded_extent(to_metric(data.district).geometry.iloc[0]))
    labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert labels == ["普陀区界", "地铁站"]


def test_labels_never_overlap(data, district_extent):
    import shapely

    from layers.cartography import LABEL_PT, _text_width_em, place_labels

    fig = _render(data, district_extent)
    ax = fig.axes[0]
    placed = place_labels(ax, to_metric(data.subparks), "name_zh", fontsize=LABEL_PT)
    assert len(placed) == 14  # every sub-park labelled (by name, or by id where names would collide)
    x0, x1 = ax.get_xlim()
    m_per_pt = (x1 - x0) / (ax.get_position().width * fig.get_figwidth() * 72)
    h = LABEL_PT * 1.25 * m_per_pt
    boxes = [shapely.box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)
             for (x, y), text in placed for w in [_text_width_em(text) * LABEL_PT * m_per_pt]]
    assert not any(boxes[i].intersects(boxes[j]) for i in range(len(boxes)) for j in range(i + 1, len(boxes)))
