"""Map payload per page: bytes the browser receives for each page's map, vs. folium's HTML of the same layers.

    .venv/bin/python bench/bench_map_payload.py

Ours (bundled data, Chinese): each page is opened with Streamlit's AppTest and its map spec read from the component
(sent over the websocket, which Streamlit does not compress by default); every layer the spec names by URL is
fetched from the app's own signed routes (server/routes.py) through Streamlit's own gzip middleware with its settings
(the routes are mounted behind it by ``st.App``), so the bytes counted are the bytes on the wire. Layer URLs hold the
data version and are cached by the browser for good: a later page fetches only the layers no earlier page fetched.

Reference, measured in the same run: the same layers as folium embeds them (full precision, every column, default
GeoJSON tooltip and popup), as the app before the Leaflet component sent them on every page view and rerun
(st_folium's component arguments over the websocket, uncompressed), and as folium's standalone HTML page (raw and
gzip). folium and streamlit-folium are only used here (requirements-bench.txt); the app no longer imports them.
"""

from __future__ import annotations

import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import folium  # noqa: E402
import geopandas as gpd  # noqa: E402
import shapely  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402
from streamlit.web.server.starlette.starlette_gzip_middleware import SelectiveGZipMiddleware  # noqa: E402
from streamlit.web.server.starlette.starlette_server_config import GZIP_COMPRESSLEVEL, GZIP_MINIMUM_SIZE  # noqa: E402
from streamlit_folium import _get_header, _get_html, _get_map_string  # noqa: E402

import tests.apptest_util  # noqa: E402,F401  (app.py's pages/ folder run as st.navigation's, as the server does)
from gis.crs import to_metric  # noqa: E402
from gis.datasets import ParkData, load_park_data  # noqa: E402
from gis.settings import SETTINGS  # noqa: E402
from layers.registry import REGISTRY, LayerSpec, get_spec  # noqa: E402
from layers.webmap import display_geometries  # noqa: E402
from server import routes as http  # noqa: E402

RUNS = 5
KB = 1024
#: The pages with a map when first opened (script, label); the import page shows one after an upload, the export
#: page when its print extent is "the map view".
PAGES = (("pages/explorer.py", "home"), ("pages/parcels.py", "parcels"), ("pages/scenarios.py", "scenarios"))
GOAL_FIRST_KB = 1024.0
GOAL_RATIO = 3.0


def _walk(node: Any) -> Iterator[Any]:
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield child
            yield from _walk(child)


def page_specs(script: str) -> list[tuple[str, dict]]:
    """(raw JSON sent, spec) of every map on a page, after its first run (AppTest, bundled data, zh)."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.run()
    if script != PAGES[0][0]:
        app.switch_page(script).run()
    if app.exception:
        raise RuntimeError(f"{script}: {[e.value for e in app.exception]}")
    return [
        (el.proto.json, json.loads(el.proto.json))
        for el in _walk(app.main)
        if getattr(el, "type", None) == "bidi_component" and el.proto.component_name == "planner_map"
    ]


def routes_client() -> TestClient:
    """The app's routes behind Streamlit's own gzip middleware, with Streamlit's settings."""
    app = Starlette(
        routes=http.routes(),
        middleware=[
            Middleware(SelectiveGZipMiddleware, minimum_size=GZIP_MINIMUM_SIZE, compresslevel=GZIP_COMPRESSLEVEL)
        ],
    )
    return TestClient(app)


def fetch(client: TestClient, url: str) -> tuple[int, int]:
    """(bytes on the wire, bytes of the document) of one layer URL, fetched as a browser does (gzip accepted)."""
    r = client.get(url, headers={"Accept-Encoding": "gzip"})
    if r.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {r.status_code} {r.text[:200]}")
    return r.num_bytes_downloaded, len(r.content)


def _style_function(spec: LayerSpec) -> Callable[[dict], dict]:
    def style(feature: dict) -> dict:
        value = feature["properties"].get(spec.category_field) if spec.category_field else None
        return spec.style_for(None if value is None else str(value))

    return style


def folium_map(data: ParkData, layer_ids: list[str]) -> folium.Map:
    """Plain folium embedding of the same layers: full precision, all columns, default tooltip/popup."""
    m = folium.Map(location=SETTINGS.map_center, zoom_start=SETTINGS.map_zoom)
    for lid in layer_ids:
        spec = get_spec(lid)
        gdf = data.layer(http.MAP_LAYERS[lid][0])
        fields = [c for c in gdf.columns if c != gdf.geometry.name]
        folium.GeoJson(
            gdf,
            name=spec.label("zh"),
            style_function=_style_function(spec),
            tooltip=folium.GeoJsonTooltip(fields=fields),
            popup=folium.GeoJsonPopup(fields=fields),
        ).add_to(m)
    folium.LayerControl().add_to(m)
    return m


