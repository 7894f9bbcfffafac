"""A lint of the print layout, run on every print product in both languages: no label covers a symbol (a station,
a carrier, a hatched parcel the scenario adds), no symbol is hidden under a layer drawn above it, and every code
shown on a map (an id instead of a name) has a key entry on the same sheet."""

import re

import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PatchCollection, PathCollection
from matplotlib.patches import Patch

import layers.evaluation_report as er
from gis.crs import to_metric
from gis.scenario import Scenario, scenario_metrics
from layers.cartography import PrintSpec, padded_extent, render
from layers.reports import Block, atlas_figures, context_frames, scenario_report_figures

#: A label that is a code: a short letter prefix and digits (N03, P016, 100101).
CODE = re.compile(r"[A-Za-z]{0,2}\d{2,}")


def _axes(fig, name):
    return next(a for a in fig.axes if a.get_label() == name)


def _text_shape(text, renderer) -> shapely.Polygon:
    """The text's box on the canvas (pixels), turned with the text about its anchor."""
    angle = text.get_rotation()
    text.set_rotation(0)
    bb = text.get_window_extent(renderer)
    text.set_rotation(angle)
    box = shapely.box(bb.x0 + 0.5, bb.y0 + 0.5, bb.x1 - 0.5, bb.y1 - 0.5)  # anti-aliasing is no overlap
    anchor = text.get_transform().transform(text.get_position())
    return shapely.affinity.rotate(box, angle, origin=tuple(anchor)) if angle else box


def _symbols(fig, ax):
    """Point symbols inside the map: (disk on the canvas, z-order)."""
    out = []
    for c in ax.collections:
        if not isinstance(c, PathCollection):
            continue
        xy = c.get_offset_transform().transform(c.get_offsets())
        radii = np.broadcast_to(np.sqrt(c.get_sizes()) / 2 * fig.dpi / 72, len(xy))
        for (x, y), r in zip(xy, radii):
            if ax.bbox.contains(x, y):
                out.append((shapely.Point(x, y).buffer(r), c.get_zorder()))
    return out


def _covers(fig, ax):
    """Filled shapes drawn in the map (polygon layers, the north arrow): (shape on the canvas, z-order, hatched)."""
    out = []
    for c in [*ax.collections, *ax.patches]:
        if isinstance(c, PathCollection) or not isinstance(c, PatchCollection | Patch):
            continue
        faces = np.asarray(c.get_facecolor() if isinstance(c, PatchCollection) else [c.get_facecolor()])
        if faces.size == 0 or faces.reshape(-1, 4)[:, 3].max() < 0.05:
            continue
        paths = c.get_paths() if isinstance(c, PatchCollection) else [c.get_path()]
        transform = c.get_transform() if not isinstance(c, PatchCollection) else ax.transData
        for path in paths:
            for ring in path.to_polygons(transform=transform):
                if len(ring) >= 4:
                    out.append((shapely.make_valid(shapely.Polygon(ring)), c.get_zorder(), bool(c.get_hatch())))
    return out


