"""The layer registry: how each layer looks (style, legend, tooltip/popup fields, visibility, order)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from text.messages import t

NORTH = "#2b6cb0"
SOUTH = "#c53030"

#: Official colours of the Shanghai Metro lines (the operator's line colours), by line ref.
METRO_COLOURS: dict[str, str] = {
    "1": "#E4002B",
    "2": "#97D700",
    "3": "#FFD100",
    "4": "#5F259F",
    "5": "#AC4FC6",
    "6": "#D9027D",
    "7": "#FF6900",
    "8": "#00A3E0",
    "9": "#71C5E8",
    "10": "#C1A7E2",
    "11": "#76232F",
    "12": "#007B5F",
    "13": "#EF95CF",
    "14": "#827A04",
    "15": "#BBA786",
    "16": "#2CD5C4",
    "17": "#C09C83",
    "18": "#D6A461",
}


@dataclass(frozen=True)
class Category:
    """One class of a categorised layer: the attribute value, its legend label key and its style."""

    value: str
    label_key: str
    style: dict


@dataclass(frozen=True)
class LayerSpec:
    """How one layer is drawn on the web map and on print maps.

    ``style`` holds Leaflet path options (color, weight, opacity, fillColor, fillOpacity, dashArray); a point
    layer also uses ``radius`` (px); ``hatch`` (a matplotlib hatch such as ``"////"``) is for print maps.
    Field names in ``tooltip``/``popup`` resolve to ``<field>_<lang>`` when the
    layer has such a column (``name`` -> ``name_zh``), else to the field itself.
    """

    id: str
    label_key: str
    kind: str  # "polygon" | "line" | "point"
    style: dict
    tooltip: tuple[tuple[str, str], ...]
    popup: tuple[tuple[str, str], ...]
    visible: bool = True
    category_field: str | None = None
    categories: tuple[Category, ...] = field(default_factory=tuple)

    def label(self, lang: str) -> str:
        return t(self.label_key, lang)

    def style_for(self, value: str | None) -> dict:
        """The full style of a feature whose category attribute is ``value``."""
        for cat in self.categories:
            if cat.value == value:
                return {**self.style, **cat.style}
        return dict(self.style)

    def legend_entries(self, lang: str, *, values: Collection[str] | None = None) -> list[tuple[str, dict]]:
        """(label, style) pairs for the legend: one per category, or one for the layer.

        ``values``: only the categories with these values (those actually drawn); None for all.
        """
        if self.categories:
            return [
                (t(c.label_key, lang), self.style_for(c.value))
                for c in self.categories
                if values is None or c.value in values
            ]
        return [(self.label(lang), dict(self.style))]


_SUBPARK_FIELDS = (("name", "f_name"), ("id", "f_id"), ("industries", "f_industries"))

#: Layers in draw order (first drawn at the bottom).
REGISTRY: tuple[LayerSpec, ...] = (
    LayerSpec(
        "district",
        "layer_district",
        "polygon",
        {"color": "#1a202c", "weight": 2.5, "fill": False, "fillOpacity": 0.0},
        tooltip=(("name", "f_name"),),
        popup=(("name", "f_name"), ("source", "f_source"), ("accuracy", "f_accuracy")),
    ),
    LayerSpec(
        "zones",
        "layer_zones",
        "polygon",
        {"color": "#718096", "weight": 1, "fillOpacity": 0.18, "dashArray": "4 4"},
        tooltip=(("name", "f_name"),),
        popup=(("name", "f_name"), ("source", "f_source"), ("accuracy", "f_accuracy")),
        category_field="id",
        categories=(
            Category("belt", "zone_belt", {"color": "#3182ce", "fillColor": "#63b3ed"}),
            Category("core", "zone_core", {"color": "#dd6b20", "fillColor": "#f6ad55"}),
            Category("city", "zone_city", {"color": "#38a169", "fillColor": "#68d391"}),
        ),
    ),
    LayerSpec(
        "clusters",
        "layer_clusters",
        "polygon",
        {"color": "#4a5568", "weight": 3, "fill": False, "fillOpacity": 0.0, "dashArray": "8 6"},
        tooltip=(("name", "f_name"),),
        popup=(("name", "f_name"), ("n_subparks", "f_count")),
        visible=False,
        category_field="id",
        categories=(
            Category("north", "cluster_north", {"color": NORTH}),
            Category("south", "cluster_south", {"color": SOUTH}),
        ),
    ),
    LayerSpec(
        "subparks",
        "layer_subparks",
        "polygon",
        {"color": "#2d3748", "weight": 1.5, "fillOpacity": 0.55},
        tooltip=_SUBPARK_FIELDS,
        popup=_SUBPARK_FIELDS + (("carriers", "f_carriers"), ("accuracy", "f_accuracy")),
        category_field="cluster",
        categories=(
            Category("north", "cluster_north", {"fillColor": NORTH}),
            Category("south", "cluster_south", {"fillColor": SOUTH}),
        ),
    ),
    LayerSpec(
        "parcels",
        "layer_parcels",
        "polygon",
        {"color": "#6b46c1", "weight": 1.5, "fillColor": "#b794f4", "fillOpacity": 0.35},
        tooltip=(("name", "f_name"), ("current_use", "f_use")),
        popup=(
            ("name", "f_name"),
            ("current_use", "f_use"),
            ("status", "f_status"),
            ("area_ha", "f_area_ha"),
            ("plot_ratio", "f_plot_ratio"),
            ("potential_floor_area_m2", "f_potential_floor"),
            ("accuracy", "f_accuracy"),
        ),
    ),
    LayerSpec(
        "buildings",
        "layer_buildings",
        "point",
        {"color": "#ffffff", "weight": 1.5, "fill": True, "fillColor": "#553c9a", "fillOpacity": 0.95, "radius": 6},
        tooltip=(("name", "f_name"), ("kind", "f_kind")),
        popup=(
            ("name", "f_name"),
            ("kind", "f_kind"),
            ("subpark_id", "f_subpark"),
            ("floor_area_m2", "f_floor_area"),
            ("accuracy", "f_accuracy"),
        ),
    ),
    LayerSpec(
        "stations",
        "layer_stations",
        "point",
        {"color": "#c53030", "weight": 2, "fill": True, "fillColor": "#ffffff", "fillOpacity": 1.0, "radius": 5},
        tooltip=(("name", "f_name"), ("lines", "f_lines")),
        popup=(("name", "f_name"), ("lines", "f_lines"), ("source", "f_source")),
    ),
)


#: Context from OpenStreetMap, drawn under the park layers on every map (web and print).
ROADS = LayerSpec(
    "roads",
    "layer_roads",
    "line",
    {"color": "#a0aec0", "weight": 2, "opacity": 0.95},
    tooltip=(("name", "f_name"), ("kind", "f_road_kind")),
    popup=(("name", "f_name"), ("source", "f_source")),
    category_field="kind",
    categories=(
        Category("expressway", "road_expressway", {"color": "#e3a95c", "weight": 4}),
        Category("urban_expressway", "road_urban_expressway", {"color": "#efd08a", "weight": 3.5}),
        Category("arterial", "road_arterial", {"color": "#d2d8e0", "weight": 2.5}),
    ),
)

METRO_LINES = LayerSpec(
    "metro_lines",
    "layer_metro_lines",
    "line",
    {"color": "#718096", "weight": 3, "opacity": 0.8},
    tooltip=(("name", "f_name"),),
    popup=(("name", "f_name"), ("source", "f_source")),
    category_field="ref",
    categories=tuple(Category(ref, f"metro_line_{ref}", {"color": colour}) for ref, colour in METRO_COLOURS.items()),
)

#: The context layers, bottom first; :func:`get_spec` finds them like the registry's own layers.
CONTEXT_LAYERS: tuple[LayerSpec, ...] = (ROADS, METRO_LINES)

#: Colours of the score classes c1..c5 (bounds: gis.scoring.CLASS_BOUNDS), red (low) to green (high).
SCORE_COLOURS = ("#d73027", "#fc8d59", "#fee08b", "#91cf60", "#1a9850")

SCORED_PARCELS = LayerSpec(
    "scored_parcels",
    "layer_scored",
    "polygon",
    {"color": "#2d3748", "weight": 1.5, "fillOpacity": 0.8},
    tooltip=(("name", "f_name"), ("score", "f_score"), ("rank", "f_rank"), ("failed", "f_failed")),
    popup=(
        ("name", "f_name"),
        ("score", "f_score"),
        ("rank", "f_rank"),
        ("failed", "f_failed"),
        ("current_use", "f_use"),
        ("area_ha", "f_area_ha"),
        ("accuracy", "f_accuracy"),
    ),
    category_field="score_class",
    categories=tuple(
        Category(f"c{i + 1}", f"score_c{i + 1}", {"fillColor": colour}) for i, colour in enumerate(SCORE_COLOURS)
    )
    + (
        Category(
            "fail", "score_fail", {"fillColor": "#a0aec0", "color": "#4a5568", "dashArray": "4 3", "fillOpacity": 0.5}
        ),
    ),
)


SCENARIO_PARCELS = LayerSpec(
    "scenario_parcels",
    "layer_scenario_parcels",
    "polygon",
    {"color": "#6b46c1", "weight": 1.5, "fillColor": "#e9d8fd", "fillOpacity": 0.45},
    tooltip=(("name", "f_name"), ("score", "f_score"), ("state", "f_state")),
    popup=(("name", "f_name"), ("score", "f_score"), ("state", "f_state"), ("failed", "f_failed")),
    category_field="state_code",
    categories=(
        Category("in", "scen_in", {"fillColor": "#f6ad55", "color": "#c05621", "weight": 3, "fillOpacity": 0.85}),
        Category("out", "scen_out", {}),
        Category("fail", "scen_fail", {"fillColor": "#cbd5e0", "color": "#718096", "dashArray": "4 3"}),
        Category(
            "drawn",
            "scen_drawn",
            {"fillColor": "#fbd38d", "color": "#b7791f", "weight": 3, "dashArray": "6 3", "fillOpacity": 0.7},
        ),
    ),
)

#: Parcels a scenario adds, as print maps mark them: hatched with a bold outline (not score colours).
SCENARIO_NEW = LayerSpec(
    "scenario_new",
    "layer_scenario_new",
    "polygon",
    {"color": "#c05621", "weight": 2.5, "fillColor": "#fbd38d", "fillOpacity": 0.35, "hatch": "////"},
    tooltip=(("name", "f_name"),),
    popup=(("name", "f_name"),),
)

#: One colour per compared scenario (what each adds).
COMPARE_COLOURS = ("#d53f8c", "#3182ce", "#38a169", "#d69e2e")

SCENARIO_ADDED = LayerSpec(
    "scenario_added",
    "layer_scenario_added",
    "polygon",
    {"color": "#2d3748", "weight": 2, "fillOpacity": 0.55},
    tooltip=(("name", "f_name"),),
    popup=(("name", "f_name"), ("added", "f_area_km2")),
    category_field="slot",
    categories=tuple(
        Category(f"s{i}", f"scen_slot{i}", {"fillColor": c, "color": c}) for i, c in enumerate(COMPARE_COLOURS)
    ),
)


#: Fill colours of the 控规 parcels by planned use: the first-level class of the 2023 classification (Shanghai's
#: 新型产业用地 M0 on its own), in the hues plans use for them (residential yellow, public services pink,
#: commerce red, industry brown, storage purple, transport grey, green space green, reserved land white).
KONGGUI_CLASSES: tuple[tuple[str, str], ...] = (
    ("07", "#f6e05e"),
    ("08", "#f687b3"),
    ("09", "#fc8181"),
    ("10", "#c69c6d"),
    ("M0", "#ed8936"),
    ("11", "#b794f4"),
    ("12", "#cbd5e0"),
    ("14", "#68d391"),
    ("16", "#f7fafc"),
    ("other", "#e2e8f0"),
)

KONGGUI = LayerSpec(
    "konggui",
    "layer_konggui",
    "polygon",
    {"color": "#4a5568", "weight": 1, "fillOpacity": 0.55},
    tooltip=(("parcel_id", "f_kg_parcel"), ("use", "f_kg_use"), ("limits", "f_kg_limits")),
    popup=(("parcel_id", "f_kg_parcel"), ("use", "f_kg_use"), ("limits", "f_kg_limits")),
    category_field="use_class",
    categories=tuple(Category(v, f"kg_class_{v}", {"fillColor": c}) for v, c in KONGGUI_CLASSES),
)

#: The sites of proposals under review, by their verdict.
PROPOSALS = LayerSpec(
    "proposals",
    "layer_proposals",
    "polygon",
    {"color": "#1a202c", "weight": 3, "fillOpacity": 0.35},
    tooltip=(("name", "f_name"), ("verdict", "f_verdict")),
    popup=(("name", "f_name"), ("verdict", "f_verdict"), ("failed", "f_failed")),
    category_field="verdict_code",
    categories=(
        Category("pass", "rev_legend_pass", {"color": "#276749", "fillColor": "#48bb78"}),
        Category("fail", "rev_legend_fail", {"color": "#c53030", "fillColor": "#fc8181", "dashArray": "6 3"}),
        Category("no_data", "rev_legend_no_data", {"color": "#b7791f", "fillColor": "#f6e05e"}),
    ),
)

#: Fill colours of the land-performance (亩均效益) classes A–D, green (best) to red; parcels without statistics grey.
PERFORMANCE_COLOURS: tuple[tuple[str, str], ...] = (
    ("A", "#1a9850"),
    ("B", "#91cf60"),
    ("C", "#fc8d59"),
    ("D", "#d73027"),
)

PERFORMANCE_PARCELS = LayerSpec(
    "performance",
    "perf_layer",
    "polygon",
    {"color": "#2d3748", "weight": 1.5, "fillOpacity": 0.75},
    tooltip=(("name", "f_name"), ("class_text", "perf_f_class"), ("score", "f_score")),
    popup=(("name", "f_name"), ("class_text", "perf_f_class"), ("score", "f_score"), ("tax_per_mu", "perf_f_tax")),
    category_field="perf_class",
    categories=tuple(Category(v, f"perf_legend_{v.lower()}", {"fillColor": c}) for v, c in PERFORMANCE_COLOURS)
    + (
        Category(
            "none",
            "perf_legend_none",
            {"fillColor": "#cbd5e0", "color": "#718096", "dashArray": "4 3", "fillOpacity": 0.4},
        ),
    ),
)


def get_spec(layer_id: str) -> LayerSpec:
    """The spec of one layer by id."""
    known = (
        *REGISTRY,
        *CONTEXT_LAYERS,
        SCORED_PARCELS,
        SCENARIO_PARCELS,
        SCENARIO_ADDED,
        SCENARIO_NEW,
        KONGGUI,
        PROPOSALS,
        PERFORMANCE_PARCELS,
    )
    for spec in known:
        if spec.id == layer_id:
            return spec
    raise KeyError(f"No layer spec {layer_id!r}; known: {', '.join(s.id for s in known)}")


def resolve_field(name: str, lang: str, columns) -> str | None:
    """Column for a registry field in ``lang``: ``<name>_<lang>``, else ``name``, else ``<name>_zh``.

    Returns None when the layer has none of them (the field is then left out).
    """
    for candidate in (f"{name}_{lang}", name, f"{name}_zh"):
        if candidate in columns:
            return candidate
    return None
