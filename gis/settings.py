"""One frozen settings object: coordinate systems, paths, plan figures and limits used across the app."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Application-wide constants. Replace with ``dataclasses.replace`` in tests, never mutate."""

    #: Storage and display CRS (WGS84 lon/lat).
    storage_crs: str = "EPSG:4326"
    #: Metric CRS for areas, lengths and buffers: CGCS2000 / 3-degree Gauss-Kruger CM 120E.
    metric_crs: str = "EPSG:4549"
    #: Folder holding the bundled (or official, swapped-in) data.
    data_dir: Path = ROOT / "data"
    #: The plan's total park area (km2), 普科委〔2021〕17号.
    plan_total_area_km2: float = 10.08
    #: Relative tolerance on the total area when validating a data folder.
    total_area_rel_tol: float = 0.01
    #: Sub-park count per cluster fixed by the plan.
    subparks_per_cluster: dict = field(default_factory=lambda: {"north": 6, "south": 8})
    #: Inward width of the Suzhou Creek waterfront belt (m).
    belt_width_m: float = 500.0
    #: Coordinates written to the browser are rounded to this many decimals (1e-6 deg ~ 0.1 m).
    display_decimals: int = 6
    #: Display geometries are simplified with this tolerance (m): no vertex moves further.
    display_simplify_m: float = 1.0
    #: How many nearest metro stations the sub-park panel lists.
    nearest_stations: int = 3
    #: Default map centre (lat, lon) and zoom for the whole district.
    map_center: tuple = (31.255, 121.395)
    map_zoom: int = 13
    #: Scenario workspace (GeoPackage); PUTUO_WORKSPACE overrides it.
    workspace_path: Path = ROOT / "workspace" / "putuo_workspace.gpkg"
    #: At most this many features of one layer are sent to the browser (a regular sample beyond it).
    max_display_features: int = 5000
    #: Rough bounding box of Shanghai (lon/lat degrees): data outside it has a wrong CRS or swapped axes.
    shanghai_bbox: tuple = (120.8, 30.6, 122.2, 31.9)
    #: Largest file accepted by an upload (MB): one limit for every upload, the import page, the parcels page
    #: and the command line (Streamlit's server.maxUploadSize should be set to the same number).
    max_upload_mb: float = 100.0
    # --- what an upload may make the reader do (issue 10); counted on what is actually read ------------------
    #: Bytes actually inflated from one archive (zip, KMZ, XLSX), all members together (MB).
    max_unzipped_mb: float = 400.0
    #: Members in one archive.
    max_zip_members: int = 200
    #: Bytes inflated per compressed byte, per member, once a member is past 1 MB (zip bombs reach 1000).
    max_zip_ratio: float = 100.0
    #: The same for the XML inside an XLSX workbook (sheets compress far better than shapefiles).
    max_xlsx_ratio: float = 400.0
    #: Features in one imported layer.
    max_import_features: int = 500_000
    #: Rows, cells and columns of one CSV/XLSX table (an XLSX is checked before it is parsed).
    max_table_rows: int = 200_000
    max_table_cells: int = 5_000_000
    max_table_columns: int = 500
    #: Reading an upload runs in a worker process: memory it may add to its start (MB), CPU seconds and
    #: wall-clock seconds before it is stopped, and how many such workers run at once.
    parse_memory_mb: float = 2048.0
    parse_cpu_s: float = 60.0
    parse_wall_s: float = 90.0
    parse_workers: int = 2
    #: Niceness added to a worker: the server's own threads (other users' reruns) come first.
    parse_nice: int = 5


SETTINGS = Settings()