def folium_bytes(m: folium.Map) -> tuple[bytes, bytes]:
    """(folium's standalone page, st_folium's component arguments as Streamlit sends them: JSON)."""
    page = m.get_root().render().encode("utf-8")
    m.render()
    args = json.dumps({"script": _get_map_string(m), "html": _get_html(m), "header": _get_header(m)})
    return page, args.encode("utf-8")


def kb(n: float) -> str:
    return f"{n / KB:9.1f} KB"


def main() -> None:
    data = load_park_data()
    client = routes_client()
    fetched: set[str] = set()
    rows = []
    for script, label in PAGES:
        for raw, spec in page_specs(script):
            urls = [ref["url"] for ref in spec["layers"] if "url" in ref]
            inline = [ref["id"] for ref in spec["layers"] if "doc" in ref]
            tiled = [ref["id"] for ref in spec["layers"] if "tiled" in ref]
            wire = {url: fetch(client, url) for url in urls}
            new = [u for u in urls if u not in fetched]
            fetched.update(urls)
            ids = [ref["id"] for ref in spec["layers"] if "url" in ref]
            page, args = folium_bytes(folium_map(data, ids))
            rows.append(
                {
                    "page": f"{label}/{spec.get('map_key', 'map')}",
                    "spec": len(raw.encode("utf-8")),
                    "docs": sum(d for _, d in wire.values()),
                    "wire": sum(w for w, _ in wire.values()),
                    "new": sum(wire[u][0] for u in new),
                    "n": len(urls),
                    "n_new": len(new),
                    "inline": inline,
                    "tiled": tiled,
                    "ids": ids,
                    "page_html": len(page),
                    "page_gz": len(gzip.compress(page)),
                    "args": len(args),
                }
            )

    print(
        f"Map payload per page (bundled data, zh; gzip as served: Streamlit's middleware, level "
        f"{GZIP_COMPRESSLEVEL}, from {GZIP_MINIMUM_SIZE} bytes; the websocket is not compressed)"
    )
    print(
        "  ours: spec over the websocket + layer documents from the signed routes (first visit: every layer; "
        "after the pages above: only layers not yet in the browser's cache)"
    )
    print(
        "  reference: folium, the same layers: st_folium's arguments (what the app sent before, every page view and "
        "rerun, uncompressed) / folium's HTML page gzip"
    )
    for r in rows:
        first = r["spec"] + r["wire"]
        later = r["spec"] + r["new"]
        extra = (f"; inline {', '.join(r['inline'])}" if r["inline"] else "") + (
            f"; tiled {', '.join(r['tiled'])}" if r["tiled"] else ""
        )
        print(
            f"  {r['page']:<20} ours first visit {kb(first)} (spec {r['spec'] / KB:.1f} KB + {r['n']} layers "
            f"{r['wire'] / KB:.1f} KB gzip, {r['docs'] / KB:.1f} KB as JSON){extra}"
        )
        print(
            f"  {'':<20} ours after the pages above {kb(later)} ({r['n_new']} new layer(s)); a rerun of the page: "
            f"{r['spec'] / KB:.1f} KB (the spec only)"
        )
        print(
            f"  {'':<20} folium       {kb(r['args'])} st_folium arguments; page {r['page_html'] / KB:.1f} KB, "
            f"gzip {r['page_gz'] / KB:.1f} KB  -> {r['args'] / first:.1f}x ours (first visit), "
            f"{r['args'] / later:.0f}x (after the pages above)"
        )
    first_max = max(r["spec"] + r["wire"] for r in rows)
    ratio_min = min(r["args"] / (r["spec"] + r["wire"]) for r in rows)
    print(
        f"  goal first visit <= {GOAL_FIRST_KB / 1024:.0f} MB on every page (largest {first_max / KB:.1f} KB): "
        f"{'met' if first_max <= GOAL_FIRST_KB * KB else 'NOT met'}; goal >= {GOAL_RATIO:.0f}x smaller than the "
        f"folium arguments (smallest {ratio_min:.1f}x): {'met' if ratio_min >= GOAL_RATIO else 'NOT met'}"
    )

    home = rows[0]["ids"]
    urls = [ref["url"] for _, spec in page_specs(PAGES[0][0]) for ref in spec["layers"] if "url" in ref]
    ours, ref = [], []
    for _ in range(RUNS):
        http.DOCS.clear()
        t0 = time.perf_counter()
        for url in urls:
            fetch(client, url)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        folium_bytes(folium_map(data, home))
        ref.append(time.perf_counter() - t0)
    print(
        f"Server time for the home map's layers, cold (medians of {RUNS}): layer documents built, JSON, gzip "
        f"{statistics.median(ours) * 1000:.0f} ms (once per data version; then cached) vs. folium build + render "
        f"{statistics.median(ref) * 1000:.0f} ms (every page view and rerun)"
    )

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
