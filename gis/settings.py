"""One frozen settings object: coordinate systems, paths, plan figures and limits used across the app."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Limits an operator may change with an environment variable (name -> field, smallest and largest value).
#: ``STREAMLIT_SERVER_MAX_UPLOAD_SIZE`` is Streamlit's own variable for ``server.maxUploadSize``: one variable
#: raises the upload widget's limit and the readers' together, so the two never disagree.
ENV_LIMITS: dict[str, tuple[str, float, float]] = {
    "STREAMLIT_SERVER_MAX_UPLOAD_SIZE": ("max_upload_mb", 1, 4096),
    "PUTUO_MAX_UNZIPPED_MB": ("max_unzipped_mb", 1, 65536),
    "PUTUO_MAX_IMPORT_FEATURES": ("max_import_features", 1, 10_000_000),
    "PUTUO_PARSE_MEMORY_MB": ("parse_memory_mb", 256, 65536),
    "PUTUO_PARSE_CPU_S": ("parse_cpu_s", 5, 3600),
    "PUTUO_PARSE_WALL_S": ("parse_wall_s", 5, 7200),
    "PUTUO_PARSE_WORKERS": ("parse_workers", 1, 64),
}


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
    #: Rough bounding box of Shanghai (lon/lat degrees): data outside it has a wrong CRS or swapped axes.
    shanghai_bbox: tuple = (120.8, 30.6, 122.2, 31.9)
    #: Largest file accepted by an upload (MB): one limit for every upload, the import page, the parcels page
    #: and the command line (Streamlit's server.maxUploadSize in .streamlit/config.toml is the same number;
    #: an operator raises both with STREAMLIT_SERVER_MAX_UPLOAD_SIZE, see :meth:`Settings.from_env`).
    max_upload_mb: float = 100.0
    # --- what an upload may make the reader do; counted on what is actually read -----------------------------
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

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The defaults above, with the upload limits an operator set in the environment (:data:`ENV_LIMITS`).

        The defaults are the safe ones for a shared server. An operator who must import larger layers raises
        them before starting the server. A million parcels (bench/bench_import.py --million) is a ~400 MB
        GeoPackage whose read needs ~2.2 GB of worker memory above its start, ~10 CPU s and 25 s on a busy
        2-core machine, so::

            STREAMLIT_SERVER_MAX_UPLOAD_SIZE=1024 PUTUO_MAX_IMPORT_FEATURES=1500000 \\
            PUTUO_PARSE_MEMORY_MB=4096 PUTUO_PARSE_CPU_S=120 PUTUO_PARSE_WALL_S=180 streamlit run app.py

        Each of ``parse_workers`` workers may take that memory at once.

        Unset or empty variables keep the default. Raises SettingsError for a value that is not a number
        in the variable's range (the server does not start with a limit it cannot read).
        """
        from gis.errors import SettingsError

        env = os.environ if env is None else env
        changes: dict[str, float | int] = {}
        for name, (attr, low, high) in ENV_LIMITS.items():
            raw = (env.get(name) or "").strip()
            if not raw:
                continue
            integral = isinstance(getattr(cls, attr), int)
            try:
                value: float | int = int(raw) if integral else float(raw)
            except ValueError:
                value = float("nan")
            if not low <= value <= high:
                raise SettingsError(
                    "settings_bad_whole" if integral else "settings_bad_number",
                    name=name,
                    value=raw[:20],
                    low=f"{low:,.0f}",
                    high=f"{high:,.0f}",
                )
            changes[attr] = value
        return replace(cls(), **changes)  # type: ignore[arg-type]


SETTINGS = Settings.from_env()