def layout_faults(fig) -> list[str]:
    """What is wrong with a print page's layout (empty: nothing)."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax = _axes(fig, "map")
    faults = []
    labels = [x for x in ax.texts if x.get_label() != "halo" and x.get_text().strip()]
    symbols = _symbols(fig, ax)
    covers = _covers(fig, ax)
    hatched = [shape for shape, _, h in covers if h]
    for label in labels:
        shape = _text_shape(label, renderer)
        for disk, _ in symbols:
            if shape.intersects(disk):
                faults.append(f"label {label.get_text()!r} covers a point symbol")
        for parcel in hatched:
            if shape.intersection(parcel).area > 1.0:
                faults.append(f"label {label.get_text()!r} covers a hatched parcel")
    for disk, z in symbols:
        for shape, cz, _ in covers:
            if cz > z and shape.contains(disk.centroid):
                faults.append(f"a point symbol (z {z}) lies under a shape drawn above it (z {cz})")
    paper = " \n ".join(x.get_text() for x in _axes(fig, "paper").texts)
    for label in labels:
        code = label.get_text()
        if CODE.fullmatch(code) and not _keyed(code, paper):
            faults.append(f"code {code!r} has no key entry on the sheet")
    return faults


def _keyed(code: str, paper: str) -> bool:
    """The sheet explains ``code``: it appears beside other words, or within a range "P015–P061" of the key."""
    if re.search(rf"(?<![\w–]){re.escape(code)}(?![\w–])", paper):
        return True
    prefix, number = re.fullmatch(r"([A-Za-z]*)(\d+)", code).groups()
    ranges = re.findall(rf"{prefix}(\d+)–{prefix}(\d+)", paper)
    return any(int(lo) <= int(number) <= int(hi) for lo, hi in ranges)


# --- the products ----------------------------------------------------------------------------------------------
def _print_map(data, lang):
    park = to_metric(data.subparks).geometry.union_all()
    spec = PrintSpec(title="张江普陀园" if lang == "zh" else "Putuo Park", lang=lang, grid=True)
    return [render(context_frames(data), spec=spec, extent_m=padded_extent(park, margin=0.04))]


def _atlas(data, lang):
    base = PrintSpec(title="", lang=lang)
    return atlas_figures(data, ids=["S05", "N03"], kind="subparks", base=base) + atlas_figures(
        data, ids=["P015"], kind="parcels", base=base
    )


def _report(data, lang):
    ids = ("P015", "P016", "P023", "P060", "P061")
    scenario = Scenario(name="方案", author="王工", parcels=ids)
    return scenario_report_figures(
        data,
        scenario_name="方案",
        author="王工",
        metrics=scenario_metrics(scenario, data, data.parcels),
        added_parcels=data.parcels[data.parcels["id"].isin(ids)],
        cards={},
        weights={"subpark_proximity": 1.0},
        lang=lang,
    )[:1]


def _evaluation(data, lang, monkeypatch):
    kept = []
    monkeypatch.setattr(er, "pdf_pages", lambda figures: kept.extend(figures) or b"")
    chart = pd.DataFrame(
        {
            "indicator": ["a"] * 4,
            "year": [2019, 2020] * 2,
            "index": [100.0, 110.0, 100.0, 120.0],
            "kind": ["x", "x", "y", "y"],
        }
    )
    table = Block("t", pd.DataFrame({"k": ["v"]}), (1.0,))
    er.evaluation_report(data, title="终期评估", facts=[("a", "b")], chart=chart, blocks=[table], lang=lang)
    return kept[:1]


def _review(lang, monkeypatch):
    from planner import review as rv
    from planner.data import folder_dataset

    kept = []
    monkeypatch.setattr(rv, "pdf_pages", lambda figures: kept.extend(figures) or b"")
    plan, proposals = rv.bundled_regulatory(), rv.demo_proposals()
    run = rv.run_review(proposals, plan)
    for i in range(min(3, len(proposals))):
        rv.review_sheet(folder_dataset(), plan, proposals, run, i, lang=lang)
    return [f for f in kept if any(a.get_label() == "map" for a in f.axes)]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("product", ["print_map", "atlas", "report", "evaluation", "review"])
def test_no_print_product_breaks_the_layout_rules(data, monkeypatch, product, lang):
    figures = {
        "print_map": lambda: _print_map(data, lang),
        "atlas": lambda: _atlas(data, lang),
        "report": lambda: _report(data, lang),
        "evaluation": lambda: _evaluation(data, lang, monkeypatch),
        "review": lambda: _review(lang, monkeypatch),
    }[product]()
    assert figures
    for n, fig in enumerate(figures, 1):
        faults = layout_faults(fig)
        assert not faults, f"{product} ({lang}) page {n}: {len(faults)} faults: {faults[:6]}"


def test_the_lint_finds_what_it_looks_for(data):
    """The lint itself: a label on a station, a station under a parcel and a code without key are found."""
    park = to_metric(data.subparks).geometry.union_all()
    fig = render(context_frames(data), spec=PrintSpec(title="x"), extent_m=padded_extent(park, margin=0.04))
    ax = _axes(fig, "map")
    station = next(c for c in ax.collections if isinstance(c, PathCollection))
    x, y = station.get_offsets()[0]
    ax.text(x, y, "A LABEL ON A STATION", zorder=9)
    ax.text(x + 5000, y, "Q77", zorder=9)
    station.set_zorder(1.6)  # as the stations were drawn before: under the parcels
    faults = layout_faults(fig)
    assert any("covers a point symbol" in f for f in faults)
    assert any("'Q77' has no key entry" in f for f in faults)
    assert any("lies under a shape drawn above it" in f for f in faults)
