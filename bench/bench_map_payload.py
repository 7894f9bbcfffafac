"""Map payload: bytes the browser receives for the home map (ours vs. plain folium embedding), build time, simplification error."""

from __future__ import annotations

import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import folium  # noqa: E402
import geopandas as gpd  # noqa: E402
import shapely  # noqa: E402
from streamlit_folium import _get_header, _get_html, _get_map_string  # noqa: E402

from gis.crs import to_metric  # noqa: E402
from gis.datasets import ParkData, load_park_data  # noqa: E402
from gis.settings import SETTINGS  # noqa: E402
from layers.registry import REGISTRY, LayerSpec  # noqa: E402
from layers.webmap import build_map, display_geometries  # noqa: E402

RUNS = 7
KB = 1024


def build_ours(data: ParkData) -> folium.Map:
    """The project's home map (bundled data, Chinese, no basemap)."""
    return build_map(data, lang="zh")


def _style_function(spec: LayerSpec) -> Callable[[dict], dict]:
    def style(feature: dict) -> dict:
        value = feature["properties"].get(spec.category_field) if spec.category_field else None
        return spec.style_for(None if value is None else str(value))
    return style


def build_reference(data: ParkData) -> folium.Map:
    """Plain folium embedding of the same layers: full precision, all columns, default tooltip/popup."""
    m = folium.Map(location=SETTINGS.map_center, zoom_start=13)
    for spec in REGISTRY:
        gdf = data.layer(spec.id)
        fields = [c for c in gdf.columns if c != gdf.geometry.name]
        folium.GeoJson(gdf, name=spec.label("zh"), style_function=_style_function(spec),
                       tooltip=folium.GeoJsonTooltip(fields=fields),
                       popup=folium.GeoJsonPopup(fields=fields)).add_to(m)
    folium.LayerControl().add_to(m)
    return m


def page_bytes(m: folium.Map) -> bytes:
    """The standalone HTML page folium renders for the map."""
    return m.get_root().render().encode("utf-8")


def st_folium_parts(m: folium.Map) -> tuple[bytes, bytes]:
    """What st_folium sends for a fresh map: (script + html + header as UTF-8, the same as Streamlit's JSON args)."""
    m.get_root().render()
    m.render()
    html = _get_html(m)
    header = _get_header(m)
    script = _get_map_string(m)
    raw = (script + html + header).encode("utf-8")
    as_json = json.dumps({"script": script, "html": html, "header": header}).encode("utf-8")
    return raw, as_json


def median_build_render_s(build: Callable[[ParkData], folium.Map], data: ParkData) -> float:
    """Median seconds to build and render the map over RUNS runs."""
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        page_bytes(build(data))
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def kb(n: int) -> str:
    return f"{n / KB:8.1f} KB"


def main() -> None:
    data = load_park_data()
    rows = []
    for label, build in (("ours", build_ours), ("reference", build_reference)):
        page = page_bytes(build(data))
        raw, as_json = st_folium_parts(build(data))
        rows.append((label, page, raw, as_json, median_build_render_s(build, data)))

    print(f"Map payload (bundled data; medians over {RUNS} runs)")
    for label, page, raw, as_json, secs in rows:
        print(f"  {label:9s} folium page      {kb(len(page))}  gzip {kb(len(gzip.compress(page)))}")
        print(f"  {label:9s} st_folium strings{kb(len(raw))}  gzip {kb(len(gzip.compress(raw)))}"
              f"  (as Streamlit JSON args: {len(as_json) / KB:.1f} KB, gzip {len(gzip.compress(as_json)) / KB:.1f} KB)")
        print(f"  {label:9s} build+render     {secs * 1000:8.1f} ms (median)")
    (_, p_ours, r_ours, j_ours, _), (_, p_ref, r_ref, j_ref, _) = rows
    print(f"  ratio reference/ours: page {len(p_ref) / len(p_ours):.2f}x, st_folium strings "
          f"{len(r_ref) / len(r_ours):.2f}x, JSON args {len(j_ref) / len(j_ours):.2f}x, "
          f"page gzip {len(gzip.compress(p_ref)) / len(gzip.compress(p_ours)):.2f}x")
    ok_size = len(r_ours) <= 1024 * KB and len(p_ours) <= 1024 * KB
    ok_ratio = len(p_ref) / len(p_ours) >= 3.0
    print(f"  goal ours <= 1 MB: {'met' if ok_size else 'NOT met'}; goal >= 3x smaller than reference: "
          f"{'met' if ok_ratio else 'NOT met'}")

    print("Display simplification (1.0 m) + rounding (6 decimals): max Hausdorff distance in EPSG:4549")
    for spec in REGISTRY:
        if spec.kind != "polygon":
            continue
        gdf = data.layer(spec.id)
        shown = gpd.GeoSeries(display_geometries(gdf, simplify_m=1.0, decimals=6), crs=gdf.crs)
        dist = shapely.hausdorff_distance(to_metric(gdf.geometry).to_numpy(), to_metric(shown).to_numpy())
        print(f"  {spec.id:9s} {float(dist.max()):6.3f} m")


if __name__ == "__main__":
    main()
